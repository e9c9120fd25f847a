"""Destructive actions asked first: a page that asks when the browser could not.

A form with `data-confirm` is asked about in a `<dialog>` by static/js/confirm.js, which then
submits it with `confirmed=1`. Without JavaScript the form arrives unconfirmed, and the view
answers with `ask`: a page with the same question, whose button posts again, confirmed.
"""

from __future__ import annotations

from flask import render_template, request

#: The form field a confirmed submit carries (from the dialog or the confirm page).
CONFIRMED = "confirmed"


def confirmed() -> bool:
    """Tell whether the person already said yes to this destructive action."""
    return request.form.get(CONFIRMED) == "1"


def ask(question: str, *, button: str, back: str, detail: str | None = None):
    """Render the page that asks `question` and posts the same URL again, confirmed."""
    return render_template(
        "confirm.html",
        question=question,
        detail=detail,
        button=button,
        action=request.path,
        back=back,
    )

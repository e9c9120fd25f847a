"""Review mode: only the answers waiting for review, and accepting all of them at once.

The brief page shows review mode with `?review=1`. Its "accept all shown" form names each
answer it showed with its revision, so an answer the client changed while the agency was
reading is left waiting rather than accepted unseen.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import abort, flash, redirect, request, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required

from briefs import clock, workflow
from briefs.briefs_admin.forms import ConfirmForm
from briefs.briefs_admin.page import load_brief_for_page
from briefs.extensions import db
from briefs.models.brief import ACCEPTED
from briefs.overview import brief_fields
from briefs.rules.completeness import awaits_review
from briefs.rules.conditions import hidden_keys
from briefs.url_ids import parse_id

#: The query argument (and form field) that keeps the brief page in review mode.
REVIEW_ARG = "review"


def wants_review_mode(values: Mapping[str, str]) -> bool:
    """Tell whether the request asks for the brief page in review mode."""
    return values.get(REVIEW_ARG) == "1"


def review_args(review_mode: bool) -> dict[str, str]:
    """Return the URL arguments that keep the brief page in (or out of) review mode."""
    return {REVIEW_ARG: "1"} if review_mode else {}


def shown_answers(values: list[str]) -> dict[int, int]:
    """Read the "field id:revision" pairs a review-mode page showed; skip malformed ones."""
    shown: dict[int, int] = {}
    for value in values:
        field_text, _sep, revision_text = value.partition(":")
        field_id, revision = parse_id(field_text), parse_id(revision_text)
        if field_id is not None and revision is not None:
            shown[field_id] = revision
    return shown


@login_required
def accept_shown(brief_id: int):
    """Accept every answer the review-mode page showed, as long as it is still the same."""
    brief = load_brief_for_page(brief_id)
    if brief is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("briefs_admin.brief", brief_id=brief.id, **review_args(True)))
    workflow.refuse_if_closed(brief, "review")
    shown = shown_answers(request.form.getlist("shown"))
    now, actor = clock.utcnow(), workflow.Actor.user(current_user)
    accepted = changed = 0
    fields = brief_fields(brief)
    hidden = hidden_keys(fields)
    for field in fields:
        if field.id not in shown or field.key in hidden:
            continue
        if field.revision == shown[field.id] and awaits_review(field):
            workflow.review(field, ACCEPTED, "", actor, now)
            accepted += 1
        elif awaits_review(field):
            changed += 1
    db.session.commit()
    if accepted:
        flash(
            ngettext("%(num)d answer accepted.", "%(num)d answers accepted.", accepted), "success"
        )
    if changed:
        flash(
            ngettext(
                "%(num)d answer changed while you were reading it, so it still waits for you.",
                "%(num)d answers changed while you were reading them, so they still wait for you.",
                changed,
            ),
            "warning",
        )
    return redirect(url_for("briefs_admin.brief", brief_id=brief.id, **review_args(bool(changed))))

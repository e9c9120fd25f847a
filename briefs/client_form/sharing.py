"""The contact's side of handing questions on: read the little form, check it, do it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask import abort, current_app
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from briefs.accounts import agency_settings
from briefs.client_form.access import Link, field_of
from briefs.client_form.page import HandoverForm
from briefs.handovers import client_refusal, hand_over_by_mail, note_refused
from briefs.models import BriefField, Handover
from briefs.rules.answers import plain_text
from briefs.rules.handover_limits import DAILY_LIMIT, DAILY_LIMIT_REACHED, MAX_NOTE, REPEAT


def scope_fields(link: Link, scope: str) -> list[BriefField]:
    """Return the fields a scope names ("f-<field id>" or "s-<section id>"), else 404."""
    kind, _sep, raw = scope.partition("-")
    if not raw.isdigit():
        abort(404)
    if kind == "f":
        return [field_of(link, int(raw))]
    for section, fields in link.sections:
        if kind == "s" and section.id == int(raw):
            return fields
    abort(404)


def read_handover_form(
    scope: str, form: MultiDict, fields: list[BriefField]
) -> tuple[HandoverForm, list[BriefField]]:
    """Read and check one "hand to a colleague" form; return it and the fields chosen.

    A section's form lists its questions as boxes (all ticked at first); a form that
    showed no boxes hands over every field of its scope.
    """
    if form.get(f"ho-pick-{scope}"):
        chosen = set(form.getlist(f"ho-fields-{scope}"))
        fields = [f for f in fields if str(f.id) in chosen]
    # Control characters go as from answers: the name and note are mailed, and
    # PostgreSQL refuses a NUL.
    name = plain_text(form.get(f"ho-name-{scope}", ""), one_line=True).strip()
    email = form.get(f"ho-email-{scope}", "").strip()
    note = plain_text(form.get(f"ho-note-{scope}", "")).strip()
    errors: dict[str, str] = {}
    if not name or len(name) > 200:
        errors["name"] = _("Please enter your colleague's name.")
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        errors["email"] = _("Please enter an e-mail address like name@example.com.")
    if len(note) > MAX_NOTE:
        errors["note"] = _("Please keep the note under %(num)s characters.", num=MAX_NOTE)
    if not fields:
        errors["fields"] = _("Please choose at least one question.")
    typed = HandoverForm(
        scope=scope,
        name=name,
        email=email,
        note=note,
        errors=errors,
        chosen=frozenset(f.id for f in fields),
    )
    return typed, fields


def check_limits(
    link: Link, form: HandoverForm, fields: list[BriefField], now: datetime
) -> HandoverForm:
    """Return the form with an error if the link may not hand these questions over now.

    A refusal for the daily limit is recorded for the agency (once a day per brief).
    """
    reason = client_refusal(link.brief, form.email, fields, now)
    if reason is None:
        return form
    errors = dict(form.errors)
    if reason == DAILY_LIMIT_REACHED:
        note_refused(link.brief, email=form.email, reason=reason, actor=link.actor, now=now)
        errors["limit"] = _(
            "Questions of this brief have already been handed over %(num)s times in the last "
            "24 hours, which is the most we allow. Please try again tomorrow, or write to "
            "%(agency)s and they will add your colleague.",
            num=DAILY_LIMIT,
            agency=agency_settings().name,
        )
    elif reason == REPEAT:
        errors["email"] = _(
            "%(email)s already got these questions less than an hour ago. The e-mail can "
            "take a few minutes; please ask them to look in their spam folder too.",
            email=form.email,
        )
    return replace(form, errors=errors)


def share(link: Link, fields: list[BriefField], form: HandoverForm, now: datetime) -> Handover:
    """Hand the fields to a colleague and put their e-mail in the outbox (commits)."""
    return hand_over_by_mail(
        link.brief,
        fields,
        agency=agency_settings().name,
        name=form.name,
        email=form.email,
        note=form.note,
        actor=link.actor,
        now=now,
        secret_key=current_app.config["SECRET_KEY"],
    )

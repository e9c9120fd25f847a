"""Saving one answer over the API, through the client form's own checks and save.

The value is read and saved by the same functions as the client form's autosave
(`client_form.filling`), so a value the form refuses is refused here with the same words,
and the save records the same `answer_saved` event, credited to the token's user. Like any
answer the agency gives, it is a suggestion the client is asked to confirm.
"""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from briefs import clock, workflow
from briefs.answer_messages import answer_error
from briefs.api.auth import actor, require_token
from briefs.api.brief_views import check_brief_match, detail_response, load_brief
from briefs.api.inputs import json_body
from briefs.api.problems import ApiProblem, invalid
from briefs.client_form.filling import read_posted, save_posted
from briefs.conflicts import Conflict
from briefs.extensions import db
from briefs.models import Brief, BriefField
from briefs.rules.answers import AnswerError

ANSWER_FIELDS = ("value", "not_applicable", "revision")


def _field_of(brief: Brief, field_ref: str) -> BriefField:
    """The brief's field with this key, or else with this id; 404 if neither."""
    in_brief = select(BriefField).where(BriefField.brief_id == brief.id)
    field = db.session.scalar(in_brief.where(BriefField.key == field_ref))
    if field is None and field_ref.isascii() and field_ref.isdigit() and len(field_ref) < 19:
        field = db.session.scalar(in_brief.where(BriefField.id == int(field_ref)))
    if field is None:
        raise ApiProblem(404, "Not Found", "The brief has no field with this key or id.")
    return field


def _posted_form(field: BriefField, body: dict) -> MultiDict:
    """Spell the body as the client form posts this field; 422 for a value of the wrong shape."""
    value = body.get("value", "")
    many = field.type == "multiple_choice"
    values = value if isinstance(value, list) and many else [value]
    if not all(isinstance(item, str) for item in values):
        message = "Give a list of the chosen options." if many else "Give the answer as text."
        raise invalid([{"field": "value", "message": message}])
    not_applicable = body.get("not_applicable", False)
    if not isinstance(not_applicable, bool):
        raise invalid([{"field": "not_applicable", "message": "Give true or false."}])
    form = MultiDict([(f"f-{field.id}", item) for item in values])
    if not_applicable:
        form.add(f"na-{field.id}", "1")
    return form


def save_answer(brief_id: int, field_ref: str):
    """Save one field's answer as the client form would; answer with the brief.

    `revision`, when given, must be the answer's current revision (else 412), so a save
    never overwrites an answer its sender has not read; If-Match guards the whole brief.
    """
    require_token()
    brief = load_brief(brief_id)
    field = _field_of(brief, field_ref)
    body = json_body(ANSWER_FIELDS)
    check_brief_match(brief)
    workflow.refuse_if_closed(brief, "answer")
    revision = body.get("revision")
    if revision is not None and (not isinstance(revision, int) or isinstance(revision, bool)):
        raise invalid([{"field": "revision", "message": "Give the answer's revision number."}])
    if revision is not None and revision != field.revision:
        raise ApiProblem(
            412,
            "Precondition failed",
            "The answer changed since you read it; read it again and reapply your change.",
        )
    if field.type == "file":
        raise ApiProblem(409, "Conflict", "Files are uploaded on the client's page, not typed.")
    if workflow.is_hidden(field):
        raise ApiProblem(
            409,
            "Conflict",
            "The field is hidden: its condition is not met by the answers, so it is not asked.",
        )
    now, who = clock.utcnow(), actor()
    try:
        saved = save_posted(
            field, read_posted(field, _posted_form(field, body)), actor=who, now=now
        )
    except AnswerError as error:
        raise invalid([{"field": "value", "message": answer_error(error.code)}]) from None
    if isinstance(saved, Conflict):
        raise ApiProblem(409, "Conflict", "Someone saved a newer answer first.")
    if saved:
        workflow.record_answers_saved(brief, [field], who, now)
        db.session.commit()
    return detail_response(brief)

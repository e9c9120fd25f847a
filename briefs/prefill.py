"""Answers the agency already knows: it suggests them, the client confirms or changes them.

A prefill is an ordinary revision saved by an agency user, with BriefField.answer_user_id
set so the client form asks for a confirmation. Confirming writes a new revision by the
client with the same value (save_answer skips unchanged values, so it is written here,
the same way) and clears answer_user_id; any other client save clears it too.
"""

from __future__ import annotations

from datetime import datetime

from briefs.extensions import db
from briefs.models import Answer, Brief, BriefField, User
from briefs.workflow import Actor, record, record_answers_saved, save_answer


def prefill(brief: Brief, field: BriefField, value: str, *, user: User, now: datetime) -> bool:
    """Save the agency's suggested answer; False when it equals the current answer."""
    actor = Actor.user(user)
    answer = save_answer(field, value, not_applicable=False, actor=actor, now=now)
    if answer is None:
        return False
    field.answer_user_id = user.id
    record_answers_saved(brief, [field], actor, now)
    return True


def note_client_answer(field: BriefField) -> None:
    """Forget that the current answer was a suggestion: the client has answered."""
    field.answer_user_id = None


def confirm(brief: Brief, field: BriefField, *, actor: Actor, now: datetime) -> bool:
    """Take the agency's suggestion as the client's answer; False if there is none."""
    if field.answer_user_id is None or not field.revision:
        return False
    field.revision += 1
    db.session.add(
        Answer(
            brief_id=field.brief_id,
            field_id=field.id,
            number=field.revision,
            value=field.value,
            not_applicable=field.not_applicable,
            author=actor.label,
            author_user_id=actor.user_id,
            created_at=now,
        )
    )
    field.answered_at = now
    field.answered_by = actor.label
    field.answer_user_id = None
    field.review_verdict = None
    field.review_comment = ""
    field.reviewed_at = None
    record(
        brief, "answer_saved", actor, now, field=field, fields=[field.key], count=1, confirmed=True
    )
    return True

"""Answers the agency already knows: it suggests them, the client confirms or changes them.

A prefill is an ordinary revision saved by an agency user, with BriefField.answer_user_id
set (by workflow.save_answer) so the client form asks for a confirmation. Confirming saves
the same value again as the client's own revision, which clears answer_user_id, as any
client save does.
"""

from __future__ import annotations

from datetime import datetime

from briefs.models import Brief, BriefField, User
from briefs.workflow import Actor, answers_written, record, record_answers_saved, save_answer


def prefill(brief: Brief, field: BriefField, value: str, *, user: User, now: datetime) -> bool:
    """Save the agency's suggested answer; False when it equals the current answer."""
    actor = Actor.user(user)
    answer = save_answer(field, value, not_applicable=False, actor=actor, now=now)
    if answer is None:
        return False
    record_answers_saved(brief, [field], actor, now)
    return True


def confirm(brief: Brief, field: BriefField, *, actor: Actor, now: datetime) -> bool:
    """Take the agency's suggestion as the client's answer; False if there is none."""
    if field.answer_user_id is None or not field.revision:
        return False
    save_answer(
        field, field.value, not_applicable=field.not_applicable, actor=actor, now=now, force=True
    )
    record(
        brief,
        "answer_saved",
        actor,
        now,
        field=field,
        fields=[field.key],
        count=1,
        confirmed=True,
        answers=answers_written([field]),
    )
    return True

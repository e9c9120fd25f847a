"""Reminders that lost their reason before delivery are cancelled, not sent.

A reminder may wait in the outbox (SMTP down, a retry backoff) while the client answers
or the agency pauses the brief; it must then never arrive. The same holds for a mail
naming answers sent back once the client has answered every question it names.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from briefs.extensions import db
from briefs.mail import move_mail
from briefs.mail.outbox import covered_briefs, record_message
from briefs.models import Brief, BriefField, Message
from briefs.models.brief import CHANGES_REQUESTED
from briefs.models.outbox import QUEUED

#: The status of a message that was not delivered because it no longer applied.
CANCELLED = "cancelled"

CHASING_KINDS = ("reminder", "escalation")


def cancel_stale(now: datetime, chased: set[int]) -> list[Message]:
    """Cancel queued mail that lost its reason, and commit.

    Reminders and escalations of briefs no longer chased (`chased` holds the ids of the
    briefs the run's plan found still needing reminders), and sent-back mail whose
    questions are all answered or accepted by now.
    """
    waiting = db.session.scalars(
        select(Message).where(Message.status == QUEUED, Message.kind.in_(CHASING_KINDS))
    )
    # A reminder listing several briefs stands while any of them is still chased.
    cancelled = [_cancel(m, now) for m in waiting if chased.isdisjoint(covered_briefs(m))]
    cancelled += [_cancel(m, now) for m in _answered_sent_back()]
    db.session.commit()
    return cancelled


def _answered_sent_back() -> list[Message]:
    """Queued sent-back mail none of whose questions is still sent back (two queries).

    A mail listing several briefs stands while any question it names, on any of them, is
    still sent back.
    """
    waiting = db.session.scalars(
        select(Message).where(Message.status == QUEUED, Message.kind == move_mail.CHANGES_REQUESTED)
    ).all()
    if not waiting:
        return []
    named = {message.id: _named_questions(message) for message in waiting}
    still_sent_back = set(
        db.session.execute(
            select(BriefField.brief_id, BriefField.key).where(
                BriefField.brief_id.in_({b for pairs in named.values() for b, _key in pairs}),
                BriefField.review_verdict == CHANGES_REQUESTED,
            )
        ).tuples()
    )
    return [message for message in waiting if still_sent_back.isdisjoint(named[message.id])]


def _named_questions(message: Message) -> set[tuple[int, str]]:
    """Return the (brief id, question key) pairs a sent-back mail names."""
    data = message.data or {}
    if message.brief_id is not None:
        return {(message.brief_id, key) for key in data.get("missing") or ()}
    return {
        (item["brief"], key)
        for item in data.get("about") or ()
        for key in item.get("missing") or ()
    }


def _cancel(message: Message, now: datetime) -> Message:
    message.status = CANCELLED
    message.claimed_by = ""
    for brief_id in covered_briefs(message):
        brief = db.session.get(Brief, brief_id)
        if brief is not None:
            record_message(brief, "message_cancelled", message, now, to=message.to_addrs)
    return message

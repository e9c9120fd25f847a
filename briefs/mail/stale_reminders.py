"""Reminders that lost their reason before delivery are cancelled, not sent.

A reminder may wait in the outbox (SMTP down, a retry backoff) while the client answers
or the agency pauses the brief; it must then never arrive.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from briefs.extensions import db
from briefs.mail.outbox import record_message
from briefs.models import Brief, Message
from briefs.models.outbox import QUEUED

#: The status of a message that was not delivered because it no longer applied.
CANCELLED = "cancelled"

CHASING_KINDS = ("reminder", "escalation")


def cancel_stale(now: datetime, chased: set[int]) -> list[Message]:
    """Cancel queued reminders and escalations of briefs no longer chased.

    `chased` holds the ids of the briefs the run's plan found still needing reminders.
    """
    waiting = db.session.scalars(
        select(Message).where(Message.status == QUEUED, Message.kind.in_(CHASING_KINDS))
    )
    cancelled = []
    for message in waiting:
        if message.brief_id in chased:
            continue
        message.status = CANCELLED
        message.claimed_by = ""
        brief = db.session.get(Brief, message.brief_id)
        if brief is not None:
            record_message(brief, "message_cancelled", message, now, to=message.to_addrs)
        cancelled.append(message)
    db.session.commit()
    return cancelled

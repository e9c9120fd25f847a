"""Reminders that lost their reason before delivery are cancelled, not sent.

A reminder may wait in the outbox (SMTP down, a retry backoff) while the client answers
or the agency pauses the brief; it must then never arrive.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from briefs.accounts import agency_settings
from briefs.chase_policy import policy_for
from briefs.chasing import assess, open_briefs
from briefs.extensions import db
from briefs.models import Brief, Message
from briefs.models.outbox import QUEUED
from briefs.outbox import record_message
from briefs.reminders import wants_reminders

#: The status of a message that was not delivered because it no longer applied.
CANCELLED = "cancelled"

CHASING_KINDS = ("reminder", "escalation")


def cancel_stale(now: datetime) -> list[Message]:
    """Cancel queued reminders and escalations of briefs that no longer need chasing."""
    waiting = list(
        db.session.scalars(
            select(Message).where(Message.status == QUEUED, Message.kind.in_(CHASING_KINDS))
        )
    )
    if not waiting:
        return []
    settings = agency_settings()
    brief_ids = sorted({m.brief_id for m in waiting if m.brief_id})
    chases, _cal = assess(open_briefs(brief_ids), settings, now)
    still_wanted = {
        chase.summary.brief.id
        for chase in chases
        if wants_reminders(chase.state, policy_for(chase.summary.brief, settings))
    }
    cancelled = []
    for message in waiting:
        if message.brief_id in still_wanted:
            continue
        message.status = CANCELLED
        message.claimed_by = ""
        brief = db.session.get(Brief, message.brief_id)
        if brief is not None:
            record_message(brief, "message_cancelled", message, now, to=message.to_addrs)
        cancelled.append(message)
    db.session.commit()
    return cancelled

"""Storing messages before delivery, and delivering what is due exactly once.

Queuing is idempotent through Message.dedupe_key; delivery claims each message with one
atomic UPDATE, so two `send-due` runs started together never deliver the same message.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from briefs.extensions import db
from briefs.mail.content import BriefFacts, Rendered
from briefs.mail.smtp import Outgoing, SmtpSettings, send
from briefs.models import Brief, Event, Message
from briefs.models.outbox import FAILED, QUEUED, SENDING, SENT
from briefs.rules.reminders import retry_delay
from briefs.workflow import SYSTEM, record

log = logging.getLogger(__name__)

#: After this many failed attempts a message is marked failed and waits for a person.
MAX_ATTEMPTS = 8
#: A claim older than this belongs to a run that died; the message is queued again.
STALE_CLAIM = timedelta(minutes=15)


@dataclass(frozen=True)
class Draft:
    """A message ready to be stored."""

    kind: str
    dedupe_key: str
    to: list[str]
    #: Subject and both bodies, as mail_content renders them.
    rendered: Rendered
    locale: str
    cc: list[str] | None = None
    brief: Brief | None = None
    #: The client it is about; a brief's own client when not given.
    client_id: int | None = None
    data: dict | None = None
    #: A message about several briefs (a teammate's risk alert), each with the facts its
    #: own record gets; `brief` and `data` are then left empty.
    about: tuple[tuple[Brief, dict], ...] = ()
    #: What a mail about one brief says of it, so a run can list it with others in one mail.
    facts: BriefFacts | None = None

    @property
    def subject(self) -> str:
        return self.rendered.subject


def record_message(brief: Brief, kind: str, message: Message, now: datetime, **facts) -> None:
    """Put what happened to a message on its brief's record, naming the message."""
    record(brief, kind, SYSTEM, now, message=message.id, message_kind=message.kind, **facts)


def covered_briefs(message: Message) -> list[int]:
    """Return the ids of the briefs a message is about.

    A message about one brief names it in Message.brief_id. One about several (a
    teammate's alert listing every brief at risk) belongs to none of them: it lists them
    in its data, and each of their records gets its own line saying the agency was told,
    with that brief's facts, so every timeline stays true without a table for the link.
    """
    if message.brief_id is not None:
        return [message.brief_id]
    return [item["brief"] for item in (message.data or {}).get("about") or ()]


def mail_domain() -> str:
    """Return the domain Message-IDs are made in (MAIL_FROM's)."""
    address = parseaddr(current_app.config["MAIL_FROM"])[1]
    return address.rsplit("@", 1)[-1] if "@" in address else "briefs.local"


def queue(draft: Draft, now: datetime) -> Message | None:
    """Store a message unless one with the same dedupe key exists; commit it."""
    if db.session.scalar(select(Message.id).where(Message.dedupe_key == draft.dedupe_key)):
        return None
    message = Message(
        brief_id=draft.brief.id if draft.brief else None,
        client_id=draft.client_id or (draft.brief.client_id if draft.brief else None),
        kind=draft.kind,
        dedupe_key=draft.dedupe_key,
        to_addrs=list(draft.to),
        cc_addrs=list(draft.cc or []),
        subject=draft.rendered.subject,
        text_body=draft.rendered.text,
        html_body=draft.rendered.html,
        message_id=f"<{uuid.uuid4().hex}@{mail_domain()}>",
        locale=draft.locale,
        status=QUEUED,
        next_attempt_at=now,
        created_at=now,
        data=dict(draft.data or {}),
    )
    if draft.about:
        message.data["about"] = [{"brief": brief.id, **facts} for brief, facts in draft.about]
    db.session.add(message)
    try:
        db.session.flush()
    except IntegrityError:
        # Another run queued the same message a moment ago.
        db.session.rollback()
        return None
    about = [(draft.brief, draft.data or {})] if draft.brief is not None else draft.about
    for brief, facts in about:
        record_message(
            brief, "message_queued", message, now, to=message.to_addrs, cc=message.cc_addrs, **facts
        )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return message


def release_stale_claims(now: datetime) -> int:
    """Queue again messages whose run died mid-delivery."""
    result = db.session.execute(
        update(Message)
        .where(Message.status == SENDING, Message.claimed_at < now - STALE_CLAIM)
        .values(status=QUEUED, claimed_by="")
    )
    db.session.commit()
    return result.rowcount


def claim_due(now: datetime, run_id: str, limit: int = 50) -> list[Message]:
    """Atomically take up to `limit` due messages for this run."""
    due = (
        select(Message.id)
        .where(Message.status == QUEUED, Message.next_attempt_at <= now)
        .order_by(Message.id)
        .limit(limit)
        .scalar_subquery()
    )
    # The status check in the outer WHERE is what makes the claim exclusive: a row another
    # run claimed first no longer matches when this UPDATE reaches it.
    db.session.execute(
        update(Message)
        .where(Message.id.in_(due), Message.status == QUEUED)
        .values(status=SENDING, claimed_by=run_id, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(
        db.session.scalars(
            select(Message)
            .where(Message.status == SENDING, Message.claimed_by == run_id)
            .order_by(Message.id)
        )
    )


def due_messages(now: datetime) -> list[Message]:
    """List the messages a run would deliver now (for --dry-run)."""
    return list(
        db.session.scalars(
            select(Message)
            .where(Message.status == QUEUED, Message.next_attempt_at <= now)
            .order_by(Message.id)
        )
    )


def deliver(
    message: Message, smtp: SmtpSettings, sender: str, reply_to: str, now: datetime
) -> bool:
    """Try to deliver one claimed message; record the outcome. Return True if sent."""
    message.attempts += 1
    briefs = [db.session.get(Brief, brief_id) for brief_id in covered_briefs(message)]
    try:
        send(
            smtp,
            Outgoing(
                sender=sender,
                to=message.to_addrs,
                cc=message.cc_addrs,
                reply_to=reply_to,
                subject=message.subject,
                text=message.text_body,
                html=message.html_body,
                message_id=message.message_id,
                date=now,
            ),
        )
    except Exception as error:  # noqa: BLE001  any failure is kept and retried
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        message.claimed_by = ""
        if message.attempts >= MAX_ATTEMPTS:
            message.status = FAILED
        else:
            message.status = QUEUED
            message.next_attempt_at = now + retry_delay(message.attempts)
        for brief in filter(None, briefs):
            record_message(
                brief,
                "message_failed",
                message,
                now,
                error=message.last_error,
                attempts=message.attempts,
                final=message.status == FAILED,
            )
        db.session.commit()
        log.warning("Message %s not delivered: %s", message.id, message.last_error)
        return False
    message.status = SENT
    message.sent_at = now
    message.last_error = ""
    for brief in filter(None, briefs):
        record_message(
            brief, "message_sent", message, now, to=message.to_addrs, cc=message.cc_addrs
        )
    db.session.commit()
    return True


def retry(message: Message, now: datetime) -> None:
    """Put a failed message back in the queue at once (a person asked for it)."""
    message.status = QUEUED
    message.next_attempt_at = now
    message.attempts = 0
    message.claimed_by = ""


def told_keys(brief_ids: list[int], kind: str) -> set[str]:
    """Return the per-brief dedupe keys that mails of a kind about several briefs covered.

    Read from the briefs' records rather than the outbox: a mail about several briefs
    belongs to none of them (Message.brief_id is empty) but is recorded on each.
    """
    if not brief_ids:
        return set()
    told: set[str] = set()
    for data in db.session.scalars(
        select(Event.data).where(Event.brief_id.in_(brief_ids), Event.kind == "message_queued")
    ):
        if (data or {}).get("message_kind") == kind:
            told.update(data.get("keys") or ())
    return told

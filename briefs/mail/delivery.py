"""Delivering the outbox: nothing lost, nothing twice, no transaction open during SMTP.

Each message goes through briefs.claims' short transactions and an SMTP conversation
held with nothing open in the database:

1. claim: the message is stamped with the run's id and a lease (a few SMTP timeouts); a
   queued message that is due, or a "sending" one whose lease ran out before its content
   went, can be claimed.
2. just before the content (DATA), a second conditional UPDATE, still under the claim,
   stamps data_sent_at and renews the lease. A run that lost its claim stops there, so
   only one run ever sends a message's content per claim.
3. the outcome, recorded only while the claim is still the run's: sent; refused (queued
   again with a back-off, or failed after MAX_ATTEMPTS); or, when the content went and
   no answer came, "unconfirmed", never sent again by itself. A message whose run died
   after data_sent_at is settled as unconfirmed by the next run.

Once a message is sent or unconfirmed, the client and status links in its stored copy
are redacted: the recipient has them in the mail, and the outbox no longer holds a live
link in plain text beside tokens the database only keeps hashed or sealed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from briefs import claims
from briefs.extensions import db
from briefs.mail.outbox import covered_briefs, record_message
from briefs.mail.smtp import ClaimLost, MaybeSent, NotSent, Outgoing, SmtpSettings, send
from briefs.models import Brief, Message
from briefs.models.outbox import FAILED, QUEUED, SENDING, SENT, UNCONFIRMED
from briefs.rules.reminders import retry_delay

log = logging.getLogger(__name__)

#: After this many failed attempts a message is marked failed and waits for a person.
MAX_ATTEMPTS = 8
#: A claim lasts this many SMTP timeouts from the claim, and again from the content.
LEASE_TIMEOUTS = 3
#: What stands in a stored copy where a client's or status link's secret was.
REDACTED = "•••"
#: A link with a secret token: BASE_URL/c/<token> (the form) or /s/<token> (status).
LINK = re.compile(r"(https?://[^\s\"'<>]+?/[cs]/)[A-Za-z0-9_-]{20,}")


@dataclass
class Delivered:
    """What one run's delivery did."""

    sent: int = 0
    failed: int = 0
    unconfirmed: int = 0
    #: Messages another run took over before their content was sent.
    lost: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Claim:
    """A message this run holds, with what goes on the wire."""

    message_id: int
    run_id: str
    #: None for a message settled without being sent (its run died).
    outgoing: Outgoing | None


def redact_links(text: str) -> tuple[str, int]:
    """Replace the secret part of every client or status link; return the count too."""
    return LINK.subn(lambda match: match.group(1) + REDACTED, text)


def deliver_due(
    now: datetime,
    wall: Callable[[], datetime],
    smtp: SmtpSettings,
    sender: str,
    reply_to: str,
    run_id: str,
) -> Delivered:
    """Deliver every message due at `now`, one claim at a time.

    `now` is the schedule's time (back-off, the record); `wall` reads the moment leases are
    measured against, which moves on while the run talks to the server.
    """
    lease = timedelta(seconds=LEASE_TIMEOUTS * smtp.timeout)
    done = Delivered()
    done.unconfirmed += settle_abandoned(now, wall())
    while (claim := claim_next(now, wall(), run_id, lease, (sender, reply_to))) is not None:

        def still_ours(claim: Claim = claim) -> bool:
            return stamp_data_sent(claim, wall(), lease)

        try:
            send(smtp, claim.outgoing, before_data=still_ours)
        except ClaimLost:
            done.lost.append(claim.message_id)
            log.warning("Message %s was taken over by another run", claim.message_id)
        except MaybeSent as error:
            if _settle(claim, now, UNCONFIRMED, str(error)):
                done.unconfirmed += 1
        except NotSent as error:
            if _settle(claim, now, QUEUED, str(error)):
                done.failed += 1
        else:
            if _settle(claim, now, SENT, ""):
                done.sent += 1
    return done


def _claimable(now: datetime, moment: datetime) -> ColumnElement[bool]:
    # A claim from before leases (lease_until empty) belongs to no live run either.
    expired = or_(Message.lease_until.is_(None), Message.lease_until < moment)
    abandoned = and_(Message.status == SENDING, expired, Message.data_sent_at.is_(None))
    return or_(claims.due(Message, now), abandoned)


def claim_next(
    now: datetime, moment: datetime, run_id: str, lease: timedelta, sender: tuple[str, str]
) -> Claim | None:
    """Claim the next due message for this run in a short transaction, or return None.

    `sender` is the From and Reply-To the message goes out with.
    """

    def read(message: Message) -> Claim:
        outgoing = Outgoing(
            sender=sender[0],
            to=list(message.to_addrs),
            cc=list(message.cc_addrs),
            reply_to=sender[1],
            subject=message.subject,
            text=message.text_body,
            html=message.html_body,
            message_id=message.message_id,
            date=now,
        )
        return Claim(message.id, run_id, outgoing)

    claimable = _claimable(now, moment)
    stamp = {"claimed_at": moment, "data_sent_at": None}
    return claims.claim_next(Message, claimable, run_id, moment + lease, read, **stamp)


def stamp_data_sent(claim: Claim, moment: datetime, lease: timedelta) -> bool:
    """Mark that the content is about to go, if the claim is still this run's; commit."""
    held = claims.hold(
        Message, claim.message_id, claim.run_id, lease_until=moment + lease, data_sent_at=moment
    )
    db.session.commit()
    return held


def settle_abandoned(now: datetime, moment: datetime) -> int:
    """Mark unconfirmed the messages whose run died after sending their content."""
    abandoned = db.session.execute(
        select(Message.id, Message.claimed_by).where(
            Message.status == SENDING,
            Message.data_sent_at.is_not(None),
            Message.lease_until < moment,
        )
    ).all()
    db.session.commit()
    error = "The run delivering it stopped after sending the content"
    return sum(
        _settle(Claim(message_id, run_id, None), now, UNCONFIRMED, error, lease_before=moment)
        for message_id, run_id in abandoned
    )


def _settle(
    claim: Claim, now: datetime, outcome: str, error: str, *, lease_before: datetime | None = None
) -> bool:
    """Record a delivery's outcome if the message is still held by the claim; commit."""
    also = []
    if lease_before is not None:
        also = [Message.data_sent_at.is_not(None), Message.lease_until < lease_before]
    if not claims.hold(Message, claim.message_id, claim.run_id, *also):
        log.warning("Message %s is no longer this run's; its outcome is left", claim.message_id)
        return False
    message = db.session.get(Message, claim.message_id, populate_existing=True)
    briefs = [db.session.get(Brief, brief_id) for brief_id in covered_briefs(message)]
    message.last_error = error[:2000]
    if outcome == QUEUED:
        message.claimed_by = ""
        message.data_sent_at = None
        if message.attempts >= MAX_ATTEMPTS:
            message.status = FAILED
        else:
            claims.retry(message, now, retry_delay(message.attempts))
        for brief in filter(None, briefs):
            record_message(
                brief, "message_failed", message, now, error=message.last_error,
                attempts=message.attempts, final=message.status == FAILED,
            )  # fmt: skip
        db.session.commit()
        log.warning("Message %s not delivered: %s", message.id, message.last_error)
        return True
    message.status = outcome
    message.sent_at = now
    _redact(message)
    facts = {"unconfirmed": True} if outcome == UNCONFIRMED else {}
    for brief in filter(None, briefs):
        record_message(
            brief, "message_sent", message, now, to=message.to_addrs, cc=message.cc_addrs, **facts
        )
    db.session.commit()
    if outcome == UNCONFIRMED:
        log.warning("Message %s may have been delivered: %s", message.id, error)
    return True


def _redact(message: Message) -> None:
    message.text_body, in_text = redact_links(message.text_body)
    message.html_body, in_html = redact_links(message.html_body)
    if in_text or in_html:
        message.data = {**(message.data or {}), "links_redacted": max(in_text, in_html)}

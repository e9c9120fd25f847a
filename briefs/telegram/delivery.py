"""Sending due Telegram messages: leased claims, no transaction open during the call.

Each message goes through briefs.claims' short transactions around one sendMessage call
made with nothing open in the database:

1. claim: a due message (queued, its time come) or one whose run's lease ran out.
2. sendMessage, with a short timeout.
3. the outcome, recorded only while the claim is still the run's: sent; queued again
   after Telegram's `retry_after` (429) or a back-off (5xx, no answer), or failed after
   MAX_ATTEMPTS; failed at once on a refusal that would repeat (4xx). An alert given up
   is queued as the teammate's e-mail, so none is lost. A 403 means the teammate blocked
   the bot: their link is marked broken too, so their next alerts are e-mailed
   (telegram.alerts.route).

At least once: a run that dies after sending leaves the lease to run out, and the next
run sends the same text again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.sql.elements import ColumnElement

from briefs import claims
from briefs.extensions import db
from briefs.mail.outbox import mail_copy
from briefs.models import Message, TelegramLink, TelegramMessage, User
from briefs.models.telegram import FAILED, SENT
from briefs.rules.reminders import retry_delay
from briefs.telegram.bot_api import TIMEOUT, BotApi, BotApiError
from briefs.telegram.linking import bot_api, current_bot, poll

log = logging.getLogger(__name__)

#: After this many failed attempts a message is given up (as mail.delivery does).
MAX_ATTEMPTS = 8
#: A claim lasts this many timeouts.
LEASE = timedelta(seconds=3 * TIMEOUT)


@dataclass
class Sent:
    """What one run's Telegram delivery did."""

    sent: int = 0
    failed: int = 0
    #: Users whose chat this run found blocked (their alerts go by e-mail from now on).
    broken: list[int] = field(default_factory=list)
    #: Users whose chat this run linked (they sent their code).
    linked: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Claim:
    """A message this run holds, with what goes to Telegram."""

    telegram_message_id: int
    user_id: int
    chat_id: int
    text: str


def _claimable(now: datetime, moment: datetime) -> ColumnElement[bool]:
    return or_(claims.due(TelegramMessage, now), claims.lease_ran_out(TelegramMessage, moment))


def claim_next(now: datetime, moment: datetime, run_id: str) -> Claim | None:
    """Claim the next due message for this run in a short transaction, or return None."""
    return claims.claim_next(
        TelegramMessage,
        _claimable(now, moment),
        run_id,
        moment + LEASE,
        lambda row: Claim(row.id, row.user_id, row.chat_id, row.text),
    )


def settle(claim: Claim, run_id: str, now: datetime, error: BotApiError | None) -> bool | None:
    """Record how sending went, if the message is still this run's; commit.

    Return whether it was sent, or None when another run had taken it over.
    """
    if not claims.hold(TelegramMessage, claim.telegram_message_id, run_id, claimed_by=""):
        log.warning("Telegram message %s is no longer this run's", claim.telegram_message_id)
        return None
    row = db.session.get(TelegramMessage, claim.telegram_message_id, populate_existing=True)
    if error is None:
        row.status = SENT
        row.sent_at = now
        row.last_error = ""
    else:
        row.last_error = str(error)[:2000]
        if error.blocked:
            _break_link(row, now)
        if error.permanent or row.attempts >= MAX_ATTEMPTS:
            # Given up: the alert still reaches the teammate, by e-mail.
            row.status = FAILED
            _mail_instead(row, now)
        else:
            wait = timedelta(seconds=error.retry_after or 0)
            claims.retry(row, now, max(wait, retry_delay(row.attempts)))
    db.session.commit()
    return error is None


def _break_link(row: TelegramMessage, now: datetime) -> None:
    """The teammate blocked the bot: their later alerts are e-mailed (telegram.alerts.route)."""
    db.session.execute(
        update(TelegramLink)
        .where(TelegramLink.user_id == row.user_id, TelegramLink.broken_at.is_(None))
        .values(broken_at=now)
    )


def _mail_instead(row: TelegramMessage, now: datetime) -> None:
    """Queue the alert Telegram would not take as the teammate's e-mail.

    It was routed to Telegram, so its e-mail is queued here, in the transaction that
    records the failure, to be delivered by the next run. Nothing is queued when the
    alert's e-mail went to them already (they chose both).
    """
    alert = db.session.get(Message, row.message_id)
    user = db.session.get(User, row.user_id)
    if alert is None or user is None:
        return
    if user.email.lower() in (address.lower() for address in alert.to_addrs):
        return
    mail_copy(alert, user.email, f"telegram_given_up:{row.id}", now)


def deliver_telegram(now: datetime, wall: Callable[[], datetime], run_id: str, api: BotApi) -> Sent:
    """Send every Telegram message due at `now`, one claim at a time."""
    done = Sent()
    while (claim := claim_next(now, wall(), run_id)) is not None:
        error = None
        try:
            api.send_message(claim.chat_id, claim.text)
        except BotApiError as failed:
            error = failed
        outcome = settle(claim, run_id, now, error)
        if outcome:
            done.sent += 1
        elif outcome is False:
            done.failed += 1
            log.warning("Telegram message %s not sent: %s", claim.telegram_message_id, error)
            if error is not None and error.blocked:
                done.broken.append(claim.user_id)
    db.session.commit()
    return done


def send_telegram(now: datetime, wall: Callable[[], datetime], run_id: str) -> Sent:
    """Read the bot's updates (linking chats), then send what is due; nothing without a bot.

    Messages queued while no bot is connected wait for one.
    """
    bot = current_bot()
    api = bot_api(bot) if bot else None
    db.session.commit()
    if api is None:
        return Sent()
    linked = poll(now).linked
    done = deliver_telegram(now, wall, run_id, api)
    done.linked = linked
    return done

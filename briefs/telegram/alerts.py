"""Which agency alerts go to Telegram, and their copies queued beside the e-mail.

`mail.outbox.queue` asks `route` who of an alert's recipients chose Telegram, stores the
e-mail for the rest, and calls `queue_copies` in the same transaction: an alert is never
stored without its Telegram copies, nor sent to Telegram without being stored. A
teammate whose chat broke (they blocked the bot) gets e-mail again.

The text is plain (no parse mode, so no title can break it): the alert's subject, already
in the teammate's language, then each brief's name and the link to its page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, select

from briefs.extensions import db
from briefs.links import agency_link, dashboard_link
from briefs.models import Brief, Message, TelegramBot, TelegramLink, TelegramMessage, User
from briefs.models.telegram import BOTH, EMAIL, QUEUED
from briefs.rules.whose_move import AGENCY

#: The alerts to the team (a Draft's audience AGENCY) that may go to Telegram: at risk,
#: late and reminders ran out (risk_alert), answers submitted, the daily digest, and
#: comments from the client (its copy to the team; the client's copy stays mail).
ALERT_KINDS = ("risk_alert", "submitted", "agency_digest", "comment_digest")
#: Telegram refuses longer messages.
MAX_TEXT = 4096


@dataclass
class Routing:
    """Where one alert goes: the addresses still e-mailed, and the chats told."""

    email: list[str]
    #: (user id, chat id) of each teammate told in Telegram.
    chats: list[tuple[int, int]] = field(default_factory=list)
    #: Their addresses, for a dry run to name them.
    in_telegram: list[str] = field(default_factory=list)


def is_team_alert(kind: str, audience: str) -> bool:
    """Whether a message is an alert to teammates (comment mail goes to clients too)."""
    return audience == AGENCY and kind in ALERT_KINDS


def route(kind: str, audience: str, to: list[str]) -> Routing:
    """Split an alert's recipients by their choice (one query, none for other mail)."""
    if not to or not is_team_alert(kind, audience):
        return Routing(list(to))
    rows = db.session.execute(
        select(User.email, TelegramLink.user_id, TelegramLink.chat_id, TelegramLink.channel)
        .join(TelegramLink, TelegramLink.user_id == User.id)
        .where(
            User.email.in_([address.lower() for address in to]),
            TelegramLink.chat_id.is_not(None),
            TelegramLink.broken_at.is_(None),
            TelegramLink.channel != EMAIL,
            exists(select(TelegramBot.id)),
        )
    ).all()
    telegram_only = {email for email, _user, _chat, channel in rows if channel != BOTH}
    return Routing(
        [address for address in to if address.lower() not in telegram_only],
        [(user_id, chat_id) for _email, user_id, chat_id, _channel in rows],
        [email for email, _user, _chat, _channel in rows],
    )


def alert_text(subject: str, briefs: list[Brief]) -> str:
    """Word an alert for Telegram: its subject, then each brief with the link to its page."""
    lines = [subject]
    if len(briefs) == 1:
        lines.append(agency_link(briefs[0].id))
    else:
        for brief in briefs:
            lines += ["", f"• {brief.title} ({brief.client.name})", agency_link(brief.id)]
    if not briefs:
        lines.append(dashboard_link())
    text = "\n".join(lines)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def queue_copies(message: Message, routing: Routing, text: str, now: datetime) -> None:
    """Queue the alert's text for each chat in the routing; the caller commits."""
    db.session.add_all(
        TelegramMessage(
            message_id=message.id,
            user_id=user_id,
            chat_id=chat_id,
            text=text,
            status=QUEUED,
            attempts=0,
            next_attempt_at=now,
            claimed_by="",
            last_error="",
            created_at=now,
        )
        for user_id, chat_id in routing.chats
    )

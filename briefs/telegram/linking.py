"""Connecting the agency's bot, and linking each teammate's chat with a one-time code.

A teammate asks for a code on /account; they send `/start CODE` to the bot; `send-due`
reads the bot's updates (`poll`), matches the code, stores the chat on their link and
answers "linked". The code is short-lived, used once, and only its hash is kept. Where
getUpdates stopped is kept in the database, so no update is read twice, even by two runs
at once (the offset moves by compare-and-set).
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from briefs.accounts import agency_settings
from briefs.extensions import db
from briefs.models import TelegramBot, TelegramLink, User
from briefs.models.telegram import ALERT_CHANNELS
from briefs.rules.tokens import hash_token, seal, unseal
from briefs.telegram.bot_api import BotApi, BotApiError

log = logging.getLogger(__name__)

#: A code works this long after it is shown.
CODE_LIFETIME = timedelta(minutes=15)
#: Letters and digits that cannot be mistaken for one another (no 0/O, 1/I).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
#: "/start CODE" as Telegram sends it, also "/start@botname CODE".
START = re.compile(r"^/start(?:@\w+)?\s+([A-Za-z0-9]{4,32})\s*$")


def current_bot() -> TelegramBot | None:
    """Return the connected bot, or None."""
    return db.session.scalar(select(TelegramBot).order_by(TelegramBot.id).limit(1))


def api_for(token: str) -> BotApi:
    """Return the Bot API client for a token, at TELEGRAM_API_URL."""
    return BotApi(current_app.config["TELEGRAM_API_URL"], token)


def bot_api(bot: TelegramBot) -> BotApi | None:
    """Return the client for the connected bot, or None if its token cannot be read."""
    token = unseal(bot.token_sealed, current_app.config["SECRET_KEY"])
    return api_for(token) if token else None


def connect(token: str, username: str, now: datetime) -> TelegramBot:
    """Store the bot (its token sealed) in place of any other; the caller commits.

    The caller has checked the token with getMe, which gave `username`. A different bot
    cannot write to the chats linked to the old one (Telegram answers 403 until each person
    starts it), so teammates link again; the same bot keeps its links.
    """
    previous = current_bot()
    if previous is not None and previous.username != username:
        db.session.execute(delete(TelegramLink))
    db.session.execute(delete(TelegramBot))
    bot = TelegramBot(
        token_sealed=seal(token, current_app.config["SECRET_KEY"]),
        username=username,
        update_offset=0,
        connected_at=now,
    )
    db.session.add(bot)
    return bot


def disconnect() -> None:
    """Forget the bot; teammates' links stay, for when a bot is connected again."""
    db.session.execute(delete(TelegramBot))


def link_of(user: User) -> TelegramLink | None:
    """Return the user's link (pending or made), or None."""
    return db.session.scalar(select(TelegramLink).where(TelegramLink.user_id == user.id))


def new_code(user: User, now: datetime) -> str:
    """Make a one-time code for the user (any earlier one stops working); return it."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    link = link_of(user) or TelegramLink(user_id=user.id, channel=ALERT_CHANNELS[0])
    link.code_hash = hash_token(code)
    link.code_expires_at = now + CODE_LIFETIME
    db.session.add(link)
    return code


def unlink(user: User) -> bool:
    """Forget the user's chat; alerts go by e-mail again. False when there was none."""
    link = link_of(user)
    if link is None:
        return False
    db.session.delete(link)
    return True


def choose_channel(user: User, channel: str) -> None:
    """Set where the user's agency alerts go (e-mail, Telegram or both)."""
    if channel not in ALERT_CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    link = link_of(user)
    if link is not None and link.chat_id is not None:
        link.channel = channel


@dataclass
class Polled:
    """What one reading of the bot's updates did."""

    linked: list[int] = field(default_factory=list)
    refused: int = 0
    error: str = ""


def poll(now: datetime) -> Polled:
    """Read the bot's new updates, link every chat that sent a valid code, and answer each.

    No transaction is open while Telegram is called. Commits.
    """
    done = Polled()
    bot = current_bot()
    api = bot_api(bot) if bot else None
    bot_id, offset = (bot.id, bot.update_offset) if bot else (0, 0)
    db.session.commit()
    if api is None:
        return done
    try:
        updates = api.get_updates(offset)
    except BotApiError as error:
        done.error = str(error)
        log.warning("Telegram getUpdates failed: %s", error)
        return done
    if not updates:
        return done
    last = max(update.get("update_id", 0) for update in updates)
    # Of two runs that read the same updates, the one that moves the offset handles them.
    moved = db.session.execute(
        update(TelegramBot)
        .where(TelegramBot.id == bot_id, TelegramBot.update_offset == offset)
        .values(update_offset=last + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        db.session.rollback()
        return done
    replies = []
    for item in updates:
        message = item.get("message") or {}
        chat = message.get("chat") or {}
        found = START.match(message.get("text") or "")
        if not found or chat.get("type") != "private" or not isinstance(chat.get("id"), int):
            continue
        link = _redeem(found.group(1), chat["id"], now)
        if link is None:
            done.refused += 1
        else:
            done.linked.append(link.user_id)
        replies.append((chat["id"], _reply(link, message.get("from") or {})))
    db.session.commit()
    for chat_id, text in replies:
        try:
            api.send_message(chat_id, text)
        except BotApiError as error:
            log.warning("Telegram reply to chat %s failed: %s", chat_id, error)
    return done


def _redeem(code: str, chat_id: int, now: datetime) -> TelegramLink | None:
    """Link the chat to the user whose live code this is; None when no code matches."""
    link = db.session.scalar(
        select(TelegramLink).where(TelegramLink.code_hash == hash_token(code.upper()))
    )
    if link is None or link.code_expires_at is None or link.code_expires_at <= now:
        return None
    link.code_hash = None
    link.code_expires_at = None
    link.chat_id = chat_id
    link.linked_at = now
    link.broken_at = None
    return link


def _reply(link: TelegramLink | None, sender: dict) -> str:
    """Word the answer to /start: in the user's language, or the sender's app's."""
    if link is not None:
        locale = link.user.locale or agency_settings().default_locale or "en"
    else:
        locale = "ru" if str(sender.get("language_code") or "").startswith("ru") else "en"
    with force_locale(locale):
        if link is None:
            return _(
                "This code is not valid or has expired. Please make a new one in your "
                "Briefs account and send it again."
            )
        return _(
            "Linked. Briefs will send your alerts here. You can change this on your account page."
        )


@dataclass(frozen=True)
class Panel:
    """What the account page shows of a user's Telegram."""

    #: The connected bot's @username (None: no bot, Telegram is off).
    bot: str | None
    link: TelegramLink | None

    @property
    def linked(self) -> bool:
        return self.link is not None and self.link.chat_id is not None

    @property
    def broken(self) -> bool:
        return self.linked and self.link.broken_at is not None


def panel(user: User) -> Panel:
    """Return the user's Telegram as the account page shows it (two queries)."""
    bot = current_bot()
    return Panel(bot.username if bot else None, link_of(user))

"""Telegram: the agency's bot, each teammate's link to a chat, and messages to send."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from briefs.extensions import db
from briefs.models.agency import User
from briefs.models.retry_state import QUEUED, SENDING, RetryState
from briefs.models.types import UTCDateTime

#: Where a teammate's agency alerts go.
EMAIL, TELEGRAM, BOTH = "email", "telegram", "both"
ALERT_CHANNELS = (EMAIL, TELEGRAM, BOTH)

#: Message states: waiting (maybe after a failed attempt), being sent, sent, given up.
SENT, FAILED = "sent", "failed"
STATES = (QUEUED, SENDING, SENT, FAILED)


class TelegramBot(db.Model):
    """The agency's bot (one row at most): its token, its name, how far updates were read."""

    __tablename__ = "telegram_bot"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The Bot API token, sealed with SECRET_KEY (rules.tokens.seal).
    token_sealed: Mapped[str] = mapped_column(Text)
    #: The bot's @username without the @, as getMe answered.
    username: Mapped[str] = mapped_column(String(64))
    #: The next update getUpdates should return (the last one read plus one).
    update_offset: Mapped[int] = mapped_column(BigInteger, default=0)
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TelegramLink(db.Model):
    """A teammate's Telegram: a pending one-time code, then the chat alerts go to."""

    __tablename__ = "telegram_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    #: SHA-256 of the one-time code shown on /account; emptied once used.
    code_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The private chat with the bot (None until the code came back in /start).
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The bot was blocked or the chat is gone (HTTP 403): alerts go by e-mail again.
    broken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: One of ALERT_CHANNELS: where agency alerts go once linked.
    channel: Mapped[str] = mapped_column(String(10), default=EMAIL)

    user: Mapped[User] = relationship()

    @property
    def is_live(self) -> bool:
        """Whether messages can go to the chat now."""
        return self.chat_id is not None and self.broken_at is None


class TelegramMessage(RetryState, db.Model):
    """One alert for one teammate's chat, queued with the e-mail it stands beside.

    Its status is one of QUEUED, SENDING, SENT, FAILED (sent by telegram.delivery).
    """

    __tablename__ = "telegram_message"
    __table_args__ = (
        UniqueConstraint("message_id", "user_id"),
        Index("ix_telegram_message_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The outbox message (the alert) this is the Telegram copy of, for one teammate.
    message_id: Mapped[int] = mapped_column(
        ForeignKey("message.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    #: Plain text, fixed when queued, the same on every attempt.
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

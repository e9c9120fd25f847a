"""The outbox: every outgoing message is stored first, then delivered with retries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from briefs.extensions import db
from briefs.models.retry_state import QUEUED, SENDING, RetryState
from briefs.models.types import UTCDateTime

#: Message kinds.
MESSAGE_KINDS = (
    "invitation",
    "reminder",
    "escalation",
    "risk_alert",
    "client_digest",
    "agency_digest",
    "handover",
    "comment_digest",
)

#: Delivery states: waiting (maybe after a failed attempt), being delivered, done, given up.
SENT, FAILED = "sent", "failed"
#: The message went to the server but its answer never came (a timeout or a dropped
#: connection after the content was sent, or a run killed then): it may well have been
#: accepted, so it is never sent again by itself.
UNCONFIRMED = "unconfirmed"
#: Nothing to e-mail: every recipient chose Telegram only (see models.telegram).
BY_TELEGRAM = "telegram"
STATES = (QUEUED, SENDING, SENT, UNCONFIRMED, FAILED, BY_TELEGRAM, "cancelled")


class Message(RetryState, db.Model):
    """One e-mail, stored before it is delivered (attempts, next try, lease: RetryState)."""

    __tablename__ = "message"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The brief it is about (None for digests that span briefs).
    brief_id: Mapped[int | None] = mapped_column(
        ForeignKey("brief.id", ondelete="CASCADE"), index=True
    )
    #: The client it is about (client digests, escalations).
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("client.id", ondelete="CASCADE"), index=True
    )
    #: One of MESSAGE_KINDS.
    kind: Mapped[str] = mapped_column(String(30))
    #: Makes queuing idempotent: two overlapping runs cannot queue the same message twice.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    to_addrs: Mapped[list[str]] = mapped_column(JSON, default=list)
    cc_addrs: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    #: Stable Message-ID header, so a retried delivery is recognisably the same message.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    locale: Mapped[str] = mapped_column(String(5), default="en")
    #: One of STATES. Wider than RetryState's, and indexed on its own.
    status: Mapped[str] = mapped_column(String(20), default=QUEUED, index=True)
    #: Which send-due run holds it while SENDING ("<pid>-<random>"), and since when. Its
    #: lease_until may run out and another run take it over, unless the content was
    #: already sent (data_sent_at).
    claimed_by: Mapped[str] = mapped_column(String(64), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Stamped, under the claim, just before the content goes to the server; cleared when
    #: the server refused it. Set on a SENDING message whose run died: it may have arrived.
    data_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Facts about what was said (missing field keys, reminder number), plain JSON.
    data: Mapped[dict] = mapped_column(JSON, default=dict)


class MessageWording(db.Model):
    """The agency's own wording for a kind of message in one language."""

    __tablename__ = "message_wording"
    __table_args__ = (UniqueConstraint("kind", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    locale: Mapped[str] = mapped_column(String(5))
    #: Subject line; {title} and {agency} are filled in.
    subject: Mapped[str] = mapped_column(String(300), default="")
    #: Opening paragraph; the factual list of what is missing always follows it.
    intro: Mapped[str] = mapped_column(Text, default="")

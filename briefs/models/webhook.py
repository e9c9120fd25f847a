"""Webhook endpoints the agency adds, each event's delivery to each of them, and each attempt."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from briefs.extensions import db
from briefs.models.retry_state import QUEUED, SENDING, RetryState
from briefs.models.types import UTCDateTime

#: Delivery states: waiting (maybe after a failed attempt), being posted, answered 2xx.
DELIVERED = "delivered"
STATES = (QUEUED, SENDING, DELIVERED)


class WebhookEndpoint(db.Model):
    """A URL the agency wants events posted to, signed with its own secret."""

    __tablename__ = "webhook_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    #: The signing secret, sealed with SECRET_KEY (rules.tokens.seal): signing needs it
    #: back, a copy of the database alone must not give it. Shown once, when made.
    secret: Mapped[str] = mapped_column(String(300))
    #: Public event names (webhooks.events.WEBHOOK_EVENTS) this endpoint receives.
    events: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When deliveries to it started failing without a success since (None: it works).
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Paused after failing for days: nothing is posted until someone resumes it.
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None


class WebhookDelivery(RetryState, db.Model):
    """One event for one endpoint: its body, fixed when queued, and how posting it went.

    Its status is one of QUEUED, SENDING, DELIVERED (posted by webhooks.delivery).
    """

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "dedupe_key"),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), index=True
    )
    #: The public event id in the body: the same on every attempt, for idempotency.
    event_uid: Mapped[str] = mapped_column(String(40))
    #: The public event name (brief.submitted).
    event_name: Mapped[str] = mapped_column(String(40))
    #: One delivery per event and endpoint (a risk alert told to two owners is one event).
    dedupe_key: Mapped[str] = mapped_column(String(120))
    brief_id: Mapped[int | None] = mapped_column(
        ForeignKey("brief.id", ondelete="SET NULL"), index=True
    )
    #: The JSON body posted, byte for byte the same on every attempt.
    body: Mapped[str] = mapped_column(Text)
    #: The HTTP status of the last attempt (None: no answer, see last_error).
    last_status: Mapped[int | None] = mapped_column()
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    endpoint: Mapped[WebhookEndpoint] = relationship()


class WebhookAttempt(db.Model):
    """One POST of a delivery: when, what came back, how long it took (the endpoint's log)."""

    __tablename__ = "webhook_attempt"
    __table_args__ = (Index("ix_webhook_attempt_endpoint", "endpoint_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Kept with the endpoint's log; the endpoint keeps its last few hundred (delivery.KEEP).
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id", ondelete="CASCADE"))
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The HTTP status answered (None: no answer, see error).
    status_code: Mapped[int | None] = mapped_column()
    #: Why it failed, when it did ("" for a 2xx).
    error: Mapped[str] = mapped_column(Text, default="")
    #: How long the POST took, in milliseconds.
    duration_ms: Mapped[int] = mapped_column(default=0)

    delivery: Mapped[WebhookDelivery] = relationship()

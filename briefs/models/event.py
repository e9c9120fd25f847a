"""Events: the append-only record of everything that happened to a brief."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from briefs.extensions import db
from briefs.models.types import UTCDateTime

#: Event kinds recorded so far; later work adds more.
EVENT_KINDS = (
    "brief_created",
    "brief_sent",
    "link_opened",
    "answer_saved",
    "brief_submitted",
    "review_given",
    "link_regenerated",
    "brief_closed",
    "brief_reopened",
    "message_queued",
    "message_sent",
    "message_failed",
    "message_cancelled",
    "contact_logged",
    "handed_over",
    "handover_withdrawn",
    "handover_done",
    "handover_refused",
    "comment_added",
    "comments_resolved",
    "file_uploaded",
    "file_removed",
    "title_changed",
    "launch_date_changed",
    "work_days_changed",
    "recipients_changed",
    "decision_maker_changed",
    "language_changed",
)

#: Who acted: an agency user, someone holding the client link, or the system itself.
ACTOR_KINDS = ("user", "client", "system")


class Event(db.Model):
    """One fact on a brief's timeline: who, what, when. Never updated or deleted."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("brief.id", ondelete="CASCADE"), index=True)
    #: One of EVENT_KINDS.
    kind: Mapped[str] = mapped_column(String(40))
    #: One of ACTOR_KINDS.
    actor_kind: Mapped[str] = mapped_column(String(10))
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    #: The actor's name at the time, so the record reads the same if the user is renamed.
    actor_label: Mapped[str] = mapped_column(String(200), default="")
    #: The field concerned, if any.
    field_id: Mapped[int | None] = mapped_column(
        ForeignKey("brief_field.id", ondelete="SET NULL"), index=True
    )
    #: Kind-specific facts (counts, comments, recipients), plain JSON.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    #: When it happened (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: Position in the chain (1, 2, …), given under the chain head's lock: the chain's order
    #: is the order in which events were chained, which ids do not follow on PostgreSQL.
    seq: Mapped[int | None] = mapped_column(unique=True)
    #: Hash of the event before it (by seq) in the whole log; "" for the first.
    prev_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    #: SHA-256 of this event's content and prev_hash: the log is a chain, so an edited,
    #: deleted or reordered event breaks every hash after it.
    hash: Mapped[str] = mapped_column(String(64), default="", server_default="")


class ChainHead(db.Model):
    """The one row that holds the end of the chain; locked by whoever appends to it."""

    __tablename__ = "chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The seq of the last event chained (0 before the first).
    seq: Mapped[int] = mapped_column(default=0)
    #: The hash of the last event chained ("" before the first).
    hash: Mapped[str] = mapped_column(String(64), default="")

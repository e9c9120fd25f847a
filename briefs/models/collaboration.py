"""Working together on a brief: questions handed to colleagues, and comment threads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from briefs.extensions import db
from briefs.models.types import UTCDateTime


class Handover(db.Model):
    """Some questions of a brief handed to one person, with a link that opens only those."""

    __tablename__ = "handover"

    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("brief.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the colleague's link token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The token sealed with SECRET_KEY, so the link can be shown again (see tokens.seal).
    token_sealed: Mapped[str] = mapped_column(Text)
    #: Who the questions went to.
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    #: A note from whoever handed them over ("prices are with you").
    note: Mapped[str] = mapped_column(Text, default="")
    #: Keys of the brief fields the link opens, in brief order.
    field_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The client contact this is, when the agency assigned questions to a known contact.
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True
    )
    #: Who handed the questions over, as shown on the timeline.
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Set when the link was withdrawn; it then opens nothing.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str] = mapped_column(String(200), default="")


class Comment(db.Model):
    """One message in a field's thread between the agency and the client. Only added."""

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("brief.id", ondelete="CASCADE"), index=True)
    field_id: Mapped[int] = mapped_column(
        ForeignKey("brief_field.id", ondelete="CASCADE"), index=True
    )
    #: "agency" or "client": which side wrote it (the other side is told).
    side: Mapped[str] = mapped_column(String(10))
    author: Mapped[str] = mapped_column(String(200), default="")
    author_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When the other side was told by e-mail (batched); None = not yet.
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

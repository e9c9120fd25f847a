"""Personal API tokens: a teammate's key for scripts, CRMs and automations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from briefs.extensions import db
from briefs.models.agency import User
from briefs.models.types import UTCDateTime

#: What a token may do: read only, or read and change.
TOKEN_SCOPES = ("read", "write")


class ApiToken(db.Model):
    """A named token acting as its user; only its hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The teammate the token acts as; what it does is credited to them.
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: A name the user chose ("amoCRM", "n8n") to tell tokens apart.
    name: Mapped[str] = mapped_column(String(100))
    #: SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters of the token, so the user can recognise it in the list.
    prefix: Mapped[str] = mapped_column(String(16))
    #: One of TOKEN_SCOPES.
    scope: Mapped[str] = mapped_column(String(10), default="read")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When a request last used it (UTC), to the minute.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: A revoked token is refused at once; the row stays so the list tells what happened.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    @property
    def can_write(self) -> bool:
        return self.scope == "write"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

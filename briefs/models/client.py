"""Clients and the people at each client the agency deals with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from briefs.extensions import db
from briefs.models.types import UTCDateTime

#: Contact roles: who answers, and who decides (and is kept informed).
CONTACT_ROLES = ("contact", "decision_maker")


class Client(db.Model):
    """A company the agency works for."""

    __tablename__ = "client"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Indexed: the dashboard's client filter lists clients by name.
    name: Mapped[str] = mapped_column(String(200), index=True)
    #: IANA time zone the client's pages and e-mails use.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    #: Agency-only notes.
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Tell the decision-maker when reminders go unanswered or the launch is late.
    escalation_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    #: Send the decision-maker a weekly digest of all open briefs.
    weekly_digest: Mapped[bool] = mapped_column(default=False, server_default=false())

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="client", order_by="Contact.id", cascade="all, delete-orphan"
    )


class Contact(db.Model):
    """A person at a client."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    #: One of CONTACT_ROLES.
    role: Mapped[str] = mapped_column(String(20), default="contact")

    client: Mapped[Client] = relationship(back_populates="contacts")

"""The agency: its settings and the people who sign in."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from briefs.extensions import db
from briefs.models.types import UTCDateTime


class AgencySettings(db.Model):
    """The one row of agency-wide settings (id is always 1)."""

    __tablename__ = "agency_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The agency's name as clients see it in the form and in e-mails.
    name: Mapped[str] = mapped_column(String(200))
    #: IANA time zone the agency's pages show times in.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    #: Language for new briefs and for users who chose none.
    default_locale: Mapped[str] = mapped_column(String(5), default="en")
    #: Reply-To of outgoing mail, so clients' answers reach a person.
    reply_to: Mapped[str] = mapped_column(String(254), default="", server_default="")
    #: First reminder after this many working days without client activity.
    reminder_first_after: Mapped[int] = mapped_column(default=3, server_default="3")
    #: Then a reminder every this many working days.
    reminder_every: Mapped[int] = mapped_column(default=3, server_default="3")
    #: At most this many reminders between two client activities.
    reminder_max: Mapped[int] = mapped_column(default=4, server_default="4")
    #: Mail to clients goes out only between these hours of the client's day.
    window_start_hour: Mapped[int] = mapped_column(default=9, server_default="9")
    window_end_hour: Mapped[int] = mapped_column(default=18, server_default="18")
    #: Tell the decision-maker after this many unanswered reminders (0 = never).
    escalate_after: Mapped[int] = mapped_column(default=2, server_default="2")
    #: ISO country code whose public holidays are days off ("" = none).
    holiday_country: Mapped[str] = mapped_column(String(2), default="", server_default="")
    #: Extra days off, one ISO date per line.
    extra_holidays: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Send the team a daily digest of what is stuck, at risk, late or arrived.
    daily_digest: Mapped[bool] = mapped_column(default=True, server_default=true())
    #: The agency's day on which `send-due` judged every open brief and the digest had
    #: nothing to tell: later runs that day judge only the briefs due (mail/due_briefs.py).
    digest_empty_on: Mapped[date | None]


class User(UserMixin, db.Model):
    """A member of the agency team who signs in."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Sign-in name, stored lower-cased.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: Name shown on the timeline and in e-mails.
    name: Mapped[str] = mapped_column(String(200))
    #: Werkzeug password hash.
    password_hash: Mapped[str] = mapped_column(String(256))
    #: "en" or "ru"; None follows the browser.
    locale: Mapped[str | None] = mapped_column(String(5))
    #: The owner manages teammates and agency settings.
    is_owner: Mapped[bool] = mapped_column(default=False)
    #: A deactivated user can no longer sign in; their history stays.
    active: Mapped[bool] = mapped_column(default=True)
    #: When the account was created (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Part of every session and remember-me cookie; raising it (sign-out, a new password)
    #: makes every cookie issued before refer to nobody.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """Name the user in cookies as id and session version, so old cookies stop working."""
        return f"{self.id}:{self.session_version}"

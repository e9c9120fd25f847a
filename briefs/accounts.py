"""Creating agency accounts, from the setup page and from the command line alike."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from briefs.extensions import db
from briefs.models import AgencySettings, User

#: Werkzeug's password hashing method; the test suite swaps in a cheaper one.
PASSWORD_METHOD = "scrypt"


def hash_password(password: str) -> str:
    """Return the hash to store for a password."""
    return generate_password_hash(password, method=PASSWORD_METHOD)


class AccountError(ValueError):
    """The account cannot be created as asked."""


def has_users() -> bool:
    """Tell whether anyone can sign in yet."""
    return db.session.scalar(select(func.count(User.id))) > 0


def email_taken(email: str) -> bool:
    """Tell whether an account already uses this e-mail."""
    return db.session.scalar(select(User.id).where(User.email == email.strip().lower())) is not None


def create_user(
    *, email: str, name: str, password: str, now: datetime, is_owner: bool = False
) -> User:
    """Add a user; the first one ever becomes the owner."""
    email = email.strip().lower()
    if email_taken(email):
        raise AccountError(f"a user with e-mail {email} exists")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        is_owner=is_owner or not has_users(),
        created_at=now,
    )
    db.session.add(user)
    return user


def agency_settings() -> AgencySettings:
    """Return the agency's settings row, creating the defaults on first use."""
    settings = db.session.get(AgencySettings, 1)
    if settings is None:
        settings = AgencySettings(id=1, name="", timezone="UTC", default_locale="en")
        db.session.add(settings)
        # The flush fills in the columns' defaults (reminder policy, window, digest), so a
        # settings form shows them instead of empty boxes before the first save.
        db.session.flush()
    return settings

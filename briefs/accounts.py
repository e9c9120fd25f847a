"""Creating agency accounts, from the setup page and from the command line alike."""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import cache

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from briefs.extensions import db
from briefs.models import AgencySettings, User

#: Werkzeug's password hashing method; the test suite swaps in a cheaper one.
PASSWORD_METHOD = "scrypt"


def hash_password(password: str) -> str:
    """Return the hash to store for a password."""
    return generate_password_hash(password, method=PASSWORD_METHOD)


@cache
def _decoy_hash(method: str) -> str:
    # Checked against when nobody has the typed e-mail, so that a wrong e-mail costs the
    # same hashing as a wrong password and timing does not tell which accounts exist.
    return generate_password_hash(secrets.token_hex(16), method=method)


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this e-mail and password; always hash exactly once."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    stored = user.password_hash if user is not None else _decoy_hash(PASSWORD_METHOD)
    matches = check_password_hash(stored, password)
    return user if user is not None and user.active and matches else None


def password_matches(user: User, password: str) -> bool:
    """Tell whether a password is the user's current one."""
    return check_password_hash(user.password_hash, password)


def end_sessions(user: User) -> None:
    """Make every session and remember-me cookie issued to the user so far refer to nobody."""
    user.session_version += 1


def change_password(user: User, password: str) -> None:
    """Store a new password and end the sessions signed in with the old one."""
    user.password_hash = hash_password(password)
    end_sessions(user)


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

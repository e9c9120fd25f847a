"""Personal API tokens: made, listed, revoked, and the one a request carries looked up."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from briefs.extensions import db
from briefs.models import ApiToken, User
from briefs.models.api_token import TOKEN_SCOPES
from briefs.rules.tokens import hash_token, new_token

#: Every token starts with this, so a leaked one is recognisable in logs and secret scanners.
TOKEN_PREFIX = "brf_"
#: Last use is written at most this often per token, so reading costs no write each time.
LAST_USED_EVERY = timedelta(minutes=1)


def create_token(user: User, name: str, scope: str, now: datetime) -> tuple[ApiToken, str]:
    """Make a token for the user; return it and the secret, which is shown only once."""
    if scope not in TOKEN_SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    raw, _hash = new_token()
    secret = TOKEN_PREFIX + raw
    token = ApiToken(
        user=user,
        name=name,
        token_hash=hash_token(secret),
        prefix=secret[:10],
        scope=scope,
        created_at=now,
    )
    db.session.add(token)
    return token, secret


def user_tokens(user: User) -> list[ApiToken]:
    """Return the user's tokens, newest first, revoked ones included."""
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )


def revoke(token: ApiToken, now: datetime) -> bool:
    """Stop the token at once; False when it already was revoked."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = now
    return True


def authenticate(secret: str, now: datetime) -> ApiToken | None:
    """Return the live token with this secret whose user may still sign in, else None.

    Notes the use (at most once a minute); the caller commits.
    """
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        token.last_used_at = now
    return token

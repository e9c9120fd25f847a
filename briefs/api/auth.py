"""Who an API request acts as: the bearer token, its scope, and the rate-limit key."""

from __future__ import annotations

from flask import request

from briefs import clock
from briefs.api.problems import ApiProblem
from briefs.api_tokens import authenticate
from briefs.models import ApiToken
from briefs.workflow import Actor

#: Requests per token; generous for a sync job, short of a runaway loop.
TOKEN_LIMIT = "600 per minute"
#: Where a request keeps the token it was authorised by.
TOKEN_KEY = "briefs.api_token"
#: Methods that only read.
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def request_token() -> ApiToken | None:
    """Return the live token the request carries (looked up once per request)."""
    # Kept on the request, not on g: an app context (and its g) may outlive one request.
    if TOKEN_KEY not in request.environ:
        secret = _bearer()
        request.environ[TOKEN_KEY] = authenticate(secret, clock.utcnow()) if secret else None
    return request.environ[TOKEN_KEY]


def require_token() -> ApiToken:
    """Refuse a request without a live token (401), or a change asked with a read token (403)."""
    token = request_token()
    if token is None:
        raise ApiProblem(
            401,
            "Unauthorized",
            "Send a personal API token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": 'Bearer realm="briefs"'},
        )
    if request.method not in READ_METHODS and not token.can_write:
        raise ApiProblem(403, "Forbidden", "This token may only read; make a read-write token.")
    return token


def actor() -> Actor:
    """The token's user, credited with what the request does."""
    return Actor.user(require_token().user)


def limit_key() -> str:
    """Count requests per token; requests without one by address."""
    token = request_token()
    return f"api-token:{token.id}" if token else f"api-address:{request.remote_addr}"

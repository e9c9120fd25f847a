"""Client link tokens: random, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets

#: Random bytes in a token; 32 bytes is beyond any guessing.
TOKEN_BYTES = 32


def new_token() -> tuple[str, str]:
    """Return a fresh URL-safe token and the hash to store for it."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest a token is stored and looked up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()

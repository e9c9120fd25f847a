"""Client link tokens: random, looked up by hash, kept readable only with the secret key."""

from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken

#: Random bytes in a token; 32 bytes is beyond any guessing.
TOKEN_BYTES = 32


def new_token() -> tuple[str, str]:
    """Return a fresh URL-safe token and the hash to store for it."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest a token is stored and looked up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _fernet(secret_key: str) -> Fernet:
    # A key of its own, derived from SECRET_KEY, so sealing never reuses the signing key.
    digest = hashlib.sha256(b"briefs-client-link:" + secret_key.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(token: str, secret_key: str) -> str:
    """Encrypt a token so the agency can be shown its link again."""
    return _fernet(secret_key).encrypt(token.encode("ascii")).decode("ascii")


def unseal(sealed: str | None, secret_key: str) -> str | None:
    """Return the token, or None if it cannot be read (e.g. SECRET_KEY changed)."""
    if not sealed:
        return None
    try:
        return _fernet(secret_key).decrypt(sealed.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        return None

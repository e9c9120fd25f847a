"""Webhook signatures (HMAC-SHA256 over "timestamp.body", as Stripe signs), retries, pausing."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

#: The header a delivery's signature travels in.
SIGNATURE_HEADER = "Briefs-Signature"
#: A signature older than this is refused by verify() (a replayed request).
TOLERANCE = timedelta(minutes=5)
#: An endpoint failing this long with no success in between is paused.
PAUSE_AFTER = timedelta(days=3)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Return the hex HMAC-SHA256 of "timestamp.body" under the secret."""
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """Return the header's value: `t=<unix seconds>,v1=<hex signature>`."""
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, now: datetime) -> bool:
    """Tell whether a header signs the body with the secret, made within TOLERANCE of now."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now.timestamp() - timestamp) > TOLERANCE.total_seconds():
        return False
    return hmac.compare_digest(parts.get("v1", ""), signature(secret, timestamp, body))


def retry_delay(attempts: int) -> timedelta:
    """Back off after a failed attempt: 1, 2, 4 … minutes, at most 4 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 240))


def pause_due(failing_since: datetime | None, now: datetime) -> bool:
    """Tell whether an endpoint failing since then has failed long enough to be paused."""
    return failing_since is not None and now - failing_since >= PAUSE_AFTER

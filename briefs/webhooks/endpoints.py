"""Webhook endpoints: which URLs are accepted, made with a secret shown once, resumed."""

from __future__ import annotations

import ipaddress
import secrets
import socket
from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from briefs.extensions import db
from briefs.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from briefs.models.webhook import QUEUED
from briefs.rules.tokens import seal
from briefs.webhooks.events import forget_endpoints


class UnsafeUrl(ValueError):
    """A URL webhooks are not posted to: not http(s), or inside the server's own network."""


def check_url(url: str, *, allow_private: bool) -> None:
    """Raise UnsafeUrl unless the URL is http(s) to a public address.

    Every address the host name resolves to is checked, so a name pointing at this machine
    or the office network cannot make the server call it (ALLOW_PRIVATE_WEBHOOKS lifts it).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl(_l("Use an address starting with http:// or https://."))
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as error:
        raise UnsafeUrl(_l("This address cannot be found.")) from error
    for *_rest, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            raise UnsafeUrl(_l("This address is inside a private network; use a public one."))


def new_secret() -> str:
    """Return a new signing secret."""
    return "whsec_" + secrets.token_urlsafe(32)


def add_endpoint(
    url: str, events: list[str], now: datetime, *, secret_key: str
) -> tuple[WebhookEndpoint, str]:
    """Store a new endpoint with a fresh secret, sealed; return it and the secret to show once.

    Leaves the commit to the caller.
    """
    secret = new_secret()
    endpoint = WebhookEndpoint(
        url=url, secret=seal(secret, secret_key), events=list(events), created_at=now
    )
    db.session.add(endpoint)
    forget_endpoints()
    return endpoint, secret


def remove_endpoint(endpoint: WebhookEndpoint) -> None:
    """Delete an endpoint with its deliveries and their log; leave the commit to the caller."""
    for table in (WebhookAttempt, WebhookDelivery):
        db.session.execute(delete(table).where(table.endpoint_id == endpoint.id))
    db.session.delete(endpoint)
    forget_endpoints()


def resume(endpoint: WebhookEndpoint, now: datetime) -> None:
    """Post to a paused endpoint again: its waiting deliveries go with the next run."""
    endpoint.paused_at = None
    endpoint.failing_since = None
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == QUEUED)
        .values(next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )


def paused_count() -> int:
    """Return how many endpoints are paused (the settings page shows a badge)."""
    return db.session.scalar(
        select(func.count())
        .select_from(WebhookEndpoint)
        .where(WebhookEndpoint.paused_at.isnot(None))
    )

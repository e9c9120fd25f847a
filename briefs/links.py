"""The one way to build absolute links: BASE_URL, the address clients and the team reach.

E-mails are written by a command with no request to take the host from, and a page must show
the same link the e-mails carry, so both start from BASE_URL.
"""

from __future__ import annotations

from flask import current_app

from briefs.rules.tokens import unseal


def agency_link(brief_id: int) -> str:
    """Return BASE_URL/briefs/<id>, the brief's page for the agency."""
    return f"{current_app.config['BASE_URL']}/briefs/{brief_id}"


def client_link(sealed: str | None) -> str | None:
    """Return BASE_URL/c/<token> for a sealed token, or None when it cannot be read back."""
    token = unseal(sealed, current_app.config["SECRET_KEY"])
    return f"{current_app.config['BASE_URL']}/c/{token}" if token else None


def status_link(sealed: str | None) -> str | None:
    """Return BASE_URL/s/<token>, the decision-maker's read-only status page, or None."""
    token = unseal(sealed, current_app.config["SECRET_KEY"])
    return f"{current_app.config['BASE_URL']}/s/{token}" if token else None


def dashboard_link() -> str:
    """Return BASE_URL/, the agency's dashboard."""
    return f"{current_app.config['BASE_URL']}/"

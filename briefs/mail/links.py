"""Absolute links for e-mails (a command has no request to take the host from)."""

from __future__ import annotations

from flask import current_app

from briefs.rules.tokens import unseal


def agency_link(brief_id: int) -> str:
    """Return BASE_URL/briefs/<id>, the brief's page for the agency."""
    return f"{current_app.config['BASE_URL']}/briefs/{brief_id}"


def form_link(sealed: str | None) -> str | None:
    """Return BASE_URL/c/<token> for a sealed token, or None when it cannot be read back."""
    token = unseal(sealed, current_app.config["SECRET_KEY"])
    return f"{current_app.config['BASE_URL']}/c/{token}" if token else None

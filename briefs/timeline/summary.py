"""The whose-move summary block shown on the brief page (placeholder)."""

from __future__ import annotations

from datetime import datetime


def brief_summary(page, now: datetime):
    """Return what the brief page's summary block shows, or None to show nothing."""
    return None

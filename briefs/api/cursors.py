"""Cursor pagination: an opaque cursor names the last item of the page before."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from briefs.api.problems import invalid

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode(last_id: int) -> str:
    """Return the cursor that continues after the item with this id."""
    return base64.urlsafe_b64encode(f"after:{last_id}".encode()).decode().rstrip("=")


def decode(cursor: str | None) -> int | None:
    """Return the id a cursor continues after (None for the first page); 422 if garbled."""
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, number = text.partition(":")
        if kind == "after" and number.isdigit() and len(number) < 19:
            return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise invalid([{"field": "cursor", "message": "Not a cursor this API gave out."}])


def page_limit(args: Mapping[str, str]) -> int:
    """Read `limit` (1–200, default 50)."""
    raw = args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_LIMIT:
        return int(raw)
    raise invalid([{"field": "limit", "message": f"Give a whole number from 1 to {MAX_LIMIT}."}])


def page(items: list[dict], limit: int, more: bool) -> dict:
    """Wrap one page of items with the cursor of the next (null on the last page)."""
    return {"items": items, "next_cursor": encode(items[-1]["id"]) if more and items else None}

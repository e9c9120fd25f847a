"""Ids in URLs and forms: whole numbers a database row can have, else "not found".

Every table's id is an INTEGER: signed 32-bit on PostgreSQL (serial), 64-bit on SQLite. A
larger number would reach the database and fail there (a 500 on SQLite past 2**63, a refused
value on PostgreSQL past 2**31); the `int` converter installed here refuses it while routing,
so such a URL answers 404 like any other unknown id, on either database.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

#: The largest id a row can have on every database we run on (PostgreSQL's signed 32-bit).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` bounded to what the database holds; larger numbers do not match (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def parse_id(raw: str | None) -> int | None:
    """Read an id posted in a form or a query string; None unless it is a possible id."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def json_id(value: object) -> int | None:
    """Read an id sent as a JSON number; None unless it is a possible id (no booleans)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_ID else None


def init_app(app: Flask) -> None:
    """Install the bounded converter; call before any route is added."""
    app.url_map.converters["int"] = IdConverter

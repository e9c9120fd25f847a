"""Helpers for the clients, brief page and workflow tests."""

from __future__ import annotations

from sqlalchemy import event

from briefs.extensions import db


def count_queries(app, fn) -> int:
    """Run fn and return how many SQL statements it sent."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            fn()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)

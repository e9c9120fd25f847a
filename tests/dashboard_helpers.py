"""Helpers shared by the dashboard's tests and the overview's tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from briefs.models import BriefField


@contextmanager
def field_brief_ids() -> Iterator[None]:
    """Work around workflow.create_brief leaving BriefField.brief_id empty.

    create_brief sets the viewonly relationship BriefField.brief, which SQLAlchemy does
    not persist, so the INSERT fails on NOT NULL. Until that is fixed, take the brief from
    the field's section; once it is fixed this does nothing.
    """

    def fill_brief_id(mapper, connection, target: BriefField) -> None:
        if target.brief_id is None and target.section is not None:
            target.brief_id = target.section.brief_id

    event.listen(BriefField, "before_insert", fill_brief_id)
    try:
        yield
    finally:
        event.remove(BriefField, "before_insert", fill_brief_id)

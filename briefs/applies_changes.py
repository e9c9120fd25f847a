"""Which questions one save hid or made apply, told in its answer_saved event.

A condition on an earlier answer can hide a question the client already answered, or bring
one in. The record says so on the save that did it: the answers before it are the previous
revisions of the fields it saved (one query), the answers after it are the fields now.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, tuple_

from briefs.extensions import db
from briefs.models import Answer, Brief, BriefField
from briefs.rules.conditions import ConditionError, hidden_keys, keys_of, parse


@dataclass(frozen=True)
class _Before:
    """A field as it stood before the save: what a condition looks at."""

    key: str
    value: str
    not_applicable: bool
    condition: dict | None


def applies_changes(brief: Brief, saved: list[BriefField]) -> tuple[list[str], list[str]]:
    """Return the keys the save hid while they held an answer, and the keys it made apply.

    Both in brief order; two empty lists when the brief has no conditions.
    """
    fields = [field for section in brief.sections for field in section.fields]
    # Whether a question applies depends only on the answers its conditions name: a save
    # of answers no condition names (most saves) changes nothing, and costs no query.
    if not saved or not {field.key for field in saved} & _named_keys(fields):
        return [], []
    asked = [(field.id, field.revision - 1) for field in saved if field.revision > 1]
    previous: dict[int, tuple[str, bool]] = {}
    if asked:
        rows = db.session.execute(
            select(Answer.field_id, Answer.value, Answer.not_applicable).where(
                tuple_(Answer.field_id, Answer.number).in_(asked)
            )
        )
        previous = {row.field_id: (row.value, row.not_applicable) for row in rows}
    saved_ids = {field.id for field in saved}
    before = [
        _Before(field.key, *previous.get(field.id, ("", False)), field.condition)
        if field.id in saved_ids
        else field
        for field in fields
    ]
    was_hidden, now_hidden = hidden_keys(before), hidden_keys(fields)
    hid = [
        field.key
        for field in fields
        if field.key in now_hidden
        and field.key not in was_hidden
        and (field.value or field.not_applicable)
    ]
    shown = [
        field.key for field in fields if field.key in was_hidden and field.key not in now_hidden
    ]
    return hid, shown


def _named_keys(fields: list[BriefField]) -> set[str]:
    """The keys of the questions some condition names (a malformed condition names none,
    as it hides nothing: rules.conditions.hidden_keys)."""
    named: set[str] = set()
    for field in fields:
        if field.condition:
            try:
                named.update(keys_of(parse(field.condition)))
            except ConditionError:
                continue
    return named

"""Saves that started from an older revision: apply, skip, or stop and show both versions.

Every save says which revision of the field it started from (its base). If someone saved
the field since, the save is not applied silently:

- the value sent equals the current one: nothing to do;
- the value sent equals the base revision's (this page did not touch the field, it only
  had an old copy): nothing to do, the newer answer stays;
- otherwise it is a conflict: the person sees both versions and chooses or merges.

A save without a base (an old page) is applied as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from briefs.extensions import db
from briefs.models import Answer, BriefField

#: What to do with a save.
APPLY = "apply"
SKIP = "skip"
CONFLICT = "conflict"


@dataclass(frozen=True)
class Conflict:
    """A save refused because the field changed since the page loaded it."""

    field: BriefField
    mine: str
    mine_not_applicable: bool
    base: int

    @property
    def theirs(self) -> str:
        return self.field.value

    @property
    def merged(self) -> str:
        """Both texts, mine first, for a text box to edit into one answer."""
        if not self.theirs.strip() or self.theirs.strip() == self.mine.strip():
            return self.mine
        if not self.mine.strip():
            return self.theirs
        joiner = "\n\n" if self.field.type == "long_text" else " / "
        return f"{self.mine}{joiner}{self.theirs}"


def read_base(raw: str | None) -> int | None:
    """Return the base revision a form sent, or None if it sent none (or junk)."""
    try:
        base = int(raw) if raw not in (None, "") else None
    except ValueError:
        return None
    return base if base is not None and base >= 0 else None


def judge(field: BriefField, value: str, not_applicable: bool, base: int | None) -> str:
    """Decide whether a save of `value` started from `base` may be applied."""
    if base is None or base >= field.revision or field.type == "file":
        return APPLY
    if value == field.value and not_applicable == field.not_applicable:
        return SKIP
    if _value_at(field, base) == (value, not_applicable):
        return SKIP
    return CONFLICT


def _value_at(field: BriefField, number: int) -> tuple[str, bool]:
    """Return the field's answer at a revision (revision 0 is the empty answer)."""
    if number == 0:
        return "", False
    row = db.session.execute(
        select(Answer.value, Answer.not_applicable).where(
            Answer.field_id == field.id, Answer.number == number
        )
    ).first()
    return (row.value, row.not_applicable) if row else ("", False)

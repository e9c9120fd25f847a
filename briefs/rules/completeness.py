"""What is still missing from a brief, and how far along it is.

The one place these rules live: the dashboard, the brief page, the client form, the export
and the reminders all ask this module. It knows nothing of Flask or the database; it reads
any object with the attributes of `FieldLike`.

A question whose condition is false (briefs.rules.conditions) is hidden and not required:
`missing_fields` and `progress` leave it out. They judge the hidden questions from the
fields they are given; a caller holding only part of a brief passes `hidden`, judged from
the whole brief.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from briefs.rules.conditions import hidden_keys

CHANGES_REQUESTED = "changes_requested"


class FieldLike(Protocol):
    """The attributes of a field these rules look at."""

    key: str
    required: bool
    condition: dict | None
    value: str
    not_applicable: bool
    review_verdict: str | None
    #: How many answers the field has had (0 before the first); only `awaits_review` asks.
    revision: int


F = TypeVar("F", bound=FieldLike)


def has_answer(field: FieldLike) -> bool:
    """Tell whether the field holds a usable answer (not applicable counts)."""
    if field.not_applicable:
        return True
    # A choice or file list is stored one item per line; blank lines are no choice.
    return any(line.strip() for line in (field.value or "").splitlines())


def awaits_review(field: FieldLike) -> bool:
    """Tell whether the field's current answer waits for the agency to accept or send back."""
    return bool(field.revision) and has_answer(field) and field.review_verdict is None


def is_sent_back(field: FieldLike) -> bool:
    """Tell whether the agency asked for changes to the current answer."""
    return field.review_verdict == CHANGES_REQUESTED


def is_missing(field: FieldLike) -> bool:
    """Tell whether a required field still lacks a usable answer."""
    return field.required and (is_sent_back(field) or not has_answer(field))


def missing_fields(fields: Iterable[F], hidden: Collection[str] | None = None) -> list[F]:
    """Return the missing fields that apply, in the order given."""
    fields = list(fields)
    hidden = hidden_keys(fields) if hidden is None else hidden
    return [field for field in fields if field.key not in hidden and is_missing(field)]


@dataclass(frozen=True)
class Progress:
    """Answered required fields out of all required fields."""

    answered: int
    required: int

    @property
    def missing(self) -> int:
        return self.required - self.answered

    @property
    def percent(self) -> int:
        """Whole percent done, rounded down so 99.6% never shows as finished."""
        if self.required == 0:
            return 100
        return self.answered * 100 // self.required

    @property
    def complete(self) -> bool:
        return self.answered == self.required


def progress(fields: Iterable[FieldLike], hidden: Collection[str] | None = None) -> Progress:
    """Count answered required fields among the given fields that apply."""
    fields = list(fields)
    hidden = hidden_keys(fields) if hidden is None else hidden
    required = answered = 0
    for field in fields:
        if field.required and field.key not in hidden:
            required += 1
            if not is_missing(field):
                answered += 1
    return Progress(answered=answered, required=required)


def answered_in(fields: Iterable[FieldLike], hidden: Collection[str]) -> tuple[int, int]:
    """Count the questions that apply and how many of them are answered.

    A section's progress on the client's form: optional questions count too, as a section
    may have none required; an answer sent back for changes is not counted as answered.
    """
    shown = [field for field in fields if field.key not in hidden]
    answered = sum(1 for field in shown if has_answer(field) and not is_sent_back(field))
    return answered, len(shown)

"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, TypeDecorator


class UTCDateTime(TypeDecorator):
    """Store naive UTC, hand back aware UTC: SQLite keeps no offset, PostgreSQL does."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware UTC time")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: Field types a template may use, in the order the editor offers them.
FIELD_TYPES = (
    "short_text",
    "long_text",
    "number",
    "date",
    "email",
    "url",
    "yes_no",
    "single_choice",
    "multiple_choice",
    "file",
)

#: Field types whose answer is picked from the field's options.
CHOICE_TYPES = ("single_choice", "multiple_choice")

#: What a yes/no question stores as its answer.
YES_NO_ANSWERS = ("yes", "no")


def fixed_answers(field_type: str, options) -> tuple[str, ...] | None:
    """The only answers a question of this type and options can be given; None for any text."""
    if field_type == "yes_no":
        return YES_NO_ANSWERS
    if field_type in CHOICE_TYPES:
        return tuple(options or ())
    return None

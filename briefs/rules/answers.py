"""Which answers a field accepts, and the form they are stored in.

Pure functions: they take what the client sent and return the text to store, or raise
AnswerError with a code the views turn into a message in the client's language.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

MAX_ANSWER_LENGTH = 20_000

# Error codes; the client form maps each one to a translated message.
TOO_LONG = "too_long"
NOT_A_NUMBER = "not_a_number"
NOT_A_DATE = "not_a_date"
NOT_AN_EMAIL = "not_an_email"
NOT_A_URL = "not_a_url"
NOT_AN_OPTION = "not_an_option"


class AnswerError(ValueError):
    """The value does not fit the field; `code` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


_SPACES = re.compile(r"[\s\u00a0\u202f]+")

#: Control characters no answer keeps: C0 and C1 controls except tab and line feed (a
#: carriage return is turned into a line feed first), and lone surrogates (UTF-8 cannot hold
#: them). PostgreSQL refuses NUL in text; the rest only confuse whoever reads the answer.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
#: What a single-line field turns into a space: line breaks and tabs, which its input on the
#: page cannot hold (a browser drops line breaks from an <input>, so the next save would
#: lose them without telling anyone).
_LINE_BREAKS = re.compile(r"[\n\t\u2028\u2029]")
#: Field types whose answer may span lines (multiple choice and files: one item per line).
MULTILINE_TYPES = frozenset({"long_text", "multiple_choice", "file"})


def has_control_characters(raw: str | list[str]) -> bool:
    """Tell whether the sent value holds characters `clean_answer` removes silently."""
    values = raw if isinstance(raw, list) else [raw]
    return any(_CONTROL.search(value.replace("\r", "\n")) for value in values)


def _plain(text: str, field_type: str) -> str:
    """Line breaks as line feeds, control characters removed; single-line fields on one line."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if field_type not in MULTILINE_TYPES:
        text = _LINE_BREAKS.sub(" ", text)
    return text


def clean_answer(field_type: str, options: list[str], raw: str | list[str]) -> str:
    """Validate a submitted value for a field type and return the text to store.

    The stored text is a fixed point: cleaning it again, as sent back by the page's input
    for the field's type, gives the same text.
    """
    if isinstance(raw, list):
        values = [v.strip() for v in (_plain(v, "short_text") for v in raw) if v.strip()]
        text = "\n".join(values)
    else:
        text = _plain(raw, field_type)
        values = []
    if len(text) > MAX_ANSWER_LENGTH:
        raise AnswerError(TOO_LONG)
    if field_type in ("long_text",):
        # Keep the client's own line breaks and indentation; trim only the ends.
        return text.strip("\n").rstrip() if text.strip() else ""
    if field_type == "multiple_choice":
        chosen = set(values or [v.strip() for v in text.splitlines() if v.strip()])
        if chosen - set(options):
            raise AnswerError(NOT_AN_OPTION)
        return "\n".join(option for option in options if option in chosen)
    text = text.strip()
    if not text:
        return ""
    if field_type == "number":
        _check_number(text)
    elif field_type == "date":
        text = _normalise_date(text)
    elif field_type == "email":
        try:
            text = validate_email(text, check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise AnswerError(NOT_AN_EMAIL) from error
    elif field_type == "url":
        text = _normalise_url(text)
    elif field_type == "yes_no":
        if text not in ("yes", "no"):
            raise AnswerError(NOT_AN_OPTION)
    elif field_type == "single_choice":
        if text not in options:
            raise AnswerError(NOT_AN_OPTION)
    return text


def _check_number(text: str) -> None:
    """Accept "1500", "1 500", "1500,50", "-3.5"; refuse anything else."""
    compact = _SPACES.sub("", text).replace(",", ".")
    try:
        Decimal(compact)
    except InvalidOperation as error:
        raise AnswerError(NOT_A_NUMBER) from error
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", compact):
        raise AnswerError(NOT_A_NUMBER)


def _normalise_date(text: str) -> str:
    """Return an ISO date from "2026-12-01" (the date input) or "01.12.2026" (typed)."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise AnswerError(NOT_A_DATE)


def _normalise_url(text: str) -> str:
    """Return an http(s) URL; "example.com" becomes "https://example.com"."""
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError as error:  # e.g. an unclosed IPv6 bracket
        raise AnswerError(NOT_A_URL) from error
    if (
        parts.scheme not in ("http", "https")
        or "." not in (parts.hostname or "")
        or parts.username is not None  # "mailto:a@b.com" is not a web address
        or any(ch.isspace() for ch in text)
    ):
        raise AnswerError(NOT_A_URL)
    return text


def parse_date(value: str) -> date | None:
    """Return the date a stored date answer holds, or None."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None

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


def plain_text(text: str, *, one_line: bool = False) -> str:
    """Return typed text (a comment, a name, a note) as an answer would keep it: control
    characters removed, line breaks as line feeds, or as spaces when it is `one_line`."""
    return _plain(text, "short_text" if one_line else "long_text")


def _plain(text: str, field_type: str) -> str:
    """Line breaks as line feeds, control characters removed; single-line fields on one line."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if field_type not in MULTILINE_TYPES:
        text = _LINE_BREAKS.sub(" ", text)
    return text


def clean_answer(
    field_type: str, options: list[str], raw: str | list[str], locale: str = "en"
) -> str:
    """Validate a submitted value for a field type and return the text to store.

    A number is stored as the client wrote it; `parse_number` reads it in `locale`.

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
        _check_number(text, locale)
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


#: One number as people write it: digits with spaces, points, commas or apostrophes between.
_NUMBER = re.compile(r"[+-]?\d(?:[\d\s\u00a0\u202f.,']*\d)?")
#: Currencies written next to a price.
_CURRENCY = r"(?:₽|\$|€|£|руб\.?|рублей|рубля|рубль|р\.|rub|rur|usd|eur|euros?|dollars?)"
#: What may stand before the number: "от", "from", "about" and a currency; nothing else.
_NUMBER_BEFORE = re.compile(
    rf"\s*(?:(?:от|до|около|примерно|from|up to|about|approx\.?|~|≈)\s*)?(?:{_CURRENCY}\s*)?",
    re.IGNORECASE,
)
#: What may follow it: a currency.
_NUMBER_AFTER = re.compile(rf"\s*(?:{_CURRENCY}\s*)?", re.IGNORECASE)


def parse_number(text: str, locale: str = "en") -> Decimal | None:
    """Read the one number in what a client typed, as their language writes it; else None.

    "от"/"from" before it and a currency around it are allowed and stay in the stored text
    ("от 25 000", "25000 руб.", "$1,500.50"); other words are not ("12 apples"), nor are
    two numbers ("от 20 до 30"). In English "1,500.50" is 1500.50; in Russian
    "1 500,50" is. A point or comma that cannot group thousands is the decimal mark.
    """
    found = list(_NUMBER.finditer(text))
    if len(found) != 1:
        return None
    match = found[0]
    if not (
        _NUMBER_BEFORE.fullmatch(text[: match.start()])
        and _NUMBER_AFTER.fullmatch(text[match.end() :])
    ):
        return None
    core = _SPACES.sub("", match.group()).replace("'", "")
    sign = "-" if core.startswith("-") else ""
    core = core.lstrip("+-")
    decimal_mark = "," if locale.startswith("ru") else "."
    other = "." if decimal_mark == "," else ","
    if "," in core and "." in core:
        decimal_mark = core[max(core.rfind(","), core.rfind("."))]
        other = "." if decimal_mark == "," else ","
    elif decimal_mark not in core and other in core:
        if not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(other)}\d{{3}})+", core):
            decimal_mark, other = other, decimal_mark
    whole, _, fraction = core.partition(decimal_mark)
    whole = whole.replace(other, "")
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        return None
    try:
        return Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")
    except InvalidOperation:
        return None


def plain_number(text: str, locale: str = "en") -> str:
    """Return the number in a client's text as plain digits ("от 25 000 ₽" gives "25000").

    Empty when there is no one number in it, or when the text is that number already, so
    the agency sees the parsed value beside the client's words only when it adds something.
    """
    number = parse_number(text, locale)
    if number is None:
        return ""
    plain = format(number, "f")
    return "" if plain == text.strip() else plain


def _check_number(text: str, locale: str) -> None:
    """Accept text holding one number ("1 500,50", "от 25 000", "25000 руб."); refuse others."""
    if parse_number(text, locale) is None:
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

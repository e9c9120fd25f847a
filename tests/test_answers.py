"""Which answers a field accepts and how they are stored: pure rules, no app needed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from briefs.models.types import FIELD_TYPES
from briefs.rules.answers import (
    MAX_ANSWER_LENGTH,
    NOT_A_DATE,
    NOT_A_NUMBER,
    NOT_A_URL,
    NOT_AN_EMAIL,
    NOT_AN_OPTION,
    TOO_LONG,
    AnswerError,
    clean_answer,
    parse_date,
    parse_number,
    plain_number,
)

CHANNELS = ["Search", "Referrals", "Ads"]


def refused(field_type: str, raw, options=()) -> str:
    """Return the error code clean_answer gives, failing if it accepts the value."""
    with pytest.raises(AnswerError) as error:
        clean_answer(field_type, list(options), raw)
    return error.value.code


# Every type: blank stays blank, over-long is refused


@pytest.mark.parametrize("field_type", FIELD_TYPES)
def test_blank_answers_are_stored_as_empty_for_every_type(field_type):
    assert clean_answer(field_type, CHANNELS, "") == ""
    assert clean_answer(field_type, CHANNELS, "  \r\n \n ") == ""


@pytest.mark.parametrize("field_type", FIELD_TYPES)
def test_over_long_answers_are_refused_for_every_type(field_type):
    assert refused(field_type, "x" * (MAX_ANSWER_LENGTH + 1), CHANNELS) == TOO_LONG


def test_the_length_limit_is_inclusive_and_counts_after_joining_line_breaks():
    assert len(clean_answer("long_text", [], "x" * MAX_ANSWER_LENGTH)) == MAX_ANSWER_LENGTH
    # Windows line breaks count as one character each, as they are stored.
    raw = "a\r\n" * 6667
    assert len(raw) > MAX_ANSWER_LENGTH
    assert clean_answer("long_text", [], raw) == ("a\n" * 6667).rstrip()
    assert refused("multiple_choice", ["Ads"] * 6000, CHANNELS) == TOO_LONG


def test_answer_error_is_a_value_error_with_a_code():
    error = AnswerError(NOT_A_DATE)
    assert isinstance(error, ValueError)
    assert error.code == NOT_A_DATE


# Text


def test_short_text_is_trimmed():
    assert clean_answer("short_text", [], "  Teeth whitening \n") == "Teeth whitening"


def test_long_text_keeps_line_breaks_and_indentation():
    raw = "\r\n  First line\r\n\r\n    - indented item\r\nlast line   \n\n"
    assert clean_answer("long_text", [], raw) == "  First line\n\n    - indented item\nlast line"


def test_long_text_keeps_markdown_like_text_as_typed():
    raw = "# not a heading\n===\n```\n<b>raw</b>"
    assert clean_answer("long_text", [], raw) == raw


def test_old_mac_line_breaks_become_newlines():
    assert clean_answer("long_text", [], "one\rtwo") == "one\ntwo"


def test_file_answers_are_stored_as_given():
    assert clean_answer("file", [], " 12\n13 ") == "12\n13"


# Numbers


@pytest.mark.parametrize(
    "raw", ["1500", "1 500", "1\u00a0500", "1\u202f500", "1500,50", "-3.5", "+7", "0", " 42 "]
)
def test_numbers_in_common_forms_are_accepted_as_typed(raw):
    assert clean_answer("number", [], raw) == raw.strip()


@pytest.mark.parametrize(
    "raw", ["abc", "12 apples", "1e5", "NaN", "Infinity", "1.2.3", ".5", "5.", "1_000", "--1"]
)
def test_things_that_are_not_numbers_are_refused(raw):
    assert refused("number", raw) == NOT_A_NUMBER


@pytest.mark.parametrize(
    ("raw", "locale", "number"),
    [
        ("от 25 000", "ru", "25000"),
        ("25000 руб.", "ru", "25000"),
        ("1 500,50", "ru", "1500.50"),
        ("1500 ₽", "ru", "1500"),
        ("1,500", "ru", "1.500"),
        ("from 25,000", "en", "25000"),
        ("1,500.50", "en", "1500.50"),
        ("$1,500", "en", "1500"),
        ("1,500", "en", "1500"),
        ("-3.5", "en", "-3.5"),
    ],
)
def test_numbers_as_people_type_them_are_kept_as_typed_and_read_in_their_language(
    raw, locale, number
):
    assert clean_answer("number", [], raw, locale) == raw
    assert parse_number(raw, locale) == Decimal(number)


@pytest.mark.parametrize("raw", ["от 20 до 30", "12 apples", "около", "25 000 тыс. руб"])
def test_two_numbers_or_other_words_are_not_a_number(raw):
    assert parse_number(raw, "ru") is None
    with pytest.raises(AnswerError):
        clean_answer("number", [], raw, "ru")


# Dates


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("2026-12-01", "2026-12-01"),
        ("01.12.2026", "2026-12-01"),
        ("1.12.2026", "2026-12-01"),
        ("01/12/2026", "2026-12-01"),
        (" 2026-12-01 ", "2026-12-01"),
    ],
)
def test_dates_are_stored_in_iso_form(raw, stored):
    assert clean_answer("date", [], raw) == stored


@pytest.mark.parametrize("raw", ["tomorrow", "2026-02-30", "31.04.2026", "12/31/2026", "2026"])
def test_things_that_are_not_dates_are_refused(raw):
    assert refused("date", raw) == NOT_A_DATE


def test_parse_date_reads_stored_dates_only():
    assert str(parse_date("2026-12-01")) == "2026-12-01"
    assert parse_date("01.12.2026") is None
    assert parse_date("") is None


# E-mail


def test_email_is_normalised():
    assert clean_answer("email", [], " ivan@Acme.Example ") == "ivan@acme.example"


@pytest.mark.parametrize(
    "raw", ["ivan", "ivan@", "@acme.example", "ivan at acme.example", "a@b@c.d"]
)
def test_things_that_are_not_emails_are_refused(raw):
    assert refused("email", raw) == NOT_AN_EMAIL


# Web addresses


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("https://acme.example/services", "https://acme.example/services"),
        ("http://acme.example", "http://acme.example"),
        ("acme.example", "https://acme.example"),
        (" www.acme.example/a?b=c ", "https://www.acme.example/a?b=c"),
    ],
)
def test_web_addresses_get_a_scheme(raw, stored):
    assert clean_answer("url", [], raw) == stored


@pytest.mark.parametrize(
    "raw",
    [
        "ftp://acme.example",
        "javascript:alert(1)",
        "javascript://acme.example/%0aalert(1)",
        "localhost",
        "https://acme example",
        "https://acme.example/a page",
        "not a site",
    ],
)
def test_things_that_are_not_web_addresses_are_refused(raw):
    assert refused("url", raw) == NOT_A_URL


# Yes / no and choices


def test_yes_no_accepts_only_yes_or_no():
    assert clean_answer("yes_no", [], "yes") == "yes"
    assert clean_answer("yes_no", [], " no ") == "no"
    assert refused("yes_no", "maybe") == NOT_AN_OPTION
    assert refused("yes_no", "Yes") == NOT_AN_OPTION


def test_single_choice_must_be_one_of_the_options():
    assert clean_answer("single_choice", CHANNELS, "Ads") == "Ads"
    assert clean_answer("single_choice", CHANNELS, " Ads ") == "Ads"
    assert refused("single_choice", "Radio", CHANNELS) == NOT_AN_OPTION
    assert refused("single_choice", ["Ads", "Search"], CHANNELS) == NOT_AN_OPTION


def test_multiple_choice_is_stored_in_option_order_one_per_line():
    assert clean_answer("multiple_choice", CHANNELS, ["Ads", "Search"]) == "Search\nAds"
    assert clean_answer("multiple_choice", CHANNELS, ["Ads", "Ads", " "]) == "Ads"
    assert clean_answer("multiple_choice", CHANNELS, "Ads\nReferrals\n") == "Referrals\nAds"
    assert clean_answer("multiple_choice", CHANNELS, []) == ""
    assert clean_answer("multiple_choice", CHANNELS, ["", "  "]) == ""


def test_multiple_choice_refuses_anything_not_offered():
    assert refused("multiple_choice", ["Ads", "Radio"], CHANNELS) == NOT_AN_OPTION
    assert refused("multiple_choice", "Search\nTV", CHANNELS) == NOT_AN_OPTION


def test_a_list_for_a_text_field_is_joined_by_lines():
    assert clean_answer("long_text", [], ["one", " ", "two"]) == "one\ntwo"


@pytest.mark.parametrize(
    "raw", ["http://[oops", "https://[::1", "https://exa\nmple.com", "mailto:a@b.com"]
)
def test_malformed_urls_are_refused_not_crashed(raw):
    with pytest.raises(AnswerError) as error:
        clean_answer("url", [], raw)
    assert error.value.code == NOT_A_URL


@pytest.mark.parametrize(
    ("raw", "locale", "plain"),
    [
        ("от 25 000 ₽", "ru", "25000"),
        ("1 500,50", "ru", "1500.50"),
        ("$1,500", "en", "1500"),
        ("25000", "ru", ""),  # nothing to add to the client's own text
        (" 1500.50 ", "en", ""),
        ("около", "ru", ""),
        ("", "en", ""),
    ],
)
def test_the_plain_number_is_given_only_when_it_adds_to_the_text(raw, locale, plain):
    assert plain_number(raw, locale) == plain

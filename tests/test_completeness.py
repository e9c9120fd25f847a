"""What is missing and how far along a brief is: pure rules, no app needed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from briefs.rules.completeness import (
    CHANGES_REQUESTED,
    Progress,
    answered_in,
    awaits_review,
    has_answer,
    is_missing,
    is_sent_back,
    missing_fields,
    progress,
)


@dataclass
class F:
    """A stand-in for a brief field."""

    value: str = ""
    required: bool = True
    not_applicable: bool = False
    review_verdict: str | None = None
    key: str = ""
    revision: int = 1
    condition: dict | None = None


@pytest.mark.parametrize(
    "value",
    ["Teeth whitening", "0", "  x  ", "Search\nAds", "\nAds\n", "#", "—"],
)
def test_text_with_something_in_it_is_an_answer(value):
    assert has_answer(F(value))
    assert not is_missing(F(value))


@pytest.mark.parametrize("value", ["", " ", "\t\n  ", "\n\n", " \n \r\n ", "\u00a0", None])
def test_empty_or_white_space_is_no_answer(value):
    field = F(value)
    assert not has_answer(field)
    assert is_missing(field)


def test_not_applicable_counts_as_answered_even_when_empty():
    field = F("", not_applicable=True)
    assert has_answer(field)
    assert not is_missing(field)


def test_changes_requested_makes_an_answer_missing_again():
    field = F("Our prices", review_verdict=CHANGES_REQUESTED)
    assert has_answer(field)
    assert is_sent_back(field)
    assert is_missing(field)


def test_changes_requested_on_not_applicable_is_missing_too():
    assert is_missing(F("", not_applicable=True, review_verdict=CHANGES_REQUESTED))


def test_accepted_answer_is_not_sent_back():
    field = F("Our prices", review_verdict="accepted")
    assert not is_sent_back(field)
    assert not is_missing(field)


def test_optional_fields_are_never_missing():
    assert not is_missing(F("", required=False))
    assert not is_missing(F("x", required=False, review_verdict=CHANGES_REQUESTED))


def test_missing_fields_keeps_the_order_given():
    fields = [
        F("", key="a"),
        F("x", key="b"),
        F(" ", key="c"),
        F("", required=False, key="d"),
        F("y", review_verdict=CHANGES_REQUESTED, key="e"),
    ]
    assert [f.key for f in missing_fields(fields)] == ["a", "c", "e"]
    assert missing_fields([]) == []
    assert missing_fields(iter(fields[:2]))[0].key == "a"  # any iterable


def test_progress_counts_only_required_fields():
    fields = [
        F("a"),
        F(""),
        F("", not_applicable=True),
        F("b", review_verdict=CHANGES_REQUESTED),
        F("optional", required=False),
        F("", required=False),
    ]
    stats = progress(fields)
    assert stats == Progress(answered=2, required=4)
    assert stats.missing == 2
    assert stats.percent == 50
    assert not stats.complete


def test_progress_percent_rounds_down_so_almost_done_is_not_done():
    assert Progress(answered=2, required=3).percent == 66
    assert Progress(answered=199, required=200).percent == 99
    assert Progress(answered=1, required=3).percent == 33
    assert Progress(answered=0, required=5).percent == 0
    assert Progress(answered=5, required=5).percent == 100


def test_a_brief_without_required_fields_is_complete():
    stats = progress([F("", required=False)])
    assert stats == Progress(answered=0, required=0)
    assert stats.percent == 100
    assert stats.complete
    assert stats.missing == 0
    assert progress([]).complete


def test_complete_when_every_required_field_is_answered():
    stats = progress([F("a"), F("", not_applicable=True), F("", required=False)])
    assert stats.complete and stats.missing == 0 and stats.percent == 100


def test_an_answer_awaits_review_until_accepted_or_sent_back():
    assert awaits_review(F("Teeth whitening"))
    assert awaits_review(F("", not_applicable=True))
    assert not awaits_review(F("Teeth whitening", review_verdict="accepted"))
    assert not awaits_review(F("Teeth whitening", review_verdict=CHANGES_REQUESTED))
    assert not awaits_review(F(""))  # cleared: nothing to accept
    assert not awaits_review(F("Teeth whitening", revision=0))  # never answered


def test_a_section_counts_its_optional_questions_and_not_those_hidden_or_sent_back():
    fields = [
        F("Whitening", key="a"),
        F("", required=False, not_applicable=True, key="b"),
        F("Old text", review_verdict=CHANGES_REQUESTED, key="c"),
        F("", required=False, key="d"),
        F("Answered but hidden", key="e"),
    ]
    assert answered_in(fields, {"e"}) == (2, 4)
    assert answered_in([], set()) == (0, 0)

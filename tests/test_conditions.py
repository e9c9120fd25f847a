"""Questions that appear only when they apply: pure rules, no app needed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from briefs.rules.completeness import missing_fields, progress
from briefs.rules.conditions import (
    ConditionError,
    combine,
    dependents,
    dump,
    foreign_values,
    hidden_keys,
    keys_of,
    parse,
    reference_problems,
    shown,
)


@dataclass
class F:
    """A stand-in for a brief field."""

    key: str
    value: str = ""
    condition: dict | None = None
    not_applicable: bool = False
    required: bool = True
    review_verdict: str | None = None


def when(key: str, op: str, **kw) -> dict:
    return {"all": [{"key": key, "op": op, **kw}]}


HOME = "At the customer's home"


@pytest.mark.parametrize(
    ("op", "kw", "answer", "expected"),
    [
        ("equals", {"value": HOME}, HOME, True),
        ("equals", {"value": HOME}, "  " + HOME + "\n", True),
        ("equals", {"value": HOME}, "Online", False),
        ("equals", {"value": HOME}, "", False),
        ("one_of", {"values": [HOME, "Online"]}, "Online", True),
        ("one_of", {"values": [HOME, "Online"]}, "In our studio", False),
        ("one_of", {"values": ["Online"]}, "Studio\nOnline", True),  # one of the choices
        ("contains", {"value": "Prices"}, "Team\nPrices", True),
        ("contains", {"value": "delivery"}, "We do Delivery in town", True),
        ("contains", {"value": "delivery"}, "Pick-up only", False),
        ("answered", {}, "x", True),
        ("answered", {}, " \n ", False),
        ("not_answered", {}, "", True),
        ("not_answered", {}, "x", False),
        ("not_applicable", {}, "", False),
    ],
)
def test_each_operator_tests_the_earlier_answer(op, kw, answer, expected):
    fields = [F("place", answer), F("address", condition=when("place", op, **kw))]
    assert ("address" not in hidden_keys(fields)) is expected


def test_not_applicable_is_neither_answered_nor_unanswered():
    place = F("place", "Online", not_applicable=True)
    for op, expected in [
        ("not_applicable", True),
        ("answered", False),
        ("not_answered", False),
    ]:
        fields = [place, F("q", condition=when("place", op))]
        assert ("q" not in hidden_keys(fields)) is expected, op
    fields = [place, F("q", condition=when("place", "equals", value="Online"))]
    assert hidden_keys(fields) == {"q"}  # the value under "not applicable" does not count


def test_all_of_needs_every_rule_and_any_of_one():
    rules = [
        {"key": "a", "op": "equals", "value": "yes"},
        {"key": "b", "op": "answered"},
    ]
    for a, b, all_shown, any_shown in [
        ("yes", "x", True, True),
        ("yes", "", False, True),
        ("no", "x", False, True),
        ("no", "", False, False),
    ]:
        fields = [
            F("a", a),
            F("b", b),
            F("all", condition={"all": rules}),
            F("any", condition={"any": rules}),
        ]
        hidden = hidden_keys(fields)
        assert ("all" not in hidden, "any" not in hidden) == (all_shown, any_shown)


def test_groups_nest():
    condition = {
        "all": [
            {"key": "a", "op": "answered"},
            {"any": [{"key": "b", "op": "equals", "value": "1"}, {"key": "c", "op": "answered"}]},
        ]
    }
    assert (
        hidden_keys([F("a", "x"), F("b", "2"), F("c", "y"), F("q", condition=condition)]) == set()
    )
    assert hidden_keys([F("a", "x"), F("b", "2"), F("c"), F("q", condition=condition)]) == {"q"}


def test_a_hidden_question_counts_as_unanswered_further_on():
    fields = [
        F("place", "Online"),
        F("address", "Baker St 221b", condition=when("place", "equals", value=HOME)),
        F("parking", condition=when("address", "answered")),
    ]
    assert hidden_keys(fields) == {"address", "parking"}


def test_a_hidden_answered_question_is_not_required_and_not_counted():
    fields = [
        F("place", "Online"),
        F("address", "Baker St", condition=when("place", "equals", value=HOME)),
        F("floor", "", condition=when("place", "equals", value=HOME)),
        F("link", ""),
    ]
    assert [f.key for f in missing_fields(fields)] == ["link"]
    stats = progress(fields)
    assert (stats.answered, stats.required) == (1, 2)
    assert [f.key for f in shown(fields)] == ["place", "link"]
    # Answer the other way: the home questions now count, and one of them is missing.
    fields[0].value = HOME
    assert [f.key for f in missing_fields(fields)] == ["floor", "link"]
    assert progress(fields).required == 4


def test_a_part_of_the_brief_is_judged_with_the_whole_briefs_hidden_keys():
    whole = [F("place", "Online"), F("address", condition=when("place", "equals", value=HOME))]
    part = whole[1:]
    assert missing_fields(part) == []  # "place" unknown here: counts as unanswered
    assert missing_fields(part, hidden=hidden_keys(whole)) == []
    whole[0].value = HOME
    assert [f.key for f in missing_fields(part, hidden=hidden_keys(whole))] == ["address"]


def test_a_malformed_stored_condition_hides_nothing():
    assert hidden_keys([F("a"), F("b", condition={"all": "nonsense"})]) == set()


@pytest.mark.parametrize(
    "raw",
    [
        "place",
        {"all": [], "any": []},
        {"all": []},
        {"some": [{"key": "a", "op": "answered"}]},
        {"all": [{"key": "a", "op": "is"}]},
        {"all": [{"key": "", "op": "answered"}]},
        {"all": [{"key": "a", "op": "equals"}]},
        {"all": [{"key": "a", "op": "equals", "value": "  "}]},
        {"all": [{"key": "a", "op": "one_of", "values": "x"}]},
        {"all": [{"key": "a", "op": "one_of", "values": []}]},
        {"all": [{"key": "a", "op": "answered", "value": "x"}]},
        {"all": [{"key": "a", "op": "answered", "colour": "red"}]},
        {
            "all": [
                {
                    "all": [
                        {"all": [{"all": [{"all": [{"all": [{"key": "a", "op": "answered"}]}]}]}]}
                    ]
                }
            ]
        },
    ],
)
def test_malformed_conditions_are_refused(raw):
    with pytest.raises(ConditionError):
        parse(raw)


def test_a_condition_reads_back_as_stored_and_a_lone_rule_as_a_group():
    stored = {
        "any": [
            {"key": "a", "op": "one_of", "values": ["x", "y"]},
            {
                "all": [
                    {"key": "b", "op": "not_applicable"},
                    {"key": "c", "op": "contains", "value": "z"},
                ]
            },
        ]
    }
    assert dump(parse(stored)) == stored
    assert dump(parse({"key": "a", "op": "answered"})) == {"all": [{"key": "a", "op": "answered"}]}
    assert parse(None) is None and parse({}) is None
    assert keys_of(parse(stored)) == ["a", "b", "c"]


def test_combine_joins_a_sections_and_a_fields_condition():
    s, f = when("a", "answered"), when("b", "answered")
    assert combine(None, None) is None
    assert combine(s, None) == s
    assert combine(None, f) == f
    assert combine(s, f) == {"all": [s, f]}


def test_conditions_may_refer_only_to_earlier_questions():
    items = [
        ("place", None),
        (None, when("place", "answered")),  # a section after "place"
        ("address", when("place", "equals", value=HOME)),
        ("floor", when("address", "answered")),
    ]
    assert reference_problems(items) == []


def test_references_to_itself_later_or_unknown_questions_are_refused():
    items = [
        (None, when("place", "answered")),  # a section before "place"
        ("place", when("place", "answered")),  # itself: a cycle of one
        ("a", when("b", "answered")),  # later: with the next line, a cycle
        ("b", when("a", "answered")),
        ("c", when("nowhere", "answered")),
    ]
    problems = [(p.index, p.key, p.reason) for p in reference_problems(items)]
    assert problems == [
        (0, "place", "later"),
        (1, "place", "self"),
        (2, "b", "later"),
        (4, "nowhere", "unknown"),
    ]


def test_dependents_names_the_items_that_refer_to_a_question():
    items = [
        ("place", None),
        ("a", when("place", "answered")),
        ("b", None),
        (None, when("place", "answered")),
    ]
    assert dependents(items, "place") == [1, 3]
    assert dependents(items, "b") == []


def test_foreign_values_are_answers_a_question_can_never_be_given():
    condition = {
        "any": [
            {"key": "place", "op": "equals", "value": "At home"},
            {
                "all": [
                    {"key": "place", "op": "one_of", "values": ["Online", "By post"]},
                    {"key": "site", "op": "answered"},
                ]
            },
            {"key": "topics", "op": "contains", "value": "price"},
            {"key": "free_text", "op": "equals", "value": "anything"},
        ]
    }
    answers = {"place": ("Online",), "topics": ("Prices", "Photos"), "site": ("yes", "no")}
    # Nested rules are found; "answered" compares with nothing; a question not listed
    # (any text) has none; "includes" only needs to be part of one answer.
    assert foreign_values(condition, answers) == [("place", "At home"), ("place", "By post")]
    assert foreign_values(condition, {"topics": ("Photos",)}) == [("topics", "price")]
    assert foreign_values({"key": "place", "op": "equals", "value": "At home"}, answers) == [
        ("place", "At home")
    ]
    assert foreign_values(None, answers) == []
    assert foreign_values({"all": "not a list"}, answers) == []

"""Summaries counted in SQL say exactly what summaries from every field say."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from briefs.brief_tallies import BLANK, briefs_with_tallies, summaries_where, with_briefs
from briefs.comments import add_comment, resolve
from briefs.extensions import db
from briefs.models import Brief, BriefField
from briefs.models.brief import ACCEPTED, CHANGES_REQUESTED
from briefs.overview import load_summaries
from briefs.rules.completeness import has_answer
from briefs.workflow import Actor, close, mark_sent, review, save_answer, submit
from tests.factories import NOW, fields_by_key, make_brief, make_client, make_template

AGENCY = Actor("system", "Tests")
CLIENT = Actor.client("Ivan Contact")


def field_of(brief, key: str) -> BriefField:
    return fields_by_key(brief)[key]


def answer(brief, key, value, when, *, not_applicable=False):
    save_answer(field_of(brief, key), value, not_applicable=not_applicable, actor=CLIENT, now=when)


def briefs_in_every_state() -> None:
    template = make_template()
    client = make_client()
    for i in range(12):
        brief, _ = make_brief(template, client, title=f"Brief {i}", now=NOW - timedelta(days=30))
        if i % 6 >= 1:
            mark_sent(brief, AGENCY, NOW - timedelta(days=20 - i))
        if i % 6 >= 2:
            answer(brief, "name", f"Service {i}", NOW - timedelta(days=10, hours=i))
            answer(brief, "what", "Everything", NOW - timedelta(days=10))
        if i % 6 >= 3:
            answer(brief, "channels", "Ads", NOW - timedelta(days=9))
            answer(brief, "who", "", NOW - timedelta(days=9), not_applicable=True)
            submit(brief, CLIENT, NOW - timedelta(days=9), missing=[])
        if i % 6 == 4:
            review(field_of(brief, "name"), CHANGES_REQUESTED, "More", AGENCY, NOW - timedelta(2))
        if i % 6 == 5:
            review(field_of(brief, "what"), ACCEPTED, "", AGENCY, NOW - timedelta(days=2))
        if i in (2, 8, 10):
            what = field_of(brief, "what")
            add_comment(
                brief, what, "Which one?", side="client", actor=CLIENT, now=NOW - timedelta(3)
            )
        if i == 8:
            resolve(brief, what, actor=AGENCY, now=NOW - timedelta(days=1))
        if i == 11:
            close(brief, AGENCY, NOW - timedelta(days=1))
        db.session.commit()


def test_counted_in_sql_the_summaries_are_the_same(app):
    briefs_in_every_state()
    briefs = list(db.session.scalars(select(Brief).order_by(Brief.id)))
    expected = load_summaries(briefs)
    got = with_briefs(summaries_where([Brief.id.is_not(None)]))
    assert [s.brief.id for s in got] == [s.brief.id for s in expected]
    for mine, theirs in zip(got, expected, strict=True):
        assert mine.progress == theirs.progress
        assert sorted(mine.missing_keys) == sorted(theirs.missing_keys)
        assert mine.brief is theirs.brief
        assert mine.unreviewed == theirs.unreviewed
        assert mine.move == theirs.move
        assert mine.last_request_at == theirs.last_request_at
        assert mine.last_client_at == theirs.last_client_at
        assert mine.telling == theirs.telling
        sent_back = [f.key for f in theirs.missing_fields if f.review_verdict == CHANGES_REQUESTED]
        assert [f.key for f in mine.missing_fields] == sent_back
    # The states above reach every side of the move, so the comparison means something.
    assert {s.move.side for s in expected} == {"client", "agency", None}


@pytest.mark.parametrize(
    "value", ["", " ", "\n\t\r", "\u00a0\u2028\u3000", "\x1c\x1d", "x", " \u00a0y ", "Ads\n"]
)
def test_sql_tells_a_blank_answer_as_the_rules_do(app, value):
    brief, _ = make_brief()
    field = field_of(brief, "name")
    field.value = value  # straight in the column: what any path may have stored
    db.session.commit()
    [(_brief, counts)] = briefs_with_tallies([Brief.id == brief.id])
    assert ("name" in counts.missing_keys) == (not has_answer(field))
    assert all(ch.isspace() for ch in BLANK)


def test_briefs_with_conditions_are_counted_from_their_answers(app, count_queries):
    """SQL cannot tell which questions a condition hides: such briefs are counted in Python."""
    home = {"key": "where", "op": "equals", "value": "At home"}
    template = make_template(
        sections=[
            (
                "The service",
                [
                    {
                        "key": "where",
                        "label": "Where",
                        "type": "single_choice",
                        "options": ["In the clinic", "At home"],
                    },
                    {"key": "area", "label": "Which districts", "condition": home},
                    {"key": "name", "label": "Service name"},
                ],
            )
        ]
    )
    client = make_client()
    clinic, _ = make_brief(template, client, title="Clinic", now=NOW - timedelta(days=5))
    visits, _ = make_brief(template, client, title="Visits", now=NOW - timedelta(days=5))
    plain, _ = make_brief(make_template(), client, title="Plain", now=NOW - timedelta(days=5))
    for brief in (clinic, visits, plain):
        mark_sent(brief, AGENCY, NOW - timedelta(days=4))
    answer(clinic, "where", "In the clinic", NOW - timedelta(days=3))
    answer(visits, "where", "At home", NOW - timedelta(days=3))
    db.session.commit()
    expected = load_summaries([clinic, visits, plain])
    with count_queries() as queries:
        got = summaries_where([Brief.id.is_not(None)])
    assert len(queries) == 5  # briefs and counts, notable fields, comments, telling, conditional
    for mine, theirs in zip(got, expected, strict=True):
        assert mine.progress == theirs.progress
        assert sorted(mine.missing_keys) == sorted(theirs.missing_keys)
        assert mine.move == theirs.move
    by_title = {s.brief.id: s for s in got}
    assert by_title[clinic.id].progress.required == 2  # "area" is hidden: not asked
    assert by_title[clinic.id].missing_keys == ("name",)
    assert sorted(by_title[visits.id].missing_keys) == ["area", "name"]

"""Where briefs stand: summaries of one brief (pure) and of many (one query)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from briefs.extensions import db
from briefs.models import BriefField
from briefs.overview import CommentFact, brief_fields, load_summaries, stuck_order, summarize
from briefs.rules.completeness import CHANGES_REQUESTED, Progress
from briefs.rules.whose_move import AGENCY, CLIENT, Move
from briefs.workflow import Actor, mark_sent, review, save_answer, submit
from tests.factories import NOW, make_brief, make_client, make_template

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def stand_in_brief(**overrides) -> SimpleNamespace:
    facts = {
        "id": 1,
        "status": "sent",
        "created_at": day(0),
        "sent_at": day(1),
        "submitted_at": None,
    }
    facts.update(overrides)
    return SimpleNamespace(**facts)


def stand_in_field(key: str, value: str = "", **overrides) -> SimpleNamespace:
    facts = {
        "key": key,
        "value": value,
        "required": True,
        "not_applicable": False,
        "review_verdict": None,
        "reviewed_at": None,
        "revision": 1 if value else 0,
        "answered_at": day(2) if value else None,
    }
    facts.update(overrides)
    return SimpleNamespace(**facts)


# summarize: pure


def test_a_clients_question_waits_on_the_agency_until_it_replies_or_resolves():
    fields = [
        stand_in_field("a", id=7, comments_resolved_at=None),
        stand_in_field("b", id=8, comments_resolved_at=None),
    ]
    brief = stand_in_brief()
    asked = [CommentFact(7, CLIENT, day(3)), CommentFact(7, CLIENT, day(4))]
    summary = summarize(brief, fields, asked)
    assert summary.move == Move(AGENCY, day(3))
    # Her question is news from her: reminders count quiet days from it.
    assert summary.last_client_at == day(4) and summary.quiet_since == day(4)
    replied = [*asked, CommentFact(7, AGENCY, day(5))]
    assert summarize(brief, fields, replied).move == Move(CLIENT, day(1))
    fields[0].comments_resolved_at = day(5)
    assert summarize(brief, fields, asked).move == Move(CLIENT, day(1))


def test_summary_of_a_partly_answered_brief():
    fields = [
        stand_in_field("name", "Whitening"),
        stand_in_field("what"),
        stand_in_field("price", required=False),
        stand_in_field("who", "", not_applicable=True, revision=1, answered_at=day(3)),
    ]
    summary = summarize(stand_in_brief(), fields)
    assert summary.progress == Progress(answered=2, required=3)
    assert summary.missing == 1
    assert summary.missing_keys == ("what",)
    assert [f.key for f in summary.missing_fields] == ["what"]
    assert summary.unreviewed == 2
    assert (summary.move.side, summary.move.since) == (CLIENT, day(1))
    assert summary.last_request_at == day(1)
    assert summary.last_client_at == day(3)
    assert summary.quiet_since == day(3)
    assert summary.fields == tuple(fields)


def test_sending_an_answer_back_is_the_latest_request():
    fields = [
        stand_in_field("name", "x", review_verdict=CHANGES_REQUESTED, reviewed_at=day(6)),
        stand_in_field("what", "y", review_verdict="accepted", reviewed_at=day(5)),
    ]
    brief = stand_in_brief(status="sent", submitted_at=day(4))
    summary = summarize(brief, fields)
    assert summary.missing_keys == ("name",)
    assert summary.unreviewed == 0
    assert summary.last_request_at == day(6)
    assert (summary.move.side, summary.move.since) == (CLIENT, day(6))


def test_a_submitted_brief_with_unreviewed_answers_waits_on_the_agency():
    fields = [stand_in_field("name", "x"), stand_in_field("what", "y")]
    summary = summarize(stand_in_brief(status="submitted", submitted_at=day(4)), fields)
    assert summary.progress.complete
    assert summary.last_client_at == day(4)
    assert (summary.move.side, summary.move.since) == (AGENCY, day(4))


def test_a_brief_with_no_fields_is_complete_and_waits_on_nobody_once_sent():
    summary = summarize(stand_in_brief(), [])
    assert summary.progress.complete and summary.missing == 0
    assert summary.move.side is None
    assert summary.quiet_since == day(1)


def test_a_draft_waits_on_the_agency_since_it_was_made():
    summary = summarize(stand_in_brief(status="draft", sent_at=None), [stand_in_field("a")])
    assert (summary.move.side, summary.move.since) == (AGENCY, day(0))
    assert summary.last_request_at is None and summary.quiet_since is None


# stuck_order


def summary_with(brief_id: int, side, since, missing: int) -> SimpleNamespace:
    return SimpleNamespace(
        brief=SimpleNamespace(id=brief_id),
        move=SimpleNamespace(side=side, since=since),
        missing=missing,
    )


def test_stuck_order_puts_the_longest_wait_first_then_the_most_missing():
    summaries = [
        summary_with(1, CLIENT, day(5), 1),
        summary_with(2, None, None, 9),
        summary_with(3, AGENCY, day(1), 0),
        summary_with(4, CLIENT, day(5), 4),
        summary_with(5, CLIENT, day(5), 4),
        summary_with(6, None, None, 0),
    ]
    ordered = sorted(summaries, key=stuck_order)
    assert [s.brief.id for s in ordered] == [3, 4, 5, 1, 2, 6]


# load_summaries and brief_fields: with a database


@pytest.fixture
def briefs(app):
    """Three briefs in different states, fields answered at known times."""
    actor, client = Actor("system", "Tests"), Actor.client("Ivan")
    template = make_template()
    acme = make_client()
    draft, _ = make_brief(template, acme, title="Draft")
    sent, _ = make_brief(template, acme, title="Sent")
    done, _ = make_brief(template, acme, title="Done")
    for brief in (sent, done):
        mark_sent(brief, actor, NOW + timedelta(days=1))

    def field(brief, key):
        return db.session.scalar(
            select(BriefField).where(BriefField.brief_id == brief.id, BriefField.key == key)
        )

    save_answer(field(sent, "name"), "A", not_applicable=False, actor=client, now=NOW)
    for key in ("name", "what", "channels", "who"):
        save_answer(field(done, key), "B", not_applicable=False, actor=client, now=NOW)
    submit(done, client, NOW + timedelta(days=2), missing=[])
    review(field(done, "who"), CHANGES_REQUESTED, "More", actor, NOW + timedelta(days=3))
    db.session.commit()
    return draft, sent, done


def test_load_summaries_reads_fields_comments_and_mail_told_in_three_queries(briefs, count_queries):
    draft, sent, done = briefs
    db.session.expire_all()
    briefs_again = list(db.session.scalars(select(type(draft)).order_by(type(draft).id)))
    with count_queries() as statements:
        summaries = load_summaries(briefs_again)

    assert len(statements) == 3
    assert [s.brief.title for s in summaries] == ["Draft", "Sent", "Done"]
    assert [s.progress for s in summaries] == [
        Progress(0, 4),
        Progress(1, 4),
        Progress(3, 4),
    ]
    assert [s.missing_keys for s in summaries] == [
        ("name", "what", "channels", "who"),
        ("what", "channels", "who"),
        ("who",),
    ]
    # "Done" had an answer sent back whose mail has not gone out: the agency's move still,
    # since the submission it answered only in part.
    assert [s.move.side for s in summaries] == [AGENCY, CLIENT, AGENCY]
    assert summaries[2].move.since == NOW + timedelta(days=2)
    assert summaries[2].telling == ("who",) and summaries[2].owed == 0


def test_load_summaries_gives_fields_in_the_order_the_client_sees_them(briefs):
    _draft, sent, _done = briefs
    [summary] = load_summaries([sent])
    expected = ["name", "what", "price", "channels", "who"]
    assert [f.key for f in summary.fields] == expected
    assert [f.key for f in brief_fields(sent)] == expected


def test_load_summaries_of_nothing_asks_nothing(count_queries):
    with count_queries() as statements:
        assert load_summaries([]) == []
        assert load_summaries(iter([])) == []
    assert statements == []


def test_client_wait_counts_from_the_oldest_open_ask():
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from briefs.overview import summarize

    sent = datetime(2026, 11, 2, 9, tzinfo=UTC)
    later = datetime(2026, 11, 9, 9, tzinfo=UTC)
    brief = SimpleNamespace(status="sent", created_at=sent, sent_at=sent, submitted_at=None, id=1)

    def field(key, value, verdict=None, reviewed_at=None):
        return SimpleNamespace(
            key=key, required=True, value=value, not_applicable=False, revision=1 if value else 0,
            review_verdict=verdict, reviewed_at=reviewed_at, answered_at=sent if value else None,
        )  # fmt: skip

    never_answered = field("a", "")
    sent_back = field("b", "old", "changes_requested", later)
    summary = summarize(brief, [never_answered, sent_back])
    assert summary.move.side == "client" and summary.move.since == sent
    assert summarize(brief, [sent_back]).move.since == later

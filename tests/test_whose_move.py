"""Whose move it is on a brief, and since when: pure rules, no app needed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from briefs.rules.whose_move import AGENCY, CLIENT, Move, whose_move

CREATED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SENT = CREATED + timedelta(days=1)
ANSWERED = CREATED + timedelta(days=3)
SUBMITTED = CREATED + timedelta(days=4)
SENT_BACK = CREATED + timedelta(days=5)


def move(**overrides) -> Move:
    """Ask whose_move about a sent brief, changing only what a test is about."""
    facts = {
        "status": "sent",
        "missing": 0,
        "unreviewed": 0,
        "created_at": CREATED,
        "last_request_at": SENT,
        "last_client_at": None,
        "submitted_at": None,
    }
    facts.update(overrides)
    return whose_move(**facts)


def test_a_draft_waits_on_the_agency_since_it_was_made():
    assert move(status="draft", missing=4, last_request_at=None) == Move(AGENCY, CREATED)


def test_a_brief_never_asked_for_waits_on_the_agency():
    assert move(status="sent", missing=4, last_request_at=None) == Move(AGENCY, CREATED)


def test_a_closed_brief_waits_on_nobody():
    assert move(status="closed", missing=3, unreviewed=2) == Move(None, None)


def test_a_sent_brief_with_missing_answers_waits_on_the_client_since_it_was_sent():
    assert move(missing=4) == Move(CLIENT, SENT)


def test_partial_answers_leave_the_ball_with_the_client_since_the_request():
    assert move(missing=2, unreviewed=2, last_client_at=ANSWERED) == Move(CLIENT, SENT)


def test_all_answered_but_not_reviewed_waits_on_the_agency_since_the_last_answer():
    assert move(unreviewed=3, last_client_at=ANSWERED) == Move(AGENCY, ANSWERED)


def test_unreviewed_without_a_client_time_falls_back_to_the_request():
    assert move(unreviewed=1, last_client_at=None) == Move(AGENCY, SENT)


def test_a_submit_hands_the_ball_to_the_agency_even_with_fields_missing():
    facts = {"status": "submitted", "submitted_at": SUBMITTED, "last_client_at": SUBMITTED}
    assert move(missing=2, **facts) == Move(AGENCY, SUBMITTED)
    assert move(unreviewed=1, **facts) == Move(AGENCY, SUBMITTED)


def test_a_submit_at_the_same_moment_as_the_request_still_counts():
    assert move(status="submitted", missing=1, submitted_at=SENT) == Move(AGENCY, SENT)


def test_sending_an_answer_back_after_a_submit_returns_the_ball_to_the_client():
    result = move(
        status="sent",
        missing=1,
        unreviewed=0,
        last_request_at=SENT_BACK,
        last_client_at=SUBMITTED,
        submitted_at=SUBMITTED,
    )
    assert result == Move(CLIENT, SENT_BACK)


def test_a_new_answer_after_changes_were_requested_waits_on_the_agency():
    later = SENT_BACK + timedelta(hours=5)
    result = move(
        status="sent",
        missing=0,
        unreviewed=1,
        last_request_at=SENT_BACK,
        last_client_at=later,
        submitted_at=SUBMITTED,
    )
    assert result == Move(AGENCY, later)


def test_everything_answered_and_reviewed_waits_on_nobody():
    assert move(last_client_at=ANSWERED) == Move(None, None)
    done = {"status": "submitted", "submitted_at": SUBMITTED, "last_client_at": SUBMITTED}
    assert move(**done) == Move(None, None)


def test_a_clients_open_question_puts_the_move_on_the_agency():
    asked = ANSWERED + timedelta(hours=2)
    assert move(missing=2, last_client_at=asked, question_since=asked) == Move(AGENCY, asked)
    # A submitted brief is the agency's anyway; a closed one is nobody's.
    assert move(status="closed", question_since=asked) == Move(None, None)

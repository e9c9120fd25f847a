"""Promises logged by hand, and whether they held, on constructed timelines."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from briefs.rules.ball_in_court import TimelineEvent, measure
from briefs.rules.promises import (
    KEPT,
    NOT_KEPT,
    PENDING,
    Promise,
    outcome,
    outcomes,
    promise_data,
    read_promise,
)
from briefs.rules.working_days import WorkCalendar

MOSCOW = ZoneInfo("Europe/Moscow")
REQUIRED = frozenset({"name", "price"})


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)  # 2 Nov 2026 is a Monday


def requests(*events):
    return measure(list(events), REQUIRED, at(30), WorkCalendar()).requests


SENT = TimelineEvent("brief_sent", at(2))
#: Made on Wednesday the 4th: "Pavel will send it all by Wednesday the 11th".
PROMISE = Promise(by="Pavel", due=date(2026, 11, 11), made_at=at(4))


def test_pending_until_the_promised_day_is_over():
    waiting = requests(SENT, TimelineEvent("answer_saved", at(5), ("name",)))
    assert outcome(PROMISE, waiting, at(11, 20), MOSCOW) == PENDING  # 23:00 in Moscow
    assert outcome(PROMISE, waiting, at(11, 21), MOSCOW) == NOT_KEPT  # midnight


def test_kept_when_every_answer_owed_arrived_by_the_end_of_the_day():
    answered = requests(
        SENT,
        TimelineEvent("answer_saved", at(5), ("name",)),
        TimelineEvent("answer_saved", at(11, 20), ("price",)),  # 23:00 in Moscow
    )
    assert outcome(PROMISE, answered, at(6), MOSCOW) == KEPT
    assert outcome(PROMISE, answered, at(20), MOSCOW) == KEPT


def test_not_kept_when_the_answers_came_a_day_late():
    late = requests(SENT, TimelineEvent("answer_saved", at(12), ("name", "price")))
    assert outcome(PROMISE, late, at(20), MOSCOW) == NOT_KEPT


def test_a_question_sent_back_after_the_promise_is_not_part_of_it():
    events = [
        SENT,
        TimelineEvent("answer_saved", at(10), ("name", "price")),
        TimelineEvent("review_given", at(13), ("price",), "changes_requested"),
    ]
    assert outcome(PROMISE, requests(*events), at(20), MOSCOW) == KEPT


def test_the_promise_is_read_from_the_entry_data():
    data = {"note": "Call", "promise": promise_data("Pavel", date(2026, 11, 11))}
    assert data["promise"] == {"by": "Pavel", "due": "2026-11-11"}
    assert read_promise(data, at(4)) == PROMISE
    assert read_promise({"note": "Call"}, at(4)) is None
    assert read_promise({"promise": {"due": "soon"}}, at(4)) is None
    judged = outcomes([(7, data, at(4)), (8, {"note": "x"}, at(4))], requests(SENT), at(5), MOSCOW)
    assert judged == {7: PENDING}

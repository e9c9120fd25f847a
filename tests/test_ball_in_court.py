"""Whose move, measured, on constructed timelines with hand-computed intervals."""

from datetime import UTC, datetime, timedelta

from briefs.rules.ball_in_court import AGENCY, CLIENT, TimelineEvent, measure
from briefs.rules.working_days import WorkCalendar

CAL = WorkCalendar()
REQUIRED = frozenset({"name", "price", "photos"})


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)  # 2 Nov 2026 is a Monday


def ev(kind, when, *keys, verdict=None, message_kind=None):
    return TimelineEvent(kind, when, tuple(keys), verdict, message_kind)


def test_partial_answer_keeps_the_request_open_for_the_rest():
    events = [
        ev("brief_sent", at(2)),
        ev("answer_saved", at(3), "name"),
        ev("answer_saved", at(5), "price"),
    ]
    result = measure(events, REQUIRED, at(9), CAL)
    [request] = result.requests
    assert request.open_keys == {"photos"}
    assert request.answered == {"name": at(3), "price": at(5)}
    assert request.age(at(9)) == timedelta(days=7)
    client = result.sides[CLIENT]
    assert client.total == timedelta(days=7) and client.open == 1
    assert client.median_response is None
    # Mon 2 → Mon 9: Tue, Wed, Thu, Fri, Mon are working days.
    assert client.working_days == 5


def test_wait_across_a_weekend_counts_working_days():
    events = [
        ev("brief_sent", at(6, 16)),  # Friday afternoon
        ev("answer_saved", at(9, 11), "name", "price", "photos"),  # Monday
    ]
    result = measure(events, REQUIRED, at(20), CAL)
    client = result.sides[CLIENT]
    assert client.total == timedelta(days=2, hours=19)
    assert client.working_days == 1
    assert client.median_response == timedelta(days=2, hours=19)


def test_request_answered_after_a_reminder_lists_it():
    events = [
        ev("brief_sent", at(2)),
        ev("message_queued", at(5, 9), "price", message_kind="reminder"),
        ev("message_queued", at(10, 9), "price", message_kind="reminder"),
        ev("answer_saved", at(10, 15), "name", "price", "photos"),
    ]
    [request] = measure(events, REQUIRED, at(20), CAL).requests
    assert request.reminders == [at(5, 9), at(10, 9)]
    assert request.closed_at == at(10, 15)


def test_overlapping_requests_merge_into_one_wait_and_agency_waits_are_measured():
    events = [
        ev("brief_sent", at(2)),
        ev("answer_saved", at(3), "name", "price", "photos"),
        ev("brief_submitted", at(3, 12)),
        # The agency looks at it two days later and sends two answers back, a day apart.
        ev("review_given", at(5), "price", verdict="changes_requested"),
        ev("review_given", at(6), "photos", verdict="changes_requested"),
        ev("review_given", at(6, 11), "name", verdict="accepted"),
        ev("answer_saved", at(9), "price"),
        ev("answer_saved", at(10), "photos"),
        ev("review_given", at(10, 12), "price", verdict="accepted"),
    ]
    result = measure(events, REQUIRED, at(12), CAL)
    client_spans = [(i.start, i.end) for i in result.intervals if i.side == CLIENT]
    # Sent → all answered; then price asked again on the 5th, photos on the 6th: one wait.
    assert client_spans == [(at(2), at(3)), (at(5), at(10))]
    agency_spans = [(i.start, i.end, i.open) for i in result.intervals if i.side == AGENCY]
    # Submitted: all three to look at until the last review on the 6th; then the answers
    # that came back on the 9th and 10th, price reviewed on the 10th, photos still waiting.
    assert agency_spans == [(at(3, 12), at(6, 11), False), (at(9), at(12), True)]
    assert result.sides[CLIENT].total == timedelta(days=6)
    assert result.sides[CLIENT].median_response == timedelta(days=4)  # 1, 4, 4 days
    agency = result.sides[AGENCY]
    assert agency.answered == 2 and agency.open == 1
    # Submitted → last review: 2 d 23 h; price back → reviewed: 1 d 2 h; median of the two.
    assert agency.median_response == timedelta(days=2, minutes=30)
    [still_open] = result.open_requests()
    assert still_open.side == AGENCY and still_open.keys == {"photos"}
    assert still_open.age(at(12)) == timedelta(days=2)


def test_nothing_asked_before_the_brief_is_sent():
    result = measure([ev("answer_saved", at(3), "name")], REQUIRED, at(5), CAL)
    assert result.requests == [] and result.intervals == []
    assert result.sides[CLIENT].total == timedelta()


def test_an_answer_reviewed_before_the_submit_is_not_asked_of_the_agency_again():
    events = [
        ev("brief_sent", at(2)),
        ev("answer_saved", at(3), "name", "price", "photos"),
        ev("review_given", at(3, 12), "name", verdict="accepted"),
        ev("brief_submitted", at(4)),
        ev("review_given", at(5), "price", verdict="accepted"),
        ev("review_given", at(5), "photos", verdict="accepted"),
    ]
    result = measure(events, REQUIRED, at(20), CAL)
    agency = result.sides[AGENCY]
    assert agency.open == 0 and agency.total == timedelta(days=1)
    [request] = [r for r in result.requests if r.side == AGENCY]
    assert request.keys == {"price", "photos"}


def test_working_days_follow_the_agencys_calendar_days():
    from zoneinfo import ZoneInfo

    # Friday 23:00 UTC is already Saturday in Moscow; Monday 22:00 UTC is Tuesday there.
    events = [
        ev("brief_sent", datetime(2026, 11, 6, 23, tzinfo=UTC)),
        ev("answer_saved", datetime(2026, 11, 9, 22, tzinfo=UTC), "name", "price", "photos"),
    ]
    utc_days = measure(events, REQUIRED, at(20), CAL).sides[CLIENT].working_days
    moscow = measure(events, REQUIRED, at(20), CAL, ZoneInfo("Europe/Moscow"))
    assert utc_days == 1  # Fri → Mon in UTC: Monday
    assert moscow.sides[CLIENT].working_days == 2  # Sat → Tue in Moscow: Monday, Tuesday

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


def sent_back_by_mail(when, *keys):
    return TimelineEvent("review_given", when, keys, "changes_requested", by_mail=True)


def test_a_sent_back_answer_is_the_clients_wait_only_once_the_mail_is_delivered():
    events = [
        ev("brief_sent", at(2)),
        ev("answer_saved", at(3), "name", "price", "photos"),
        ev("brief_submitted", at(3, 12)),
        sent_back_by_mail(at(5, 16), "price"),  # Thursday afternoon
        ev(
            "message_queued",
            at(
                5,
                16,
            ),
            "price",
            message_kind="changes_requested",
        ),
        # The outbox could not deliver until the next morning.
        ev("message_sent", at(6, 9), "price", message_kind="changes_requested"),
        ev("answer_saved", at(9), "price"),
    ]
    result = measure(events, REQUIRED, at(12), CAL)
    client_spans = [(i.start, i.end) for i in result.intervals if i.side == CLIENT]
    assert client_spans == [(at(2), at(3)), (at(6, 9), at(9))]
    sent_back = [r for r in result.requests if r.reason == "sent_back"]
    assert [(r.asked_at, r.closed_at) for r in sent_back] == [(at(6, 9), at(9))]
    # Until delivery the agency held it: submitted → reviewed, then the mail on its way.
    telling = [r for r in result.requests if r.reason == "telling"]
    assert [(r.side, r.asked_at, r.closed_at) for r in telling] == [(AGENCY, at(5, 16), at(6, 9))]


def test_an_undelivered_request_stays_the_agencys_and_never_becomes_the_clients():
    events = [ev("brief_sent", at(2)), ev("answer_saved", at(3), "name", "price", "photos")]
    events += [sent_back_by_mail(at(4), "price")]
    result = measure(events, REQUIRED, at(6), CAL)
    assert [(r.side, r.reason) for r in result.open_requests()] == [(AGENCY, "telling")]
    assert result.sides[CLIENT].open == 0
    assert result.sides[AGENCY].total == timedelta(days=2)


def test_an_answer_before_the_mail_arrives_ends_the_agencys_wait_and_asks_for_a_look():
    events = [
        ev("brief_sent", at(2)),
        ev("answer_saved", at(3), "name", "price", "photos"),
        sent_back_by_mail(at(4), "price"),
        ev("answer_saved", at(4, 11), "price"),  # she saw it on the form
        ev("message_sent", at(4, 12), "price", message_kind="changes_requested"),
    ]
    result = measure(events, REQUIRED, at(6), CAL)
    assert [r.reason for r in result.requests if r.side == CLIENT] == ["sent"]
    answered = [r for r in result.requests if r.reason == "answered"]
    assert [(r.asked_at, r.open_keys) for r in answered] == [(at(4, 11), {"price"})]


def test_a_sending_back_withdrawn_before_delivery_closes():
    events = [
        ev("brief_sent", at(2)),
        ev("answer_saved", at(3), "name", "price", "photos"),
        sent_back_by_mail(at(4), "price"),
        ev("review_given", at(4, 10), "price", verdict="accepted"),
    ]
    result = measure(events, REQUIRED, at(6), CAL)
    assert result.open_requests() == []


def test_without_mail_a_sent_back_answer_is_the_clients_wait_at_once():
    # Briefs without e-mail recipients, and events recorded before mail was sent for this.
    events = [
        ev("brief_sent", at(2)),
        ev("answer_saved", at(3), "name", "price", "photos"),
        ev("review_given", at(4), "price", verdict="changes_requested"),
    ]
    [open_request] = measure(events, REQUIRED, at(6), CAL).open_requests()
    assert (open_request.side, open_request.asked_at) == (CLIENT, at(4))


def comment(when, key, side):
    return TimelineEvent("comment_added", when, (key,), side=side)


def test_a_clients_question_is_the_agencys_wait_until_it_replies():
    events = [
        ev("brief_sent", at(2)),
        comment(at(3), "price", CLIENT),
        comment(at(3, 15), "price", CLIENT),  # a follow-up does not start a second wait
        comment(at(4), "price", AGENCY),
        ev("answer_saved", at(5), "name", "price", "photos"),
    ]
    result = measure(events, REQUIRED, at(9), CAL)
    agency = [(i.start, i.end, i.open) for i in result.intervals if i.side == AGENCY]
    assert agency == [(at(3), at(4), False)]
    assert result.sides[AGENCY].total == timedelta(days=1)
    # The client's wait runs on: her question does not answer the brief.
    assert [(i.start, i.end) for i in result.intervals if i.side == CLIENT] == [(at(2), at(5))]


def test_a_question_is_also_answered_by_a_review_or_by_resolving_the_thread():
    events = [
        ev("brief_sent", at(2)),
        comment(at(3), "price", CLIENT),
        comment(at(3), "photos", CLIENT),
        ev("review_given", at(4), "price", verdict="accepted"),
        TimelineEvent("comments_resolved", at(5), ("photos",)),
    ]
    questions = [r for r in measure(events, REQUIRED, at(9), CAL).requests if r.side == AGENCY]
    assert [r.closed_at for r in questions] == [at(4), at(5)]


def test_an_agency_comment_asks_nothing_of_the_agency():
    events = [ev("brief_sent", at(2)), comment(at(3), "price", AGENCY)]
    assert [r.side for r in measure(events, REQUIRED, at(9), CAL).requests] == [CLIENT]


def test_a_question_on_a_field_does_not_hide_it_from_the_submission_review():
    events = [
        ev("brief_sent", at(2)),
        comment(at(3), "price", CLIENT),
        ev("answer_saved", at(4), "name", "price", "photos"),
        ev("brief_submitted", at(4, 12)),
    ]
    [submitted] = [
        r for r in measure(events, REQUIRED, at(9), CAL).requests if r.reason == "submitted"
    ]
    assert submitted.keys == {"name", "price", "photos"}

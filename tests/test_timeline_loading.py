"""Measuring a brief from its stored events: the inputs ball_in_court gets, end to end."""

from datetime import timedelta

from briefs import workflow
from briefs.extensions import db
from briefs.models import Event
from briefs.models.brief import ACCEPTED
from briefs.rules.ball_in_court import AGENCY, CLIENT
from briefs.rules.working_days import WorkCalendar
from briefs.timeline.loading import load_brief_history, measure_brief, timeline_events
from tests.factories import IVAN, NOW, answer_fields, fields_by_key, make_brief, story

CAL = WorkCalendar()
H = timedelta(hours=1)
D = timedelta(days=1)


def measured(brief, now):
    _brief, fields, events = load_brief_history(brief.id)
    return measure_brief(fields, events, now, CAL)


def spans(measures, side):
    return [(i.start - NOW, i.end - NOW, i.open) for i in measures.intervals if i.side == side]


def test_events_become_measure_inputs(app, user):
    brief = story(user)
    _brief, fields, events = load_brief_history(brief.id)
    inputs = timeline_events(events, {f.id: f.key for f in fields})
    kinds = [(e.kind, e.keys, e.verdict, e.message_kind) for e in inputs]
    assert kinds[:4] == [
        ("brief_sent", (), None, None),
        ("answer_saved", ("name", "what"), None, None),
        ("message_queued", ("channels", "who"), None, "reminder"),
        ("answer_saved", ("channels", "who"), None, None),
    ]
    assert ("review_given", ("what",), "changes_requested", None) in kinds
    # Link openings and hand-added contacts are not asks; a delivery may start one.
    assert {e.kind for e in inputs} <= {"brief_sent", "answer_saved", "message_queued",
                                        "message_sent", "brief_submitted",
                                        "review_given"}  # fmt: skip


def test_story_waits_hand_computed(app, user):
    brief = story(user)
    result = measured(brief, NOW + 9 * D)
    # Sent Mon +1 h; all four required answered by Fri (+4 d); "what" sent back Sat +5 d 1 h.
    assert spans(result, CLIENT) == [(H, 4 * D, False), (5 * D + H, 9 * D, True)]
    # Submitted Fri +4 d 10 min; the last review Sat +5 d 2 h.
    assert spans(result, AGENCY) == [(4 * D + timedelta(minutes=10), 5 * D + 2 * H, False)]
    [first, *_rest] = result.requests
    assert first.reminders == [NOW + 3 * D]


def test_an_answer_reviewed_before_submission_does_not_wait_on_the_agency(app, user):
    brief, _token = make_brief(user=user)
    olga = workflow.Actor.user(user)
    workflow.mark_sent(brief, olga, NOW)
    answer_fields(brief, ["name", "what", "channels", "who"], NOW + D)
    workflow.review(fields_by_key(brief)["name"], ACCEPTED, "", olga, NOW + D + H)
    workflow.submit(brief, IVAN, NOW + 2 * D, missing=[])
    for key in ("what", "channels", "who"):
        workflow.review(fields_by_key(brief)[key], ACCEPTED, "", olga, NOW + 3 * D)
    db.session.commit()
    result = measured(brief, NOW + 10 * D)
    assert spans(result, AGENCY) == [(2 * D, 3 * D, False)]
    assert result.sides[AGENCY].open == 0 and result.open_requests() == []


def test_a_partial_answer_then_an_answer_after_a_reminder_across_a_weekend(app, user):
    brief, _token = make_brief(user=user)
    workflow.mark_sent(brief, workflow.Actor.user(user), NOW)  # Monday
    answer_fields(brief, ["name"], NOW + D)
    workflow.record(
        brief, "message_queued", workflow.SYSTEM, NOW + 4 * D,
        message_kind="reminder", number=1, to=["ivan@acme.example"], missing=["what", "who"],
    )  # fmt: skip
    answer_fields(brief, ["what", "channels", "who"], NOW + 7 * D)  # the next Monday
    db.session.commit()
    result = measured(brief, NOW + 8 * D)
    [request] = result.requests[:1]
    assert request.reminders == [NOW + 4 * D] and request.closed_at == NOW + 7 * D
    client = result.sides[CLIENT]
    assert client.total == 7 * D and client.median_response == 7 * D
    # Mon → next Mon: Tue–Fri and Monday are working days; the weekend is not.
    assert client.working_days == 5


def test_hand_added_contacts_do_not_change_the_measures(app, user):
    brief = story(user)
    before = measured(brief, NOW + 9 * D)
    workflow.record(
        brief, "contact_logged", workflow.Actor.user(user), NOW + 8 * D,
        occurred_at=(NOW + 8 * D).isoformat(), channel="call", note="Prices by Friday",
    )  # fmt: skip
    db.session.commit()
    assert measured(brief, NOW + 9 * D).intervals == before.intervals
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 16

"""The reminder schedule on hand-computed cases: weekends, holidays, far zones, DST."""

from dataclasses import replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from briefs.rules.reminders import (
    ReminderPolicy,
    ReminderState,
    decision_maker_heard_since_last_reminder,
    escalation_due,
    in_window,
    late_escalation_due,
    limit_reached,
    next_reminder_at,
    next_window_opening,
    reminder_due,
    retry_delay,
    scheduled_reminder,
    waiting_on_promise,
)
from briefs.rules.working_days import WorkCalendar

MOSCOW = ZoneInfo("Europe/Moscow")  # UTC+3 all year
CAL = WorkCalendar()
RU = WorkCalendar(holidays=frozenset({date(2026, 11, 4)}))
POLICY = ReminderPolicy(first_after=3, every=3, max_count=3)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def state(quiet_since, *reminders, missing=2, status="sent", escalations=0):
    return ReminderState(
        status=status,
        missing=missing,
        quiet_since=quiet_since,
        reminders=tuple(reminders),
        escalations=escalations,
    )


SENT = utc(2026, 11, 2, 7, 0)  # Monday 10:00 in Moscow


def test_first_reminder_after_three_working_days_at_window_start():
    assert scheduled_reminder(state(SENT), POLICY, MOSCOW, CAL) == utc(2026, 11, 5, 6, 0)


def test_holiday_pushes_the_first_reminder():
    assert scheduled_reminder(state(SENT), POLICY, MOSCOW, RU) == utc(2026, 11, 6, 6, 0)


def test_weekend_pushes_the_reminder():
    thursday = utc(2026, 11, 5, 12, 0)
    assert scheduled_reminder(state(thursday), POLICY, MOSCOW, CAL) == utc(2026, 11, 10, 6, 0)


def test_later_reminders_count_from_the_last_one():
    first = utc(2026, 11, 6, 6, 0)  # Friday
    assert scheduled_reminder(state(SENT, first), POLICY, MOSCOW, CAL) == utc(2026, 11, 11, 6, 0)


def test_no_more_than_max_reminders():
    sent = [utc(2026, 11, d, 6, 0) for d in (5, 10, 13)]
    assert scheduled_reminder(state(SENT, *sent), POLICY, MOSCOW, CAL) is None


def test_nothing_scheduled_when_done_paused_draft_or_closed():
    assert scheduled_reminder(state(SENT, missing=0), POLICY, MOSCOW, CAL) is None
    assert scheduled_reminder(state(SENT, status="draft"), POLICY, MOSCOW, CAL) is None
    assert scheduled_reminder(state(SENT, status="closed"), POLICY, MOSCOW, CAL) is None
    paused = ReminderPolicy(paused=True)
    assert scheduled_reminder(state(SENT), paused, MOSCOW, CAL) is None


def test_a_zone_far_from_utc_uses_the_clients_calendar_day():
    auckland = ZoneInfo("Pacific/Auckland")  # UTC+13 in November (daylight time)
    sent = utc(2026, 11, 1, 22, 0)  # Sunday in UTC, Monday 11:00 in Auckland
    policy = ReminderPolicy(first_after=1)
    # Tuesday 09:00 in Auckland is still Monday in UTC.
    assert scheduled_reminder(state(sent), policy, auckland, CAL) == utc(2026, 11, 2, 20, 0)


def test_daylight_saving_change_keeps_local_nine_oclock():
    new_york = ZoneInfo("America/New_York")  # clocks go back on Sunday 1 Nov 2026
    sent = utc(2026, 10, 30, 14, 0)  # Friday 10:00 EDT (UTC-4)
    policy = ReminderPolicy(first_after=1)
    # Monday 09:00 EST (UTC-5) is 14:00 UTC, not 13:00.
    assert scheduled_reminder(state(sent), policy, new_york, CAL) == utc(2026, 11, 2, 14, 0)


def test_sending_window_and_working_days():
    assert in_window(utc(2026, 11, 5, 6, 0), POLICY, MOSCOW, CAL)  # Thu 09:00
    assert not in_window(utc(2026, 11, 5, 15, 0), POLICY, MOSCOW, CAL)  # Thu 18:00
    assert not in_window(utc(2026, 11, 7, 8, 0), POLICY, MOSCOW, CAL)  # Saturday
    assert next_window_opening(utc(2026, 11, 5, 16, 0), POLICY, MOSCOW, CAL) == utc(
        2026, 11, 6, 6, 0
    )
    assert next_window_opening(utc(2026, 11, 7, 8, 0), POLICY, MOSCOW, CAL) == utc(
        2026, 11, 9, 6, 0
    )
    assert next_window_opening(utc(2026, 11, 5, 3, 0), POLICY, MOSCOW, CAL) == utc(
        2026, 11, 5, 6, 0
    )


def test_due_only_inside_the_window():
    brief = state(SENT)
    assert not reminder_due(brief, POLICY, MOSCOW, CAL, utc(2026, 11, 5, 5, 59))
    assert reminder_due(brief, POLICY, MOSCOW, CAL, utc(2026, 11, 5, 6, 0))
    assert not reminder_due(brief, POLICY, MOSCOW, CAL, utc(2026, 11, 5, 15, 30))  # 18:30
    assert reminder_due(brief, POLICY, MOSCOW, CAL, utc(2026, 11, 6, 6, 5))  # next morning


def test_next_reminder_shown_to_the_agency_is_never_in_the_past():
    brief = state(SENT)
    late_evening = utc(2026, 11, 5, 16, 0)
    assert next_reminder_at(brief, POLICY, MOSCOW, CAL, SENT) == utc(2026, 11, 5, 6, 0)
    assert next_reminder_at(brief, POLICY, MOSCOW, CAL, late_evening) == utc(2026, 11, 6, 6, 0)


def test_custom_window():
    policy = ReminderPolicy(window_start=time(10, 30), window_end=time(12, 0))
    assert scheduled_reminder(state(SENT), policy, MOSCOW, CAL) == utc(2026, 11, 5, 7, 30)


def test_escalation_every_e_unanswered_reminders():
    policy = ReminderPolicy(escalate_after=2)
    r = [utc(2026, 11, d, 6) for d in (5, 10, 13, 18)]
    assert not escalation_due(state(SENT, r[0]), policy)
    assert escalation_due(state(SENT, *r[:2]), policy)
    assert not escalation_due(state(SENT, *r[:2], escalations=1), policy)
    assert not escalation_due(state(SENT, *r[:3], escalations=1), policy)
    assert escalation_due(state(SENT, *r[:4], escalations=1), policy)
    assert not escalation_due(state(SENT, *r[:2]), ReminderPolicy(escalate_after=0))
    assert not escalation_due(state(SENT, *r[:2], missing=0), policy)


def test_retry_backoff_grows_and_is_capped():
    assert [retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert retry_delay(30).total_seconds() == 6 * 3600


# Promises and the reminder limit -------------------------------------------------------------


def promised(quiet_since, *reminders, by: date | None, last_escalation=None) -> ReminderState:
    return replace(state(quiet_since, *reminders), promised_by=by, last_escalation=last_escalation)


def test_a_pending_promise_holds_the_reminder_until_the_day_after_it():
    # Due on Thursday the 5th; promised by Wednesday the 11th: the next window is Thu 12th.
    held = promised(SENT, by=date(2026, 11, 11))
    assert scheduled_reminder(held, POLICY, MOSCOW, CAL) == utc(2026, 11, 12, 6, 0)
    assert not reminder_due(held, POLICY, MOSCOW, CAL, utc(2026, 11, 11, 10, 0))
    assert reminder_due(held, POLICY, MOSCOW, CAL, utc(2026, 11, 12, 6, 0))
    assert waiting_on_promise(held, POLICY, MOSCOW, CAL, utc(2026, 11, 11, 20, 59))
    assert not waiting_on_promise(held, POLICY, MOSCOW, CAL, utc(2026, 11, 12, 6, 0))


def test_a_promise_due_on_a_friday_resumes_chasing_on_monday():
    held = promised(SENT, by=date(2026, 11, 6))
    assert next_reminder_at(held, POLICY, MOSCOW, CAL, utc(2026, 11, 3)) == utc(2026, 11, 9, 6, 0)


def test_a_promise_already_past_changes_nothing():
    past = promised(SENT, by=date(2026, 11, 2))
    assert scheduled_reminder(past, POLICY, MOSCOW, CAL) == utc(2026, 11, 5, 6, 0)
    assert not waiting_on_promise(state(SENT), POLICY, MOSCOW, CAL, utc(2026, 11, 5, 6, 0))


def test_the_limit_is_reached_after_the_last_allowed_reminder():
    r = [utc(2026, 11, d, 6, 0) for d in (5, 10, 13)]
    assert not limit_reached(state(SENT, *r[:2]), POLICY)
    assert limit_reached(state(SENT, *r), POLICY)
    assert not limit_reached(state(SENT, *r, missing=0), POLICY)
    assert not limit_reached(state(SENT, *r), replace(POLICY, paused=True))


def test_whether_the_decision_maker_heard_since_the_last_reminder():
    last = utc(2026, 11, 13, 6, 0)
    assert decision_maker_heard_since_last_reminder(promised(SENT, last, by=None,
                                                             last_escalation=last))  # fmt: skip
    assert not decision_maker_heard_since_last_reminder(
        promised(SENT, last, by=None, last_escalation=utc(2026, 11, 10, 6, 0))
    )
    assert not decision_maker_heard_since_last_reminder(state(SENT, last))


def test_a_brief_late_on_saturday_escalates_on_monday_morning():
    # Answers were due Friday 6 November; on Saturday the brief is late, but the client's
    # window is working days only, so the director hears on Monday once the window opens.
    waiting = state(SENT, utc(2026, 11, 5, 7, 0), utc(2026, 11, 6, 7, 0))
    saturday = utc(2026, 11, 7, 8, 0)  # 11:00 in Moscow
    assert not late_escalation_due(waiting, POLICY, MOSCOW, CAL, saturday)
    assert not late_escalation_due(waiting, POLICY, MOSCOW, CAL, utc(2026, 11, 9, 5, 0))  # 08:00
    assert late_escalation_due(waiting, POLICY, MOSCOW, CAL, utc(2026, 11, 9, 6, 0))  # 09:00
    assert not late_escalation_due(waiting, POLICY, MOSCOW, CAL, utc(2026, 11, 9, 15, 0))  # 18:00
    # Never when the agency turned escalation off or paused the brief.
    never = replace(POLICY, escalate_after=0)
    assert not late_escalation_due(waiting, never, MOSCOW, CAL, utc(2026, 11, 9, 6, 0))
    paused = replace(POLICY, paused=True)
    assert not late_escalation_due(waiting, paused, MOSCOW, CAL, utc(2026, 11, 9, 6, 0))

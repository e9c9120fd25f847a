"""When the next reminder goes out, and when the decision-maker is told.

Pure rules: they take the brief's state, the policy, the client's time zone and calendar,
and `now`; they never read the clock or the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from briefs.rules.working_days import WorkCalendar


@dataclass(frozen=True)
class ReminderPolicy:
    """How patiently to remind: counts are working days in the client's calendar."""

    #: First reminder after this many working days without client activity.
    first_after: int = 3
    #: Then every this many working days.
    every: int = 3
    #: At most this many reminders between two client activities.
    max_count: int = 4
    #: Send only between these local times of the client, on working days.
    window_start: time = time(9, 0)
    window_end: time = time(18, 0)
    #: Tell the decision-maker after this many unanswered reminders (0 = never).
    escalate_after: int = 2
    #: The agency paused reminders for this brief.
    paused: bool = False


@dataclass(frozen=True)
class ReminderState:
    """What the rules need to know about one brief."""

    status: str
    missing: int
    #: Last time the ball went to the client or the client acted: sending, a save, a
    #: submit, an answer sent back. The count of working days starts here.
    quiet_since: datetime | None
    #: Reminders sent after quiet_since, oldest first.
    reminders: tuple[datetime, ...] = ()
    #: Escalations sent after quiet_since.
    escalations: int = 0
    #: The date of the latest promise logged by the agency ("will send by the 18th"):
    #: chasing waits until that day is over.
    promised_by: date | None = None
    #: When the decision-maker last heard about the brief (after quiet_since).
    last_escalation: datetime | None = None


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz)


def _at(day, clock: time, tz: ZoneInfo) -> datetime:
    """Return the UTC instant of a local wall-clock time on a day (DST-aware)."""
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def in_window(moment: datetime, policy: ReminderPolicy, tz: ZoneInfo, cal: WorkCalendar) -> bool:
    """Tell whether a moment falls on a working day inside the client's sending window."""
    local = _local(moment, tz)
    return cal.is_working_day(local.date()) and (
        policy.window_start <= local.time() < policy.window_end
    )


def next_window_opening(
    moment: datetime, policy: ReminderPolicy, tz: ZoneInfo, cal: WorkCalendar
) -> datetime:
    """Return `moment` if it is inside the window, else the window's next opening."""
    if in_window(moment, policy, tz, cal):
        return moment
    local = _local(moment, tz)
    day = local.date()
    if cal.is_working_day(day) and local.time() < policy.window_start:
        return _at(day, policy.window_start, tz)
    return _at(cal.add(day, 1), policy.window_start, tz)


def wants_reminders(state: ReminderState, policy: ReminderPolicy) -> bool:
    """Tell whether the brief should be chased at all right now."""
    return (
        not policy.paused
        and state.status in ("sent", "submitted")
        and state.missing > 0
        and state.quiet_since is not None
    )


def promise_ends_at(
    state: ReminderState, policy: ReminderPolicy, tz: ZoneInfo, cal: WorkCalendar
) -> datetime | None:
    """Return when chasing may resume after a promise: the first window after its day."""
    if state.promised_by is None:
        return None
    return _at(cal.add(state.promised_by, 1), policy.window_start, tz)


def waiting_on_promise(
    state: ReminderState, policy: ReminderPolicy, tz: ZoneInfo, cal: WorkCalendar, now: datetime
) -> bool:
    """Tell whether a promise still holds chasing back at `now`."""
    ends = promise_ends_at(state, policy, tz, cal)
    return ends is not None and now < ends


def scheduled_reminder(
    state: ReminderState, policy: ReminderPolicy, tz: ZoneInfo, cal: WorkCalendar
) -> datetime | None:
    """Return when the next reminder is scheduled (UTC), or None if none will go out.

    A pending promise moves it to the first window after the promised day.
    """
    if not wants_reminders(state, policy) or len(state.reminders) >= policy.max_count:
        return None
    if state.reminders:
        base, days = state.reminders[-1], policy.every
    else:
        base, days = state.quiet_since, policy.first_after
    day = cal.add(_local(base, tz).date(), max(days, 1))
    scheduled = _at(day, policy.window_start, tz)
    promise_end = promise_ends_at(state, policy, tz, cal)
    return max(scheduled, promise_end) if promise_end else scheduled


def reminder_due(
    state: ReminderState,
    policy: ReminderPolicy,
    tz: ZoneInfo,
    cal: WorkCalendar,
    now: datetime,
) -> bool:
    """Tell whether a reminder should go out at `now`."""
    scheduled = scheduled_reminder(state, policy, tz, cal)
    return scheduled is not None and scheduled <= now and in_window(now, policy, tz, cal)


def next_reminder_at(
    state: ReminderState,
    policy: ReminderPolicy,
    tz: ZoneInfo,
    cal: WorkCalendar,
    now: datetime,
) -> datetime | None:
    """Return when the next reminder will really go out, as shown to the agency."""
    scheduled = scheduled_reminder(state, policy, tz, cal)
    if scheduled is None:
        return None
    return next_window_opening(max(scheduled, now), policy, tz, cal)


def escalation_due(state: ReminderState, policy: ReminderPolicy) -> bool:
    """Tell whether the decision-maker should hear now: every E unanswered reminders."""
    if policy.escalate_after <= 0 or not wants_reminders(state, policy):
        return False
    return len(state.reminders) >= policy.escalate_after * (state.escalations + 1)


def late_escalation_due(
    state: ReminderState, policy: ReminderPolicy, tz: ZoneInfo, cal: WorkCalendar, now: datetime
) -> bool:
    """Tell whether the decision-maker may hear at `now` that the brief is late.

    Like a reminder, only inside the client's sending window on a working day: answers due
    on a Friday make the brief late on Saturday, and the director hears on Monday morning.
    """
    return (
        policy.escalate_after > 0
        and not policy.paused
        and in_window(now, policy, tz, cal)
        and not waiting_on_promise(state, policy, tz, cal, now)
    )


def limit_reached(state: ReminderState, policy: ReminderPolicy) -> bool:
    """Tell whether every reminder allowed has gone out and the answers are still missing."""
    return (
        wants_reminders(state, policy)
        and policy.max_count > 0
        and len(state.reminders) >= policy.max_count
    )


def decision_maker_heard_since_last_reminder(state: ReminderState) -> bool:
    """Tell whether the decision-maker was told at or after the last reminder."""
    return (
        bool(state.reminders)
        and state.last_escalation is not None
        and state.last_escalation >= state.reminders[-1]
    )


def retry_delay(attempts: int) -> timedelta:
    """Back off between delivery attempts: 1, 2, 4 … minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))

"""The agency's chasing settings turned into rule inputs: policy, calendar, deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from briefs.models import AgencySettings, Brief
from briefs.rules.deadlines import info_due_date, risk
from briefs.rules.reminders import ReminderPolicy
from briefs.rules.working_days import WorkCalendar, parse_holidays, public_holidays


def zone(name: str | None) -> ZoneInfo:
    """Return a time zone, UTC for an unknown name."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def calendar(settings: AgencySettings, around: date) -> WorkCalendar:
    """Build the agency's calendar: weekends, its country's holidays, its own days off."""
    extra, _bad = parse_holidays(settings.extra_holidays or "")
    years = range(around.year - 1, around.year + 2)
    return WorkCalendar(holidays=public_holidays(settings.holiday_country, years) | extra)


def policy_for(brief: Brief, settings: AgencySettings) -> ReminderPolicy:
    """Return the reminder policy of a brief: its overrides, else the agency's defaults."""

    def pick(own: int | None, default: int) -> int:
        return default if own is None else own

    return ReminderPolicy(
        first_after=pick(brief.reminder_first_after, settings.reminder_first_after),
        every=pick(brief.reminder_every, settings.reminder_every),
        max_count=pick(brief.reminder_max, settings.reminder_max),
        window_start=time(settings.window_start_hour),
        window_end=time(
            min(settings.window_end_hour, 23), 59 if settings.window_end_hour >= 24 else 0
        ),
        escalate_after=(
            settings.escalate_after
            if brief.escalation_enabled and brief.client.escalation_enabled
            else 0
        ),
        paused=brief.reminders_paused,
    )


@dataclass(frozen=True)
class Deadline:
    """A brief's info due date and launch risk."""

    info_due: date | None
    risk: str | None


def deadline(
    brief: Brief, missing: int, cal: WorkCalendar, now: datetime, tz: ZoneInfo
) -> Deadline:
    """Judge a brief's info due date and risk as of `now` in the agency's zone."""
    due = info_due_date(brief.launch_date, brief.work_days, cal)
    if brief.status == "draft" or brief.is_closed:
        return Deadline(due, None)
    return Deadline(due, risk(due, now.astimezone(tz).date(), missing, cal))

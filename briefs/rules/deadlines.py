"""When the answers are needed by, and whether the launch date is at risk."""

from __future__ import annotations

from datetime import date

from briefs.rules.working_days import WorkCalendar

ON_TRACK = "on_track"
AT_RISK = "at_risk"
LATE = "late"

#: "At risk" starts this many working days before the info due date.
AT_RISK_WITHIN = 3


def info_due_date(launch: date | None, work_days: int, calendar: WorkCalendar) -> date | None:
    """Return the launch date minus the agency's working days (None without a launch date)."""
    if launch is None:
        return None
    try:
        return calendar.add(launch, -work_days)
    except OverflowError:
        # A launch date in the first days of year 1 (stored before the forms refused
        # such dates): the answers were due before the calendar starts.
        return date.min


def risk(info_due: date | None, today: date, missing: int, calendar: WorkCalendar) -> str | None:
    """Judge the launch date: ON_TRACK, AT_RISK, LATE, or None when there is no date."""
    if info_due is None:
        return None
    if missing == 0:
        return ON_TRACK
    if today > info_due:
        return LATE
    if calendar.between(today, info_due) <= AT_RISK_WITHIN:
        return AT_RISK
    return ON_TRACK

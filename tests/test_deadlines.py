"""Info due date and launch risk, computed by hand."""

from datetime import date

from briefs.rules.deadlines import AT_RISK, LATE, ON_TRACK, info_due_date, risk
from briefs.rules.working_days import WorkCalendar

CAL = WorkCalendar()
LAUNCH = date(2026, 12, 15)  # a Tuesday


def test_info_due_is_launch_minus_working_days():
    assert info_due_date(LAUNCH, 5, CAL) == date(2026, 12, 8)
    assert info_due_date(LAUNCH, 0, CAL) == LAUNCH
    assert info_due_date(None, 5, CAL) is None


def test_info_due_skips_a_holiday():
    cal = WorkCalendar(holidays=frozenset({date(2026, 12, 10)}))
    assert info_due_date(LAUNCH, 5, cal) == date(2026, 12, 7)


def test_risk_levels():
    due = date(2026, 12, 8)
    assert risk(due, date(2026, 12, 2), 2, CAL) == ON_TRACK  # 4 working days left
    assert risk(due, date(2026, 12, 3), 2, CAL) == AT_RISK  # Fri, Mon, Tue: 3 left
    assert risk(due, date(2026, 12, 8), 2, CAL) == AT_RISK  # due today
    assert risk(due, date(2026, 12, 9), 2, CAL) == LATE
    assert risk(due, date(2026, 12, 9), 0, CAL) == ON_TRACK  # nothing missing
    assert risk(None, date(2026, 12, 9), 2, CAL) is None

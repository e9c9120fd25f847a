"""Working-day arithmetic on hand-checked November 2026 dates (2 Nov is a Monday)."""

from datetime import date

from briefs.rules.working_days import WorkCalendar, parse_holidays, public_holidays

PLAIN = WorkCalendar()
UNITY_DAY = date(2026, 11, 4)  # a Wednesday, a public holiday in Russia
RUSSIA = WorkCalendar(holidays=frozenset({UNITY_DAY}))


def test_weekend_is_skipped():
    assert PLAIN.add(date(2026, 11, 6), 1) == date(2026, 11, 9)  # Fri + 1 = Mon
    assert PLAIN.add(date(2026, 11, 5), 3) == date(2026, 11, 10)  # Thu + 3 = Tue


def test_holiday_is_skipped():
    assert PLAIN.add(date(2026, 11, 2), 3) == date(2026, 11, 5)
    assert RUSSIA.add(date(2026, 11, 2), 3) == date(2026, 11, 6)


def test_counting_backwards_skips_weekend_and_holiday():
    assert PLAIN.add(date(2026, 11, 9), -5) == date(2026, 11, 2)
    assert RUSSIA.add(date(2026, 11, 9), -5) == date(2026, 10, 30)


def test_zero_moves_a_day_off_to_the_next_working_day():
    assert PLAIN.add(date(2026, 11, 7), 0) == date(2026, 11, 9)
    assert PLAIN.add(date(2026, 11, 3), 0) == date(2026, 11, 3)


def test_between_counts_working_days_after_start():
    assert RUSSIA.between(date(2026, 11, 2), date(2026, 11, 6)) == 3
    assert PLAIN.between(date(2026, 11, 6), date(2026, 11, 9)) == 1
    assert PLAIN.between(date(2026, 11, 9), date(2026, 11, 6)) == -1
    assert PLAIN.between(date(2026, 11, 9), date(2026, 11, 9)) == 0


def test_parse_holidays_reads_dates_and_reports_bad_lines():
    days, bad = parse_holidays("2026-11-04 Unity Day\n\n# comment\n31.12.2026\n2027-01-01")
    assert days == {date(2026, 11, 4), date(2027, 1, 1)}
    assert bad == ["31.12.2026"]


def test_public_holidays_come_from_the_holidays_package():
    russian = public_holidays("RU", [2026])
    assert UNITY_DAY in russian
    assert date(2026, 1, 1) in russian
    assert public_holidays("", [2026]) == frozenset()

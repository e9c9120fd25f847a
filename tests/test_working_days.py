"""Working-day arithmetic on hand-checked November 2026 dates (2 Nov is a Monday)."""

import random
from datetime import date, timedelta

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


def _between_day_by_day(calendar: WorkCalendar, start: date, end: date) -> int:
    """The plain definition: walk every day after start up to end."""
    if end < start:
        return -_between_day_by_day(calendar, end, start)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if calendar.is_working_day(start + timedelta(days=offset))
    )


def test_between_counts_as_walking_day_by_day_over_random_ranges():
    chooser = random.Random(20261129)
    first = date(2024, 1, 1)
    for _ in range(1500):
        weekend = frozenset(chooser.sample(range(7), chooser.choice([0, 1, 2, 2, 2, 3])))
        holidays = frozenset(
            first + timedelta(days=chooser.randrange(4 * 366))
            for _ in range(chooser.choice([0, 1, 5, 30, 200]))
        )
        calendar = WorkCalendar(holidays=holidays, weekend=weekend)
        start = first + timedelta(days=chooser.randrange(4 * 366))
        # Mostly short ranges, some of them years long, either way round.
        length = chooser.choice([chooser.randrange(15), chooser.randrange(60), 1100])
        end = start + timedelta(days=chooser.randrange(-length, length + 1))
        assert calendar.between(start, end) == _between_day_by_day(calendar, start, end), (
            start,
            end,
            sorted(weekend),
        )


def test_between_over_years_skips_every_weekend_and_holiday():
    # 1 Jan 2026 (Thu) to 31 Dec 2027 (Fri): 104 whole weeks, then Thu 30 and Fri 31 Dec.
    start, end = date(2025, 12, 31), date(2027, 12, 31)
    assert PLAIN.between(start, end) == _between_day_by_day(PLAIN, start, end) == 522
    russia = WorkCalendar(holidays=public_holidays("RU", [2026, 2027]))
    weekday_holidays = sum(1 for day in public_holidays("RU", [2026, 2027]) if day.weekday() < 5)
    assert russia.between(start, end) == 522 - weekday_holidays

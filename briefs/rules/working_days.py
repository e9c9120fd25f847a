"""Working days: weekends and holidays skipped. Pure; the holiday list is passed in."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, cached_property

import holidays as holiday_data

#: Monday=0 … Sunday=6; Saturday and Sunday are off.
WEEKEND = frozenset({5, 6})


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days: not a weekend day and not a holiday."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    weekend: frozenset[int] = WEEKEND

    def is_working_day(self, day: date) -> bool:
        """Tell whether work happens on this day."""
        return day.weekday() not in self.weekend and day not in self.holidays

    def add(self, day: date, count: int) -> date:
        """Return the date `count` working days after `day` (before it if negative).

        Zero gives `day` itself when it is a working day, else the next working day.
        """
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        current = day
        if remaining == 0:
            while not self.is_working_day(current):
                current += timedelta(days=1)
            return current
        while remaining:
            current += timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def between(self, start: date, end: date) -> int:
        """Count working days after `start` up to and including `end` (negative if reversed).

        Counted, not walked: whole weeks, then the remaining days, less the holidays in range
        that fall on a weekday; the cost does not grow with the length of the range.
        """
        if end < start:
            return -self.between(end, start)
        days = (end - start).days
        weeks, rest = divmod(days, 7)
        first = start.weekday() + 1  # the weekday of start + 1 day, unreduced
        working = weeks * (7 - len(self.weekend)) + sum(
            1 for offset in range(rest) if (first + offset) % 7 not in self.weekend
        )
        holidays = self._working_holidays
        return working - (bisect_right(holidays, end) - bisect_right(holidays, start))

    @cached_property
    def _working_holidays(self) -> tuple[date, ...]:
        # Sorted, weekend days left out: those are not counted as working days anyway.
        return tuple(sorted(day for day in self.holidays if day.weekday() not in self.weekend))


def parse_holidays(text: str) -> tuple[frozenset[date], list[str]]:
    """Read one ISO date per line (text after the date is a note); return dates and bad lines."""
    days: set[date] = set()
    bad: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            days.add(date.fromisoformat(line.split()[0]))
        except ValueError:
            bad.append(line)
    return frozenset(days), bad


def public_holidays(country: str, years: Iterable[int]) -> frozenset[date]:
    """Return a country's public holidays for the given years (empty for no country)."""
    return _public_holidays(country, tuple(years))


@cache
def _public_holidays(country: str, years: tuple[int, ...]) -> frozenset[date]:
    # Every page that judges deadlines asks; computing a country's years takes ~10 ms.
    if not country:
        return frozenset()
    return frozenset(holiday_data.country_holidays(country, years=list(years)).keys())

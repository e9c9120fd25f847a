"""What counts as news in the team's daily digest: everything since the previous one.

The digest goes on working days when the sending window opens. Answers given in the evening,
at the weekend or on a holiday would fall outside a fixed 24 hours and never be told, so
the news runs from the previous working day's digest to this one.
"""

from __future__ import annotations

from datetime import datetime, time

from briefs.rules.working_days import WorkCalendar


def news_since(now_local: datetime, cal: WorkCalendar, window_start_hour: int) -> datetime:
    """Return when the previous daily digest was due: the window's start, last working day."""
    previous = cal.add(now_local.date(), -1)
    return datetime.combine(previous, time(window_start_hour), tzinfo=now_local.tzinfo)


def is_news(moment: datetime | None, since: datetime) -> bool:
    """Tell whether something the client did at `moment` is news for today's digest."""
    return moment is not None and moment >= since

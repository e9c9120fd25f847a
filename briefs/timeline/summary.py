"""The whose-move summary block shown on the brief page, from the events it already loaded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from briefs.rules.timeline_report import Summary, summarize_waits
from briefs.rules.timeline_svg import render_bar
from briefs.timeline import wording
from briefs.timeline.loading import agency_calendar, first_moment, measure_brief


@dataclass(frozen=True)
class TimelineSummary:
    """What the brief page's compact summary shows."""

    brief_id: int
    summary: Summary
    bar: Markup
    measured: bool


def timeline_summary(page, now: datetime) -> TimelineSummary:
    """Return what the brief page's summary block shows (no queries of its own)."""
    cal, tz = agency_calendar(now)
    measures = measure_brief(page.fields, page.events, now, cal, tz)
    summary = summarize_waits(measures, now, wording.words(), page.labels_by_key)
    start = first_moment(page.events) or now
    bar = render_bar(
        measures.intervals,
        start,
        now,
        wording.bar_labels(wording.bar_title(page.brief.title)),
        tz,
        id_prefix=f"summary-bar{page.brief.id}",
    )
    return TimelineSummary(page.brief.id, summary, Markup(bar), bool(measures.intervals))

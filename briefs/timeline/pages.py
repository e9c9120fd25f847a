"""What the timeline pages and exports show, for one brief or for one client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup

from briefs.event_log import Head, chain_head, chain_position
from briefs.models import Brief, Client, Event
from briefs.rules.timeline_report import Day, Summary, combine, group_by_day, summarize_waits
from briefs.rules.timeline_svg import render_bar
from briefs.timeline import wording
from briefs.timeline.loading import (
    BriefTimeline,
    agency_calendar,
    build,
    load_brief_history,
    load_client_history,
)


@dataclass(frozen=True)
class Part:
    """One brief on a timeline page: its measures in words and its bar."""

    timeline: BriefTimeline
    summary: Summary
    bar: Markup

    @property
    def brief(self) -> Brief:
        return self.timeline.brief


@dataclass(frozen=True)
class TimelineView:
    """A brief's or a client's timeline, ready to show."""

    title: str
    parts: list[Part]
    days: list[Day]
    zone: ZoneInfo
    #: The moment an export or print view was made, to the minute; open waits run to it.
    #: None on a live page (they run to now).
    fixed_at: datetime | None
    totals: Summary | None = None
    head: Event | None = None
    client: Client | None = None
    #: The whole log's head when the view was made, for checking a print or an export.
    log: Head | None = None

    @property
    def brief(self) -> Brief:
        return self.parts[0].brief


def _part(tl: BriefTimeline, tz: ZoneInfo, index: int) -> Part:
    summary = summarize_waits(tl.measures, tl.now, wording.words(), tl.labels_by_key)
    start = tl.start or tl.now
    end = tl.now if tl.now > start else max((e.at for e in tl.entries), default=start)
    label = wording.bar_title(tl.brief.title)
    bar = render_bar(
        tl.measures.intervals,
        start,
        end,
        wording.bar_labels(label),
        tz,
        id_prefix=f"bar{tl.brief.id}-{index}",
    )
    return Part(tl, summary, Markup(bar))


def export_moment(now: datetime) -> datetime:
    """Return the moment an export states and measures to: `now` to the minute.

    The export names this moment, so the same events at the same minute give the same bytes.
    """
    return now.replace(second=0, microsecond=0)


def brief_view(brief_id: int, now: datetime, *, fixed: bool = False) -> TimelineView:
    """Gather a brief's timeline; `fixed` measures up to `now` to the minute, and says so."""
    brief, fields, events = load_brief_history(brief_id)
    cal, tz = agency_calendar(now)
    until = export_moment(now) if fixed else now
    tl = build(brief, fields, events, until, cal, tz=tz)
    return TimelineView(
        title=brief.title,
        parts=[_part(tl, tz, 0)],
        days=group_by_day(tl.entries, tz),
        zone=tz,
        fixed_at=until if fixed else None,
        head=tl.head,
        client=brief.client,
        log=chain_head(),
    )


def client_view(client_id: int, now: datetime, *, fixed: bool = False) -> TimelineView:
    """Gather a client's timeline across its briefs, each measured, and their totals."""
    client, loaded = load_client_history(client_id)
    cal, tz = agency_calendar(now)
    all_events = [e for _b, _f, events in loaded for e in events]
    until = export_moment(now) if fixed else now
    timelines = [
        build(brief, fields, events, until, cal, with_title=True, tz=tz)
        for brief, fields, events in loaded
    ]
    parts = [_part(tl, tz, n) for n, tl in enumerate(timelines)]
    totals = combine([(tl.measures, tl.now) for tl in timelines], wording.words())
    return TimelineView(
        title=client.name,
        parts=parts,
        days=group_by_day([e for tl in timelines for e in tl.entries], tz),
        zone=tz,
        fixed_at=until if fixed else None,
        totals=totals,
        head=max(all_events, key=chain_position, default=None),
        client=client,
        log=chain_head(),
    )

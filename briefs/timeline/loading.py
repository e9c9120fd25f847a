"""Load a brief's or a client's timeline in a fixed number of queries and measure it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from briefs.accounts import agency_settings
from briefs.chase_policy import calendar, zone
from briefs.event_log import chain_position
from briefs.extensions import db
from briefs.models import Brief, BriefField, BriefSection, Client, Event
from briefs.overview import brief_fields, fields_by_brief
from briefs.rules.ball_in_court import Measures, TimelineEvent, measure
from briefs.rules.promises import outcomes
from briefs.rules.timeline_report import Entry
from briefs.rules.working_days import WorkCalendar
from briefs.timeline.sentences import Context, deliveries, folded, happened_at, sentence

#: A brief, its fields and its events in recording order: what its timeline is built from.
BriefHistory = tuple[Brief, list[BriefField], list[Event]]


def timeline_events(events: Sequence[Event], key_by_id: dict[int, str]) -> list[TimelineEvent]:
    """Turn stored events (in recording order) into what ball_in_court measures."""
    out: list[TimelineEvent] = []
    # A delivery event names its message; the keys it told are on the message's queued event.
    told_by_message: dict[object, tuple[str, ...]] = {}
    for event in events:
        data = event.data or {}
        field_keys = (key_by_id[event.field_id],) if event.field_id in key_by_id else ()
        if event.kind == "answer_saved":
            keys = tuple(data.get("fields") or ())
            out.append(TimelineEvent(event.kind, event.created_at, keys))
        elif event.kind == "review_given":
            out.append(
                TimelineEvent(
                    event.kind,
                    event.created_at,
                    field_keys,
                    data.get("verdict"),
                    by_mail=bool(data.get("by_mail")),
                )
            )
        elif event.kind in ("comment_added", "comments_resolved"):
            out.append(
                TimelineEvent(event.kind, event.created_at, field_keys, side=data.get("side"))
            )
        elif event.kind == "message_sent" and data.get("message_kind") == "changes_requested":
            keys = told_by_message.get(data.get("message"), ())
            out.append(
                TimelineEvent(event.kind, event.created_at, keys, message_kind="changes_requested")
            )
        elif event.kind == "message_queued":
            told_by_message[data.get("message")] = tuple(data.get("missing") or ())
            out.append(
                TimelineEvent(
                    event.kind,
                    event.created_at,
                    tuple(data.get("missing") or ()),
                    message_kind=data.get("message_kind"),
                )
            )
        elif event.kind in ("brief_sent", "brief_submitted"):
            out.append(TimelineEvent(event.kind, event.created_at))
    return out


@dataclass(frozen=True)
class BriefTimeline:
    """One brief's events, in words and measured."""

    brief: Brief
    fields: list[BriefField]
    events: list[Event]
    entries: list[Entry]
    measures: Measures
    #: Where open waits stop: now on a page, the moment it was made in an export.
    now: datetime

    @property
    def labels_by_key(self) -> dict[str, str]:
        return {f.key: f.label for f in self.fields}

    @property
    def start(self) -> datetime | None:
        return min((e.at for e in self.entries), default=None)

    @property
    def head(self) -> Event | None:
        """The brief's latest event in the chain."""
        return max(self.events, key=chain_position, default=None)


def measure_brief(
    fields: Sequence[BriefField],
    events: Sequence[Event],
    now: datetime,
    cal: WorkCalendar,
    tz: tzinfo = UTC,
) -> Measures:
    """Measure a brief's waits up to `now` from its fields and events."""
    key_by_id = {f.id: f.key for f in fields}
    required = frozenset(f.key for f in fields if f.required)
    return measure(timeline_events(events, key_by_id), required, now, cal, tz)


def first_moment(events: Sequence[Event]) -> datetime | None:
    """Return when the first event happened (where a bar starts)."""
    return min((happened_at(e) for e in events), default=None)


def build(
    brief: Brief,
    fields: list[BriefField],
    events: Sequence[Event],
    now: datetime,
    cal: WorkCalendar,
    *,
    with_title: bool = False,
    tz: tzinfo = UTC,
) -> BriefTimeline:
    """Put one brief's events into words and measure its waits up to `now`."""
    people = {c.email.lower(): (c.name, c.role) for c in brief.client.contacts}
    measures = measure_brief(fields, events, now, cal, tz)
    logged = [(e.id, e.data, happened_at(e)) for e in events if e.kind == "contact_logged"]
    ctx = Context(
        labels_by_key={f.key: f.label for f in fields},
        labels_by_id={f.id: f.label for f in fields},
        people=people,
        delivered=deliveries(events),
        zone=tz,
        promises=outcomes(logged, measures.requests, now, tz),
    )
    # One line per message: a delivery is told on its queued line.
    entries = [
        Entry(
            at=happened_at(event),
            event_id=event.id,
            sentence=sentence(event, ctx),
            by_hand=event.kind == "contact_logged",
            brief_title=brief.title if with_title else None,
        )
        for event in events
        if not folded(event, ctx)
    ]
    return BriefTimeline(brief, fields, list(events), entries, measures, now)


def agency_calendar(now: datetime) -> tuple[WorkCalendar, ZoneInfo]:
    """Return the agency's working calendar around `now` and its time zone."""
    settings = agency_settings()
    tz = zone(settings.timezone)
    return calendar(settings, now.astimezone(tz).date()), tz


def load_brief_history(brief_id: int) -> BriefHistory:
    """Fetch a brief, its fields and its events (404 for an unknown id)."""
    brief = db.get_or_404(
        Brief,
        brief_id,
        options=[
            selectinload(Brief.client).selectinload(Client.contacts),
            selectinload(Brief.sections).selectinload(BriefSection.fields),
        ],
    )
    events = db.session.scalars(
        select(Event).where(Event.brief_id == brief.id).order_by(Event.id)
    ).all()
    return brief, brief_fields(brief), list(events)


def load_client_history(client_id: int) -> tuple[Client, list[BriefHistory]]:
    """Fetch a client with every brief, field and event in a fixed number of queries."""
    client = db.get_or_404(Client, client_id, options=[selectinload(Client.contacts)])
    briefs = db.session.scalars(
        select(Brief).where(Brief.client_id == client.id).order_by(Brief.created_at, Brief.id)
    ).all()
    ids = [b.id for b in briefs]
    fields = fields_by_brief(ids)
    events: dict[int, list[Event]] = defaultdict(list)
    for event in db.session.scalars(
        select(Event).where(Event.brief_id.in_(ids)).order_by(Event.id)
    ):
        events[event.brief_id].append(event)
    return client, [(b, fields[b.id], events[b.id]) for b in briefs]

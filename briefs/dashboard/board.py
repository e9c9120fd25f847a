"""What the dashboard lists: the filtered briefs, most stuck first, with their words ready.

A fixed number of queries whatever the number of briefs: the clients, the briefs with
their client joined, and all their fields at once (briefs.overview.load_summaries).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import format_timedelta, ngettext
from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload

from briefs.accounts import agency_settings
from briefs.chase_status import BriefChase, assess_summaries
from briefs.dashboard.filters import STATUS_FILTERS, Filters, parse_filters
from briefs.extensions import db
from briefs.labels import RISK_BADGES, RISK_LABELS, SIDE_LABELS, STATUS_BADGES, STATUS_LABELS
from briefs.models import Brief, Client, Template
from briefs.overview import load_summaries, stuck_order
from briefs.rules.completeness import Progress
from briefs.rules.whose_move import CLIENT

#: A wait longer than this is pointed out on the dashboard.
LONG_WAIT = timedelta(days=7)

# Why the list is empty, so the page can say what to do next.
NO_TEMPLATES = "no_templates"
NO_BRIEFS = "no_briefs"
NO_OPEN = "no_open"
NO_MATCH = "no_match"


@dataclass(frozen=True)
class Row:
    """One brief as the dashboard shows it."""

    brief: Brief
    progress: Progress
    #: "7/12": answered required questions out of all required ones.
    progress_text: str
    #: The same in words, for screen readers and the tooltip.
    progress_label: str
    side: str | None
    side_label: str
    since: datetime | None
    #: "for 4 days", or "" when nothing is pending.
    waited: str
    long_wait: bool
    status_label: str
    badge: str
    #: The launch risk and when the answers are needed by.
    risk: str | None = None
    risk_label: str = ""
    risk_badge: str = ""
    info_due: date | None = None
    #: When the next reminder goes out, and to whom.
    next_reminder: datetime | None = None
    reminder_to: tuple[str, ...] = ()

    @property
    def missing(self) -> int:
        return self.progress.missing


@dataclass(frozen=True)
class Board:
    """Everything the dashboard page prints."""

    filters: Filters
    rows: list[Row]
    #: (id, name) of every client that has a brief, for the client filter.
    client_choices: list[tuple[int, str]]
    #: (value, label) for the status filter; "" is every open brief.
    status_choices: list[tuple[str, str]]
    count_line: str
    #: One of NO_TEMPLATES, NO_BRIEFS, NO_OPEN, NO_MATCH, or None when there are rows.
    empty: str | None


def build_row(chase: BriefChase, now: datetime) -> Row:
    """Turn one brief's summary and chasing status into the words and numbers of its row."""
    summary, status = chase.summary, chase.status
    brief, stats, move = summary.brief, summary.progress, summary.move
    risk = status.deadline.risk
    waited = now - move.since if move.since and move.side else None
    return Row(
        brief=brief,
        progress=stats,
        progress_text=f"{stats.answered}/{stats.required}",
        progress_label=_(
            "%(answered)d of %(required)d required questions answered",
            answered=stats.answered,
            required=stats.required,
        ),
        side=move.side,
        side_label=str(SIDE_LABELS.get(move.side, SIDE_LABELS[None])),
        since=move.since if move.side else None,
        waited=(
            _("for %(duration)s", duration=format_timedelta(waited, granularity="minute"))
            if waited is not None
            else ""
        ),
        long_wait=waited is not None and waited > LONG_WAIT,
        status_label=str(STATUS_LABELS.get(brief.status, brief.status)),
        badge=STATUS_BADGES.get(brief.status, ""),
        risk=risk,
        risk_label=str(RISK_LABELS[risk]) if risk else "",
        risk_badge=RISK_BADGES[risk] if risk else "",
        info_due=status.deadline.info_due,
        next_reminder=status.next_reminder,
        reminder_to=tuple(status.reminder_to),
    )


def count_line(rows: list[Row], filters: Filters) -> str:
    """Say how many briefs are listed and how many wait on the client for over a week."""
    total = len(rows)
    if filters.status is None:
        shown = ngettext("%(num)d open brief", "%(num)d open briefs", total)
    else:
        shown = ngettext("%(num)d brief", "%(num)d briefs", total)
    waiting = sum(1 for row in rows if row.side == CLIENT and row.long_wait)
    if not waiting:
        return shown
    return _(
        "%(shown)s, %(waiting)s",
        shown=shown,
        waiting=ngettext(
            "%(num)d waiting on the client for over a week",
            "%(num)d waiting on the client for over a week",
            waiting,
        ),
    )


def clients_with_briefs() -> list[Client]:
    """Return the clients that have at least one brief, by name."""
    has_brief = exists().where(Brief.client_id == Client.id)
    return list(
        db.session.scalars(select(Client).where(has_brief).order_by(Client.name, Client.id))
    )


def filtered_briefs(filters: Filters) -> list[Brief]:
    """Return the briefs the filters select, each with its client loaded."""
    query = select(Brief).options(joinedload(Brief.client), selectinload(Brief.recipients))
    if filters.status is None:
        query = query.where(~Brief.is_closed)
    else:
        query = query.where(Brief.status == filters.status)
    if filters.client_id is not None:
        query = query.where(Brief.client_id == filters.client_id)
    return list(db.session.scalars(query))


def empty_reason(filters: Filters, any_brief: bool) -> str:
    """Say why nothing is listed: nothing made yet, nothing open, or nothing matching."""
    if not any_brief:
        has_template = db.session.scalar(select(exists().where(Template.id.is_not(None))))
        return NO_BRIEFS if has_template else NO_TEMPLATES
    return NO_MATCH if filters.active else NO_OPEN


def status_choices() -> list[tuple[str, str]]:
    """Return the status filter's options, every open brief first."""
    return [("", _("All open"))] + [(s, str(STATUS_LABELS[s])) for s in STATUS_FILTERS]


def load_board(args: Mapping[str, str], now: datetime) -> Board:
    """Load the dashboard for the given query arguments, the most stuck brief first."""
    clients = clients_with_briefs()
    filters = parse_filters(args, {client.id for client in clients})
    summaries = sorted(load_summaries(filtered_briefs(filters)), key=stuck_order)
    chases, _calendar = assess_summaries(summaries, agency_settings(), now)
    rows = [build_row(chase, now) for chase in chases]
    return Board(
        filters=filters,
        rows=rows,
        client_choices=[(client.id, client.name) for client in clients],
        status_choices=status_choices(),
        count_line=count_line(rows, filters),
        empty=None if rows else empty_reason(filters, any_brief=bool(clients)),
    )

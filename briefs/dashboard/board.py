"""What the dashboard lists: the filtered briefs, most stuck first, a page at a time.

A fixed number of queries whatever the number of briefs: the clients and teammates for the
filters, every matching brief's narrow columns with its counts, the few fields and comments
that decide whose move it is (briefs.brief_tallies); then for the page's rows only, the
briefs themselves with their recipients, and their chasing (briefs.chase_status).
Filtering by whose move and by risk, and the order, need every matching brief judged, so
the work still grows with the open briefs (in SQL and a light loop); the page, its
queries and the texts loaded do not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import format_timedelta, ngettext
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, exists, select

from briefs.accounts import agency_settings
from briefs.brief_tallies import summaries_where, with_briefs
from briefs.chase_policy import calendar, deadline, zone
from briefs.chase_status import BriefChase, assess_summaries
from briefs.dashboard.filters import RISK_FILTERS, STATUS_FILTERS, Filters, parse_filters
from briefs.extensions import db
from briefs.labels import RISK_BADGES, RISK_LABELS, SIDE_LABELS, STATUS_BADGES, STATUS_LABELS
from briefs.models import AgencySettings, Brief, Client, Template, User
from briefs.overview import BriefSummary, stuck_order
from briefs.paging import PAGE_SIZE, Page, clamp, requested_page
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
    #: The rows of this page.
    rows: list[Row]
    #: Which page of the matching briefs `rows` is.
    page: Page
    #: (id, name) of every client that has a brief, for the client filter.
    client_choices: list[tuple[int, str]]
    #: (value, label) for the status filter; "" is every open brief.
    status_choices: list[tuple[str, str]]
    count_line: str
    #: (id, name) of every teammate who created a brief, for the owner filter.
    owner_choices: list[tuple[int, str]]
    #: (value, label) for the whose-move and risk filters; "" is any.
    side_choices: list[tuple[str, str]]
    risk_choices: list[tuple[str, str]]
    #: The agency's settings the rows were judged with. Held while the page renders, so
    #: showing times in the agency's zone finds them in the session instead of asking again.
    settings: AgencySettings
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
    waiting = sum(1 for row in rows if row.side == CLIENT and row.long_wait)
    return count_words(len(rows), waiting, filters)


def count_words(total: int, waiting: int, filters: Filters) -> str:
    """Say `total` briefs are listed, `waiting` of them on the client for over a week."""
    if filters.status is None:
        shown = ngettext("%(num)d open brief", "%(num)d open briefs", total)
    else:
        shown = ngettext("%(num)d brief", "%(num)d briefs", total)
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


def owners_with_briefs() -> list[User]:
    """Return the teammates who created at least one brief, by name."""
    has_brief = exists().where(Brief.created_by_id == User.id)
    return list(db.session.scalars(select(User).where(has_brief).order_by(User.name, User.id)))


def brief_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """Return the SQL conditions of the filters the database can judge (not move or risk)."""
    where = [~Brief.is_closed] if filters.status is None else [Brief.status == filters.status]
    if filters.client_id is not None:
        where.append(Brief.client_id == filters.client_id)
    if filters.owner_id is not None:
        where.append(Brief.created_by_id == filters.owner_id)
    return where


def waited_long(summary: BriefSummary, now: datetime) -> bool:
    """Tell whether the brief has waited on the client for over a week (as its row says)."""
    move = summary.move
    return move.side == CLIENT and move.since is not None and now - move.since > LONG_WAIT


def empty_reason(filters: Filters, any_brief: bool) -> str:
    """Say why nothing is listed: nothing made yet, nothing open, or nothing matching."""
    if not any_brief:
        has_template = db.session.scalar(select(exists().where(Template.id.is_not(None))))
        return NO_BRIEFS if has_template else NO_TEMPLATES
    return NO_MATCH if filters.active else NO_OPEN


def status_choices() -> list[tuple[str, str]]:
    """Return the status filter's options, every open brief first."""
    return [("", _("All open"))] + [(s, str(STATUS_LABELS[s])) for s in STATUS_FILTERS]


def side_choices() -> list[tuple[str, str]]:
    """Return the whose-move filter's options, anyone's first."""
    return (
        [("", _("Either side"))]
        + [(side, str(SIDE_LABELS[side])) for side in ("client", "agency")]
        + [("none", str(SIDE_LABELS[None]))]
    )


def risk_choices() -> list[tuple[str, str]]:
    """Return the risk filter's options, any risk first."""
    return [("", _("Any risk"))] + [(risk, str(RISK_LABELS[risk])) for risk in RISK_FILTERS]


def load_board(args: Mapping[str, str], now: datetime) -> Board:
    """Load one page of the dashboard for the given query arguments, the most stuck first."""
    clients = clients_with_briefs()
    owners = owners_with_briefs()
    filters = parse_filters(args, {c.id for c in clients}, {u.id for u in owners})
    settings = agency_settings()
    summaries = summaries_where(brief_conditions(filters))
    if filters.risk is not None:
        cal = calendar(settings, now.date())
        agency_tz = zone(settings.timezone)
        summaries = [
            s
            for s in summaries
            if deadline(s.brief, s.missing, cal, now, agency_tz).risk == filters.risk
        ]
    if filters.side is not None:
        side = None if filters.side == "none" else filters.side
        summaries = [s for s in summaries if s.move.side == side]
    summaries.sort(key=stuck_order)
    page = clamp(requested_page(args), len(summaries), PAGE_SIZE)
    shown = with_briefs(summaries[page.offset : page.offset + page.size])
    chases, _calendar = assess_summaries(shown, settings, now)
    rows = [build_row(chase, now) for chase in chases]
    waiting = sum(1 for s in summaries if waited_long(s, now))
    return Board(
        filters=filters,
        rows=rows,
        page=page,
        client_choices=[(client.id, client.name) for client in clients],
        status_choices=status_choices(),
        count_line=count_words(len(summaries), waiting, filters),
        owner_choices=[(owner.id, owner.name) for owner in owners],
        side_choices=side_choices(),
        risk_choices=risk_choices(),
        settings=settings,
        empty=None if rows else empty_reason(filters, any_brief=bool(clients)),
    )

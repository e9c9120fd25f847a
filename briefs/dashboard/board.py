"""What the dashboard lists: the filtered briefs, most stuck first, a page at a time.

A fixed number of queries whatever the number of briefs: the clients and teammates for the
filters; one page of ids, filtered (whose move, risk included), sorted and counted by the
database over the summaries stored on each brief (briefs.brief_summaries, indexed); then
for the page's rows only, their counts and the few fields and comments that decide whose
move it is (briefs.brief_tallies), the briefs with their recipients, and their chasing
(briefs.chase_status). How long a wait has lasted and whether a launch is late today are
worked out from the stored moments when the page is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import format_timedelta, ngettext
from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    exists,
    func,
    literal_column,
    or_,
    select,
    union_all,
)

from briefs.accounts import agency_settings
from briefs.brief_summaries import settle
from briefs.brief_tallies import summaries_where, with_briefs
from briefs.chase_policy import calendar, zone
from briefs.chase_status import BriefChase, assess_summaries
from briefs.dashboard.filters import RISK_FILTERS, STATUS_FILTERS, Filters, parse_filters
from briefs.extensions import db
from briefs.labels import RISK_BADGES, RISK_LABELS, SIDE_LABELS, STATUS_BADGES, STATUS_LABELS
from briefs.models import AgencySettings, Brief, Client, Template, User
from briefs.models.brief import CLOSED
from briefs.name_search import name_contains
from briefs.overview import stuck_order
from briefs.paging import PAGE_SIZE, Page, clamp, requested_page
from briefs.rules.completeness import Progress
from briefs.rules.deadlines import AT_RISK, AT_RISK_WITHIN, LATE
from briefs.rules.whose_move import CLIENT
from briefs.rules.working_days import WorkCalendar
from briefs.url_ids import parse_id

#: Up to this many clients with briefs the client filter is a menu; beyond, a search box.
CLIENT_MENU_MAX = 50

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
    #: (id, name) of every client that has a brief, for the client filter's menu; empty
    #: when there are more than CLIENT_MENU_MAX of them (`client_search`).
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
    #: Whether any client has a brief (whether the filters are shown at all).
    any_client: bool = False
    #: Too many clients for a menu: the client filter is a search box over their names.
    client_search: bool = False
    #: The name of the client `?client=` chose (and the filters kept), shown in the search
    #: box, with the client's id beside it in a hidden field.
    chosen_client: str | None = None


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


def brief_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """Return the SQL conditions of the filters the database can judge (not move or risk)."""
    where = [~Brief.is_closed] if filters.status is None else [Brief.status == filters.status]
    if filters.client_id is not None:
        where.append(Brief.client_id == filters.client_id)
    if filters.client_name is not None:
        where.append(
            Brief.client_id.in_(
                select(Client.id).where(name_contains(Client.name, filters.client_name))
            )
        )
    if filters.owner_id is not None:
        where.append(Brief.created_by_id == filters.owner_id)
    return where


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


@dataclass(frozen=True)
class Choices:
    """The filters' choices: (id, name) of clients and of teammates, each by name."""

    #: The clients with a brief, at most CLIENT_MENU_MAX + 1 of them (more make a search).
    clients: list[tuple[int, str]]
    #: The teammates who created a brief.
    owners: list[tuple[int, str]]
    #: (id, name) of the client `?client=` asked for, if it has a brief.
    chosen: tuple[int, str] | None


def choices_with_briefs(chosen_client: int | None = None) -> Choices:
    """Return the clients with a brief (the first CLIENT_MENU_MAX + 1 by name), the
    teammates who created one, and the asked-for client if it has a brief, in one query.

    The asked-for client is looked up on its own, so `?client=` finds one the cut-short
    menu leaves out.
    """
    with_brief = exists().where(Brief.client_id == Client.id)
    clients = (
        select(literal_column("'client'").label("kind"), Client.id, Client.name)
        .where(with_brief)
        .order_by(Client.name, Client.id)
        .limit(CLIENT_MENU_MAX + 1)
        .subquery()
    )
    owners = select(literal_column("'owner'").label("kind"), User.id, User.name).where(
        exists().where(Brief.created_by_id == User.id)
    )
    parts = [select(clients), owners]
    if chosen_client is not None:
        parts.append(
            select(literal_column("'chosen'").label("kind"), Client.id, Client.name).where(
                Client.id == chosen_client, with_brief
            )
        )
    both = union_all(*parts).subquery()
    rows = db.session.execute(select(both).order_by(both.c.kind, both.c.name, both.c.id))
    found: dict[str, list[tuple[int, str]]] = {"client": [], "owner": [], "chosen": []}
    for kind, id_, name in rows:
        found[kind].append((id_, name))
    chosen = found["chosen"][0] if found["chosen"] else None
    return Choices(found["client"], found["owner"], chosen)


def at_risk_until(today: date, cal: WorkCalendar) -> date:
    """Return the last info due day that is at risk today (rules.deadlines.risk): up to
    AT_RISK_WITHIN working days ahead."""
    last = today
    for _step in range(366):
        if cal.between(today, last + timedelta(days=1)) > AT_RISK_WITHIN:
            break
        last += timedelta(days=1)
    return last


def risk_condition(risk: str, today: date, cal: WorkCalendar) -> ColumnElement[bool]:
    """Return the SQL test of a launch risk on `today` over the stored summary columns
    (as chase_policy.deadline judges it: drafts and closed briefs have none)."""
    dated = and_(Brief.info_due.is_not(None), Brief.status.not_in(("draft", CLOSED)))
    missing = Brief.missing_count > 0
    if risk == LATE:
        return and_(dated, missing, Brief.info_due < today)
    soon = at_risk_until(today, cal)
    if risk == AT_RISK:
        return and_(dated, missing, Brief.info_due >= today, Brief.info_due <= soon)
    return and_(dated, or_(~missing, Brief.info_due > soon))


def stored_conditions(
    filters: Filters, settings: AgencySettings, now: datetime
) -> list[ColumnElement[bool]]:
    """Return every filter as SQL, whose move and risk over the stored summaries."""
    where = brief_conditions(filters)
    if filters.side is not None:
        side = None if filters.side == "none" else filters.side
        where.append(Brief.move_side.is_(None) if side is None else Brief.move_side == side)
    if filters.risk is not None:
        today = now.astimezone(zone(settings.timezone)).date()
        where.append(risk_condition(filters.risk, today, calendar(settings, today)))
    return where


#: The most stuck first (overview.stuck_order, over the stored columns).
STUCK_ORDER = (
    Brief.move_since.is_(None),
    Brief.move_since,
    Brief.missing_count.desc(),
    Brief.id,
)

#: No list is this long; a larger `?page=` is the last page, not an SQL overflow.
_MAX_PAGE = 10**9


def page_of_briefs(
    where: list[ColumnElement[bool]], number: int, now: datetime
) -> tuple[list[int], Page, int]:
    """Return the ids of one page of the matching briefs, most stuck first, the page, and
    how many of them all waited on the client for over a week.

    One query whatever the page: a page past the end is the last one, chosen in SQL from
    the count, so even that costs no second query.
    """
    long_wait = case(
        (and_(Brief.move_side == CLIENT, Brief.move_since < now - LONG_WAIT), 1), else_=0
    )
    # Counted once each (they do not depend on the row), and the page's start clamped to
    # the last page from the count; the rows then come from a top-N sort, not a full one.
    total = select(func.count()).select_from(Brief).where(*where).scalar_subquery()
    waiting = select(func.sum(long_wait)).where(*where).scalar_subquery()
    wanted = (min(number, _MAX_PAGE) - 1) * PAGE_SIZE
    last = case((total > 0, total - 1), else_=0) // PAGE_SIZE * PAGE_SIZE
    start = case((last < wanted, last), else_=wanted)
    rows = db.session.execute(
        select(Brief.id, total.label("total"), waiting.label("waiting"), start.label("start"))
        .where(*where)
        .order_by(*STUCK_ORDER)
        .limit(PAGE_SIZE)
        .offset(start)
    ).all()
    if not rows:
        return [], clamp(1, 0, PAGE_SIZE), 0
    first = rows[0]
    page = clamp(first.start // PAGE_SIZE + 1, first.total, PAGE_SIZE)
    return [row.id for row in rows], page, int(first.waiting or 0)


def load_board(args: Mapping[str, str], now: datetime) -> Board:
    """Load one page of the dashboard for the given query arguments, the most stuck first.

    The database filters, sorts and pages over the summaries stored on each brief
    (briefs.brief_summaries); only the page's briefs are judged afresh for their rows.
    """
    choices = choices_with_briefs(parse_id(args.get("client")))
    clients = choices.clients
    search = len(clients) > CLIENT_MENU_MAX
    chosen = [choices.chosen[0]] if choices.chosen else []
    filters = parse_filters(
        args,
        chosen,
        {u for u, _name in choices.owners},
        chosen_name=choices.chosen[1] if choices.chosen else None,
    )
    settings = agency_settings()
    settle()
    ids, page, waiting = page_of_briefs(
        stored_conditions(filters, settings, now), requested_page(args), now
    )
    summaries = sorted(summaries_where([Brief.id.in_(ids)]) if ids else [], key=stuck_order)
    shown = with_briefs(summaries)
    chases, _calendar = assess_summaries(shown, settings, now)
    rows = [build_row(chase, now) for chase in chases]
    return Board(
        filters=filters,
        rows=rows,
        page=page,
        client_choices=[] if search else clients,
        status_choices=status_choices(),
        count_line=count_words(page.total, waiting, filters),
        owner_choices=choices.owners,
        side_choices=side_choices(),
        risk_choices=risk_choices(),
        settings=settings,
        empty=None if rows else empty_reason(filters, any_brief=bool(clients)),
        any_client=bool(clients),
        client_search=search,
        chosen_client=choices.chosen[1] if filters.client_id is not None else None,
    )

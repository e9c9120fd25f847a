"""Messages about many briefs or to the agency: the daily and weekly digests."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from briefs.chase_policy import zone
from briefs.chase_status import BriefChase
from briefs.event_log import chain_head
from briefs.extensions import db
from briefs.links import agency_link, client_link, status_link
from briefs.mail.content import render_mail
from briefs.mail.outbox import Draft
from briefs.models import AgencySettings, Brief, Client, Contact, RecipientLink, User
from briefs.recipient_links import recipient_links, status_token_sealed
from briefs.rules.deadlines import AT_RISK, LATE, risk
from briefs.rules.digest_news import is_news, news_since
from briefs.rules.whose_move import AGENCY, CLIENT
from briefs.rules.working_days import WorkCalendar

#: A brief waiting on the client this long counts as stuck in the agency's digest.
STUCK_AFTER = timedelta(days=5)


@dataclass(frozen=True)
class DigestRow:
    """One brief as a digest lists it."""

    title: str
    client: str
    answered: int
    required: int
    missing: int
    risk: str | None
    info_due: object
    launch: object
    url: str
    waiting_since: datetime | None


def digest_row(chase: BriefChase, *, client_url: str | None = None) -> DigestRow:
    """Return one brief's line in a digest or an alert, linking to the brief page.

    A line for someone at the client links to `client_url` instead: their own link.
    """
    summary, brief = chase.summary, chase.summary.brief
    return DigestRow(
        title=brief.title,
        client=brief.client.name,
        answered=summary.progress.answered,
        required=summary.progress.required,
        missing=summary.missing,
        risk=chase.status.deadline.risk,
        info_due=chase.status.deadline.info_due,
        launch=brief.launch_date,
        url=agency_link(brief.id) if client_url is None else client_url,
        waiting_since=summary.move.since if summary.move.side == CLIENT else None,
    )


@dataclass(frozen=True)
class DigestLine:
    """One open brief as the agency's digest weighs it: its row, and when the client last
    did something on it (news since the last digest)."""

    row: DigestRow
    last_client_at: datetime | None


def chase_lines(chases: list[BriefChase]) -> list[DigestLine]:
    """Return the digest lines of briefs judged in full (whether they give the digest news)."""
    return [DigestLine(digest_row(c), c.summary.last_client_at) for c in chases]


def stored_lines(settings: AgencySettings, cal: WorkCalendar, now: datetime) -> list[DigestLine]:
    """Return every open brief's digest line, read in one narrow query from the summaries
    stored on the briefs (briefs.brief_summaries), none of them loaded as an object.

    The launch risk is judged as chase_policy.deadline judges it, from the stored info due
    day and missing count; "open" is what chasing judges (mail.chasing.open_briefs).
    """
    today = now.astimezone(zone(settings.timezone)).date()
    found = db.session.execute(
        select(
            Brief.id,
            Brief.title,
            Brief.launch_date,
            Brief.required_count,
            Brief.missing_count,
            Brief.move_side,
            Brief.move_since,
            Brief.last_client_at,
            Brief.info_due,
            Client.name,
        )
        .join(Client, Brief.client_id == Client.id)
        .where(Brief.status.in_(("sent", "submitted")))
        .order_by(Brief.id)
    )
    return [
        DigestLine(
            DigestRow(
                title=b.title,
                client=b.name,
                answered=b.required_count - b.missing_count,
                required=b.required_count,
                missing=b.missing_count,
                risk=risk(b.info_due, today, b.missing_count, cal),
                info_due=b.info_due,
                launch=b.launch_date,
                url=agency_link(b.id),
                waiting_since=b.move_since if b.move_side == CLIENT else None,
            ),
            b.last_client_at,
        )
        for b in found
    ]


def user_locale(user: User, settings: AgencySettings) -> str:
    """Return the language a teammate reads mail in."""
    return user.locale or settings.default_locale or "en"


def digest_open(settings: AgencySettings, cal: WorkCalendar, now: datetime) -> bool:
    """Tell whether the daily digest may go out at `now` (a working day, the window open)."""
    local = now.astimezone(zone(settings.timezone))
    if not settings.daily_digest or not cal.is_working_day(local.date()):
        return False
    return local.hour >= settings.window_start_hour


def agency_digests(
    lines: list[DigestLine], *, settings: AgencySettings, cal: WorkCalendar, now: datetime
) -> list[Draft]:
    """Draft the daily digest for each teammate, once a working day after the window opens."""
    local = now.astimezone(zone(settings.timezone))
    if not digest_open(settings, cal, now) or not lines:
        return []
    rows = [line.row for line in lines]
    late = [r for r in rows if r.risk == LATE]
    at_risk = [r for r in rows if r.risk == AT_RISK]
    stuck = [
        r
        for r in rows
        if r.waiting_since and now - r.waiting_since >= STUCK_AFTER and r.risk != LATE
    ]
    since = news_since(local, cal, settings.window_start_hour)
    arrived = [line.row for line in lines if is_news(line.last_client_at, since)]
    if not (late or at_risk or stuck or arrived):
        return []
    drafts = []
    # The team keeps a copy of the log's head each day: verify-log --head checks against it.
    log = chain_head()
    for user in db.session.scalars(select(User).where(User.active).order_by(User.id)):
        locale = user_locale(user, settings)
        with force_locale(locale):
            subject = _(
                "Briefs today: %(late)s late, %(risk)s at risk, %(stuck)s waiting long, "
                "%(arrived)s with news",
                late=len(late),
                risk=len(at_risk),
                stuck=len(stuck),
                arrived=len(arrived),
            )
        rendered = render_mail(
            "agency_digest",
            subject,
            {
                "late": late,
                "at_risk": at_risk,
                "stuck": stuck,
                "arrived": arrived,
                "agency": settings.name,
                "now": now,
                "log": log,
            },
            locale=locale,
            timezone=settings.timezone,
        )
        drafts.append(
            Draft(
                kind="agency_digest",
                dedupe_key=f"agency_digest:{user.id}:{local.date().isoformat()}",
                to=[user.email],
                rendered=rendered,
                locale=locale,
                audience=AGENCY,
            )
        )
    return drafts


def client_digests(
    chases: list[BriefChase], *, settings: AgencySettings, cal: WorkCalendar, now: datetime
) -> list[Draft]:
    """Draft the weekly digest to decision-makers of clients who asked for one (Mondays).

    One message per decision-maker, since each line links through a link of their own.
    """
    by_client: dict[int, list[BriefChase]] = defaultdict(list)
    for chase in chases:
        by_client[chase.summary.brief.client_id].append(chase)
    drafts = []
    for client_chases in by_client.values():
        client = client_chases[0].summary.brief.client
        deciders = [c for c in client.contacts if c.role == "decision_maker"]
        if not client.weekly_digest or not deciders:
            continue
        local = now.astimezone(zone(client.timezone))
        if local.weekday() != 0 or local.hour < settings.window_start_hour:
            continue
        locale = client_chases[0].summary.brief.locale
        year, week, _day = local.isocalendar()
        with force_locale(locale):
            subject = _("Weekly status of your briefs with %(agency)s", agency=settings.name)
        briefs = [c.summary.brief for c in client_chases]
        links = recipient_links(briefs, now=now, secret_key=current_app.config["SECRET_KEY"])
        for decider in deciders:
            rows = [
                digest_row(chase, client_url=_link_for(chase.summary.brief, decider, links))
                for chase in client_chases
            ]
            rendered = render_mail(
                "client_digest",
                subject,
                {"rows": rows, "client": client.name, "agency": settings.name},
                locale=locale,
                timezone=client.timezone,
            )
            drafts.append(
                Draft(
                    kind="client_digest",
                    dedupe_key=f"client_digest:{client.id}:{year}-W{week:02d}:c{decider.id}",
                    to=[decider.email],
                    rendered=rendered,
                    locale=locale,
                    client_id=client.id,
                )
            )
    return drafts


def _link_for(brief: Brief, contact: Contact, links: dict[tuple[int, int], RecipientLink]) -> str:
    """Return a decision-maker's link to the brief: their own, else its read-only status page.

    One who is not a recipient gets the status page rather than the shared form link, which
    would credit what they do to the recipients.
    """
    own = links.get((brief.id, contact.id))
    if own is not None:
        return client_link(own.token_sealed) or ""
    sealed = status_token_sealed(brief, current_app.config["SECRET_KEY"])
    return status_link(sealed) or ""

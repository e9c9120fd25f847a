"""Batched e-mail about new comments: the other side is told once per quiet spell.

A run gathers every comment nobody was told about yet and, per brief and per side, mails
each person once, but only once the latest of them is QUIET old, so a burst of comments
becomes one message. Agency comments go to each of the brief's recipients (a message each,
with their own link to the whole brief) and to each colleague holding a commented field
(their hand-over link, their fields only); client comments go to the agency user who
created the brief, else to the agency's owners.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from briefs.accounts import agency_settings
from briefs.chase_status import active_handovers
from briefs.extensions import db
from briefs.handovers import link_of
from briefs.links import agency_link
from briefs.mail.chasing import brief_owners, own_links
from briefs.mail.content import render_mail
from briefs.mail.outbox import Draft
from briefs.models import Brief, BriefSection, Comment, Handover
from briefs.overview import brief_fields
from briefs.rules.whose_move import AGENCY, CLIENT

#: A batch waits until its latest comment is this old, so a burst becomes one e-mail.
QUIET = timedelta(minutes=5)
#: Comments one e-mail quotes; the rest are counted, to be read on the page. A link holder
#: can comment for hours without a pause, and a mail quoting all of it would be too large
#: to render, store or deliver.
MAX_LISTED = 50


@dataclass(frozen=True)
class Thread:
    """New comments on one field, as an e-mail lists them."""

    label: str
    comments: list[Comment]


def comment_drafts(now: datetime) -> list[Draft]:
    """Draft the comment e-mails due at `now` and mark their comments as told."""
    pending = list(
        db.session.scalars(
            select(Comment).where(Comment.notified_at.is_(None)).order_by(Comment.id)
        )
    )
    groups: dict[tuple[int, str], list[Comment]] = defaultdict(list)
    for comment in pending:
        groups[(comment.brief_id, comment.side)].append(comment)
    due = {key: items for key, items in groups.items() if items[-1].created_at <= now - QUIET}
    if not due:
        return []
    briefs = _briefs({brief_id for brief_id, _side in due})
    handovers = active_handovers(list(briefs))
    drafts: list[Draft] = []
    for (brief_id, side), comments in due.items():
        brief = briefs[brief_id]
        if side == AGENCY:
            drafts += _to_client(brief, comments, handovers.get(brief_id, []), now)
        elif side == CLIENT:
            drafts += _to_agency(brief, comments)
        for comment in comments:
            comment.notified_at = now
    return drafts


def _briefs(ids: set[int]) -> dict[int, Brief]:
    rows = db.session.scalars(
        select(Brief)
        .where(Brief.id.in_(ids))
        .options(
            selectinload(Brief.client),
            selectinload(Brief.recipients),
            selectinload(Brief.sections).selectinload(BriefSection.fields),
        )
    )
    return {brief.id: brief for brief in rows}


def _threads(brief: Brief, comments: list[Comment], keys: set[str] | None = None) -> list[Thread]:
    """Group comments by field in brief order, keeping only fields in `keys` if given."""
    by_field: dict[int, list[Comment]] = defaultdict(list)
    for comment in comments:
        by_field[comment.field_id].append(comment)
    fields = brief_fields(brief)
    return [
        Thread(f.label, by_field[f.id])
        for f in fields
        if f.id in by_field and (keys is None or f.key in keys)
    ]


def _listed(threads: list[Thread]) -> tuple[list[Thread], int]:
    """Return the threads cut to their first MAX_LISTED comments, and how many were cut."""
    listed: list[Thread] = []
    room = MAX_LISTED
    for thread in threads:
        if room > 0:
            listed.append(Thread(thread.label, thread.comments[:room]))
        room -= len(thread.comments)
    return listed, max(0, -room)


def _to_client(
    brief: Brief, comments: list[Comment], handovers: list[Handover], now: datetime
) -> list[Draft]:
    if brief.is_closed:
        return []  # the links open nothing; the agency sees the comments on its page
    last = comments[-1].id
    drafts = []
    threads = _threads(brief, comments)
    # One message per recipient, each with their own link, so what they do is theirs.
    for contact, link in own_links(brief, now):
        if link:
            drafts.append(
                _draft(
                    brief,
                    threads,
                    link,
                    [contact.email],
                    brief.locale,
                    CLIENT,
                    f"comment_digest:{brief.id}:client:{last}:c{contact.id}",
                )
            )
    for handover in handovers:
        threads = _threads(brief, comments, set(handover.field_keys))
        link = link_of(handover)
        if threads and link:
            drafts.append(
                _draft(
                    brief,
                    threads,
                    link,
                    [handover.email],
                    brief.locale,
                    CLIENT,
                    f"comment_digest:{brief.id}:client:{last}:h{handover.id}",
                )
            )
    return drafts


def _to_agency(brief: Brief, comments: list[Comment]) -> list[Draft]:
    users = brief_owners(brief)
    if not users:
        return []
    locale = users[0].locale or agency_settings().default_locale
    link = agency_link(brief.id)
    return [
        _draft(
            brief,
            _threads(brief, comments),
            link,
            [u.email for u in users],
            locale,
            AGENCY,
            f"comment_digest:{brief.id}:agency:{comments[-1].id}",
        )
    ]


def _draft(
    brief: Brief,
    threads: list[Thread],
    link: str,
    to: list[str],
    locale: str,
    audience: str,
    key: str,
) -> Draft:
    agency = agency_settings()
    count = sum(len(t.comments) for t in threads)
    threads, more = _listed(threads)
    with force_locale(locale):
        subject = _("New comments on “%(title)s”", title=brief.title)
    context = {
        "brief": brief,
        "threads": threads,
        "more": more,
        "link": link,
        "audience": audience,
        "agency": agency.name,
    }
    timezone = brief.client.timezone if audience == CLIENT else agency.timezone
    rendered = render_mail("comment_digest", subject, context, locale=locale, timezone=timezone)
    return Draft(
        kind="comment_digest",
        dedupe_key=key,
        to=to,
        rendered=rendered,
        locale=locale,
        brief=brief,
        data={"comments": count},
        audience=audience,
    )

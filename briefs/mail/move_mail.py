"""Mail that hands the move to the other side at once, within one `send-due` run.

When the agency sends answers back, each of the brief's recipients is told which questions
and why, with a link of their own straight to each; when the client submits, the brief's
owners are told. Neither waits for a reminder or the next morning's digest. Both are
idempotent: a message names what it told (review ids, the submission's moment) and nothing
is told twice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from briefs.chase_status import BriefChase
from briefs.extensions import db
from briefs.links import agency_link
from briefs.mail.chasing import brief_owners, facts_for, own_links
from briefs.mail.comment_mail import QUIET
from briefs.mail.content import MissingItem, render_brief_mail, render_mail
from briefs.mail.outbox import Draft
from briefs.models import AgencySettings, BriefField, Message, Review, User
from briefs.rules.completeness import is_sent_back

CHANGES_REQUESTED = "changes_requested"
SUBMITTED = "submitted"

#: A submission older than this when a run first sees it is left to the daily digest, so
#: an upgrade (or a cron that stopped for days) does not mail about old news.
SUBMISSION_NEWS = timedelta(days=1)


def move_drafts(chases: list[BriefChase], settings: AgencySettings, now: datetime) -> list[Draft]:
    """Draft the mail due at `now` about answers sent back and briefs submitted."""
    if not chases:
        return []
    told = _told([c.summary.brief.id for c in chases])
    drafts = changes_requested_drafts(chases, settings, now, told)
    drafts += submitted_drafts(chases, settings, now, told)
    return drafts


def _told(brief_ids: list[int]) -> dict[str, set]:
    """Return what earlier runs told: review ids sent back, and submission dedupe keys."""
    told: dict[str, set] = {"reviews": set(), "keys": set()}
    rows = db.session.execute(
        select(Message.kind, Message.dedupe_key, Message.data).where(
            Message.brief_id.in_(brief_ids), Message.kind.in_((CHANGES_REQUESTED, SUBMITTED))
        )
    )
    for kind, key, data in rows:
        if kind == CHANGES_REQUESTED:
            told["reviews"].update((data or {}).get("reviews") or ())
        told["keys"].add(key)
    return told


def _latest_reviews(fields: list[BriefField]) -> dict[int, int]:
    """Return the id of each field's latest review, by field id (one query)."""
    if not fields:
        return {}
    rows = db.session.execute(
        select(Review.field_id, func.max(Review.id))
        .where(Review.field_id.in_([f.id for f in fields]))
        .group_by(Review.field_id)
    )
    return {field_id: review_id for field_id, review_id in rows}


def changes_requested_drafts(
    chases: list[BriefChase], settings: AgencySettings, now: datetime, told: dict[str, set]
) -> list[Draft]:
    """Tell each of a brief's recipients, in one mail each, which answers were sent back.

    A question counts while it is still sent back at `now`: one the client answered or the
    agency accepted before the run is not mailed. The mail waits until the agency's latest
    sending back is QUIET old, so reviewing several answers in a row makes one mail.
    """
    sent_back = {
        chase.summary.brief.id: [f for f in chase.summary.fields if is_sent_back(f)]
        for chase in chases
        if chase.summary.brief.recipients
    }
    reviews = _latest_reviews([f for fields in sent_back.values() for f in fields])
    drafts = []
    for chase in chases:
        brief = chase.summary.brief
        fresh = [
            f
            for f in sent_back.get(brief.id, [])
            if f.id in reviews and reviews[f.id] not in told["reviews"]
        ]
        if not fresh or max(f.reviewed_at for f in fresh) > now - QUIET:
            continue
        facts = facts_for(chase, settings)
        review_ids = sorted(reviews[f.id] for f in fresh)
        # One message per recipient, each linking through their own link.
        for contact, link in own_links(brief, now):
            if not link:
                continue
            items = [MissingItem(f.label, f.review_comment, f"{link}#field-{f.id}") for f in fresh]
            drafts.append(
                Draft(
                    kind=CHANGES_REQUESTED,
                    dedupe_key=f"{CHANGES_REQUESTED}:{brief.id}:{review_ids[-1]}:c{contact.id}",
                    to=[contact.email],
                    rendered=render_brief_mail(
                        CHANGES_REQUESTED,
                        replace(facts, link=link, missing=items),
                        locale=brief.locale,
                        timezone=brief.client.timezone,
                    ),
                    locale=brief.locale,
                    brief=brief,
                    # ball_in_court starts the client's wait on these keys when the first of
                    # these is delivered.
                    data={"reviews": review_ids, "missing": [f.key for f in fresh]},
                )
            )
    return drafts


def submitted_drafts(
    chases: list[BriefChase], settings: AgencySettings, now: datetime, told: dict[str, set]
) -> list[Draft]:
    """Tell the brief's owners that the client submitted, once per submission.

    Only while the brief is still submitted: if the agency already sent answers back, it
    has seen the submission and needs no mail about it.
    """
    drafts = []
    for chase in chases:
        brief = chase.summary.brief
        if brief.status != "submitted" or brief.submitted_at is None:
            continue
        if brief.submitted_at < now - SUBMISSION_NEWS:
            continue
        for user in brief_owners(brief):
            key = f"{SUBMITTED}:{brief.id}:{brief.submitted_at.isoformat()}:{user.id}"
            if key in told["keys"]:
                continue
            drafts.append(_submitted(chase, user, settings, key))
    return drafts


def _submitted(chase: BriefChase, user: User, settings: AgencySettings, key: str) -> Draft:
    summary, brief = chase.summary, chase.summary.brief
    locale = user.locale or settings.default_locale or "en"
    with force_locale(locale):
        subject = _(
            "Answers submitted: “%(title)s” for %(client)s",
            title=brief.title,
            client=brief.client.name,
        )
    context = {
        "brief": brief,
        "client": brief.client.name,
        "answered": summary.progress.answered,
        "required": summary.progress.required,
        "missing": [f.label for f in summary.missing_fields],
        "unreviewed": summary.unreviewed,
        "submitted_at": brief.submitted_at,
        "link": agency_link(brief.id),
        "agency": settings.name,
    }
    rendered = render_mail(SUBMITTED, subject, context, locale=locale, timezone=settings.timezone)
    return Draft(
        kind=SUBMITTED,
        dedupe_key=key,
        to=[user.email],
        rendered=rendered,
        locale=locale,
        brief=brief,
        data={"submitted_at": brief.submitted_at.isoformat()},
    )

"""Mail that hands the move to the other side at once, within one `send-due` run.

When the agency sends answers back, each of the brief's recipients is told which questions
and why, with a link of their own straight to each; when the client submits, the brief's
owners are told. Neither waits for a reminder or the next morning's digest. Both are
idempotent: a message names what it told (review ids, the submission's moment) and nothing
is told twice.

One mail per person per run: a contact whose answers were sent back on several briefs,
or a teammate whose several briefs were submitted, gets one mail listing each brief. Such
a mail belongs to none of them (Message.brief_id is empty): like the batched reminders
(mail/batching.py) it lists them under data["about"], each with the facts its brief's
record gets (the reviews told, the questions named, the per-brief keys). A mail about a
single brief stays exactly the mail it was.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from briefs.chase_status import BriefChase
from briefs.extensions import db
from briefs.links import agency_link
from briefs.mail.chasing import brief_owners, facts_for, own_links
from briefs.mail.comment_mail import QUIET
from briefs.mail.content import BriefFacts, MissingItem, render_brief_mail, render_mail
from briefs.mail.digests import user_locale
from briefs.mail.outbox import Draft
from briefs.models import AgencySettings, Brief, BriefField, Event, Message, Review, User
from briefs.rules.completeness import is_sent_back
from briefs.rules.whose_move import AGENCY

CHANGES_REQUESTED = "changes_requested"
SUBMITTED = "submitted"

#: A submission older than this when a run first sees it is left to the daily digest, so
#: an upgrade (or a cron that stopped for days) does not mail about old news.
SUBMISSION_NEWS = timedelta(days=1)
#: A brief submitted again less than this after a submission its owner was told about
#: waits until this has passed, then its latest submission is told: a link holder
#: pressing Submit over and over is one mail an hour, not one every run.
REPEAT_GAP = timedelta(hours=1)


#: The opening of a mail listing answers sent back on several briefs.
BATCH_INTRO = _l(
    "Hello! Thank you for your answers. %(agency)s has read them and asks you to add a "
    "little to the questions below, brief by brief: each comes with a note on what is needed."
)


def move_drafts(chases: list[BriefChase], settings: AgencySettings, now: datetime) -> list[Draft]:
    """Draft the mail due at `now` about answers sent back and briefs submitted."""
    if not chases:
        return []
    told = _told([c.summary.brief.id for c in chases])
    drafts = changes_requested_drafts(chases, settings, now, told)
    drafts += submitted_drafts(chases, settings, now, told)
    return drafts


def _told(brief_ids: list[int]) -> dict[str, set]:
    """Return what earlier runs told: review ids sent back, and submission keys (two queries).

    A mail about one brief names it in its row; one about several is read from the
    record of each brief it listed.
    """
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
    for data in db.session.scalars(
        select(Event.data).where(Event.brief_id.in_(brief_ids), Event.kind == "message_queued")
    ):
        data = data or {}
        if data.get("message_kind") == CHANGES_REQUESTED:
            told["reviews"].update(data.get("reviews") or ())
        if data.get("message_kind") in (CHANGES_REQUESTED, SUBMITTED):
            told["keys"].update(data.get("keys") or ())
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


@dataclass(frozen=True)
class _Told:
    """One brief's sent-back questions for one recipient: the mail about it alone."""

    brief: Brief
    draft: Draft
    facts: BriefFacts


def changes_requested_drafts(
    chases: list[BriefChase], settings: AgencySettings, now: datetime, told: dict[str, set]
) -> list[Draft]:
    """Tell each recipient, in one mail across briefs, which answers were sent back.

    A question counts while it is still sent back at `now`: one the client answered or the
    agency accepted before the run is not mailed. A brief waits until the agency's latest
    sending back on it is QUIET old, so reviewing several answers in a row makes one mail.
    """
    sent_back = {
        chase.summary.brief.id: [f for f in chase.summary.fields if is_sent_back(f)]
        for chase in chases
        if chase.summary.brief.recipients
    }
    reviews = _latest_reviews([f for fields in sent_back.values() for f in fields])
    by_person: dict[tuple[str, str], list[_Told]] = defaultdict(list)
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
            own = replace(facts, link=link, missing=items)
            draft = Draft(
                kind=CHANGES_REQUESTED,
                dedupe_key=f"{CHANGES_REQUESTED}:{brief.id}:{review_ids[-1]}:c{contact.id}",
                to=[contact.email],
                rendered=render_brief_mail(
                    CHANGES_REQUESTED, own, locale=brief.locale, timezone=brief.client.timezone
                ),
                locale=brief.locale,
                brief=brief,
                # ball_in_court starts the client's wait on these keys when the first of
                # these is delivered.
                data={"reviews": review_ids, "missing": [f.key for f in fresh]},
            )
            by_person[(contact.email.lower(), brief.locale)].append(_Told(brief, draft, own))
    return [
        group[0].draft if len(group) == 1 else _changes_batch(group, settings)
        for group in by_person.values()
    ]


def _changes_batch(group: list[_Told], settings: AgencySettings) -> Draft:
    """Word one mail listing the answers sent back on several briefs to one person."""
    first = group[0].draft
    with force_locale(first.locale):
        subject = ngettext(
            "A few answers to add to in %(num)d brief",
            "A few answers to add to in %(num)d briefs",
            len(group),
        )
        intro = str(BATCH_INTRO) % {"agency": settings.name}
    rendered = render_mail(
        f"{CHANGES_REQUESTED}_batch",
        subject,
        {"items": [told.facts for told in group], "intro": intro, "agency": settings.name},
        locale=first.locale,
        timezone=group[0].brief.client.timezone,
    )
    return Draft(
        kind=CHANGES_REQUESTED,
        dedupe_key=_batch_key(CHANGES_REQUESTED, [t.draft.dedupe_key for t in group]),
        to=list(first.to),
        rendered=rendered,
        locale=first.locale,
        client_id=group[0].brief.client_id,
        about=tuple(
            (t.brief, {**(t.draft.data or {}), "keys": [t.draft.dedupe_key]}) for t in group
        ),
    )


def _batch_key(kind: str, keys: list[str]) -> str:
    """Name a mail by the per-brief keys it covers: the same briefs make the same key."""
    digest = hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:24]
    return f"{kind}:batch:{digest}"


def submitted_drafts(
    chases: list[BriefChase], settings: AgencySettings, now: datetime, told: dict[str, set]
) -> list[Draft]:
    """Tell each owner, in one mail across briefs, which briefs were submitted, once each.

    Only while the brief is still submitted: if the agency already sent answers back, it
    has seen the submission and needs no mail about it.
    """
    by_user: dict[int, tuple[User, list[tuple[BriefChase, str]]]] = {}
    last_told = _submissions_told(told["keys"])
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
            previous = last_told.get((brief.id, user.id))
            if previous is not None and now < previous + REPEAT_GAP:
                continue
            by_user.setdefault(user.id, (user, []))[1].append((chase, key))
    drafts = []
    for user, items in by_user.values():
        if len(items) == 1:
            [(chase, key)] = items
            drafts.append(_submitted(chase, user, settings, key))
        else:
            drafts.append(_submitted_batch(items, user, settings))
    return drafts


def _submissions_told(keys: set[str]) -> dict[tuple[int, int], datetime]:
    """Return the latest submission told, by (brief id, user id), read from the keys told."""
    latest: dict[tuple[int, int], datetime] = {}
    for key in keys:
        kind, _sep, rest = key.partition(":")
        if kind != SUBMITTED:
            continue
        brief_id, _sep, rest = rest.partition(":")
        moment, _sep, user_id = rest.rpartition(":")
        if not (brief_id.isdigit() and user_id.isdigit()):
            continue  # a batch's own key: its briefs' keys are read from their records
        at = datetime.fromisoformat(moment)
        mark = (int(brief_id), int(user_id))
        latest[mark] = max(latest.get(mark, at), at)
    return latest


def _submitted_context(chase: BriefChase) -> dict:
    """What a notice says about one submitted brief."""
    summary, brief = chase.summary, chase.summary.brief
    return {
        "brief": brief,
        "client": brief.client.name,
        "answered": summary.progress.answered,
        "required": summary.progress.required,
        "missing": [f.label for f in summary.missing_fields],
        "unreviewed": summary.unreviewed,
        "submitted_at": brief.submitted_at,
        "link": agency_link(brief.id),
    }


def _submitted(chase: BriefChase, user: User, settings: AgencySettings, key: str) -> Draft:
    brief = chase.summary.brief
    locale = user_locale(user, settings)
    with force_locale(locale):
        subject = _(
            "Answers submitted: “%(title)s” for %(client)s",
            title=brief.title,
            client=brief.client.name,
        )
    context = {**_submitted_context(chase), "agency": settings.name}
    rendered = render_mail(SUBMITTED, subject, context, locale=locale, timezone=settings.timezone)
    return Draft(
        kind=SUBMITTED,
        dedupe_key=key,
        to=[user.email],
        rendered=rendered,
        locale=locale,
        brief=brief,
        data={"submitted_at": brief.submitted_at.isoformat()},
        audience=AGENCY,
    )


def _submitted_batch(
    items: list[tuple[BriefChase, str]], user: User, settings: AgencySettings
) -> Draft:
    """Word one notice listing every brief submitted to one teammate since the last run."""
    locale = user_locale(user, settings)
    with force_locale(locale):
        subject = ngettext(
            "Answers submitted on %(num)d brief", "Answers submitted on %(num)d briefs", len(items)
        )
    entries = [_submitted_context(chase) for chase, _key in items]
    rendered = render_mail(
        f"{SUBMITTED}_batch",
        subject,
        {"entries": entries, "agency": settings.name},
        locale=locale,
        timezone=settings.timezone,
    )
    return Draft(
        kind=SUBMITTED,
        dedupe_key=_batch_key(SUBMITTED, [key for _chase, key in items]),
        to=[user.email],
        rendered=rendered,
        locale=locale,
        about=tuple(
            (
                chase.summary.brief,
                {"submitted_at": chase.summary.brief.submitted_at.isoformat(), "keys": [key]},
            )
            for chase, key in items
        ),
        audience=AGENCY,
    )

"""One mail per contact per run: a contact's invitations, or reminders, about several
briefs go out as one mail listing each brief with that contact's own link.

A mail about one brief stays exactly the mail it was. A mail about several belongs to
none of them (Message.brief_id is empty): it lists them under data["about"], each with
the facts its brief's record gets, including the per-brief dedupe keys it covered, so
every brief's reminder still counts, and is still sent once, on its own.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import replace
from datetime import datetime

from flask_babel import force_locale, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from briefs.accounts import agency_settings
from briefs.chase_status import assess
from briefs.extensions import db
from briefs.mail.chasing import facts_for, open_briefs, own_links
from briefs.mail.content import BriefFacts, render_mail
from briefs.mail.outbox import Draft, queue, record_message, told_keys
from briefs.models import Message
from briefs.models.outbox import QUEUED

#: The status of a queued invitation that went out inside a mail about several briefs.
BATCHED = "cancelled"

#: The opening of a mail about several briefs, per kind.
BATCH_INTRO = {
    "invitation": _l(
        "Hello! %(agency)s is preparing several briefs and needs a few facts that only you "
        "have. Each brief below has its own form; every form saves answers as you type, so "
        "you can fill it in over several visits, pass a question to a colleague, or mark one "
        "that does not apply."
    ),
    "reminder": _l(
        "Hello! A short reminder about several briefs %(agency)s is preparing: here is what "
        "is still needed for each of them to start the work."
    ),
}


def _subject(kind: str, count: int, agency: str) -> str:
    """Say how many briefs the mail is about, and from whom, in the current language."""
    if kind == "invitation":
        return ngettext(
            "Questions for %(num)d brief from %(agency)s",
            "Questions for %(num)d briefs from %(agency)s",
            count,
            agency=agency,
        )
    return ngettext(
        "Reminder: answers for %(num)d brief from %(agency)s",
        "Reminder: answers for %(num)d briefs from %(agency)s",
        count,
        agency=agency,
    )


def _contact_key(draft: Draft) -> tuple[str, str] | None:
    """Return whom and in which language a draft goes, if it may share a mail."""
    if draft.brief is None or draft.cc or len(draft.to) != 1 or draft.facts is None:
        return None
    return draft.to[0].lower(), draft.locale


def batch_reminders(drafts: list[Draft]) -> list[Draft]:
    """Put each contact's reminders about several briefs into one mail (one query).

    A reminder a colleague gets for a hand-over, with the contacts in copy, stays apart.
    """
    reminders = [d for d in drafts if d.kind == "reminder" and _contact_key(d) is not None]
    told = told_keys([d.brief.id for d in reminders], "reminder")
    groups: dict[tuple[str, str], list[Draft]] = defaultdict(list)
    for draft in reminders:
        if draft.dedupe_key not in told:
            groups[_contact_key(draft)].append(draft)
    # Each contact's mail takes the place of their first reminder; the others go.
    first = {id(group[0]): group for group in groups.values()}
    grouped = {id(d) for d in reminders}
    kept = []
    for draft in drafts:
        if id(draft) in first:
            group = first[id(draft)]
            kept.append(draft if len(group) == 1 else batched("reminder", group))
        elif id(draft) not in grouped:
            kept.append(draft)
    return kept


def batched(kind: str, drafts: list[Draft]) -> Draft:
    """Word one mail listing the briefs of several drafts to the same contact."""
    first = drafts[0]
    agency = first.facts.agency
    items: list[BriefFacts] = [d.facts for d in drafts]
    with force_locale(first.locale):
        subject = _subject(kind, len(drafts), agency)
        intro = str(BATCH_INTRO[kind]) % {"agency": agency}
    rendered = render_mail(
        f"{kind}_batch",
        subject,
        {"items": items, "intro": intro, "agency": agency},
        locale=first.locale,
        timezone=first.brief.client.timezone,
    )
    keys = sorted(d.dedupe_key for d in drafts)
    digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:24]
    return Draft(
        kind=kind,
        dedupe_key=f"{kind}:batch:{digest}",
        to=list(first.to),
        rendered=rendered,
        locale=first.locale,
        client_id=first.brief.client_id,
        about=tuple((d.brief, {**(d.data or {}), "keys": [d.dedupe_key]}) for d in drafts),
        audience=first.audience,
    )


def invitation_groups(messages: list[Message]) -> dict[tuple[str, str], list[Message]]:
    """Group the waiting invitations a run folds: those to one address, in one language.

    Only groups of more than one are returned; an invitation with copies stays apart.
    """
    groups: dict[tuple[str, str], list[Message]] = defaultdict(list)
    for message in messages:
        if (
            message.kind == "invitation"
            and message.status == QUEUED
            and message.attempts == 0
            and message.brief_id is not None
            and len(message.to_addrs) == 1
            and not message.cc_addrs
        ):
            groups[(message.to_addrs[0].lower(), message.locale)].append(message)
    return {key: group for key, group in groups.items() if len(group) > 1}


def batch_subject(kind: str, count: int, agency: str, locale: str) -> str:
    """Return the subject of a mail of a kind about several briefs, in a language."""
    with force_locale(locale):
        return _subject(kind, count, agency)


def fold_invitations(now: datetime) -> list[Message]:
    """Put the invitations waiting for the same contact into one mail; return the new mails.

    Invitations are queued when the agency sends a brief; a run folds those that never
    left yet, so a contact who gets three briefs the same day gets one mail. Each folded
    invitation is marked done with a line on its brief's record naming the mail it went in.
    """
    waiting = db.session.scalars(
        select(Message)
        .where(
            Message.status == QUEUED,
            Message.kind == "invitation",
            Message.attempts == 0,
            Message.brief_id.is_not(None),
        )
        .order_by(Message.id)
    ).all()
    groups = invitation_groups(waiting)
    if not groups:
        return []
    settings = agency_settings()
    briefs = {b.id: b for b in open_briefs([m.brief_id for g in groups.values() for m in g])}
    chases, _cal = assess(list(briefs.values()), settings, now)
    facts = {chase.summary.brief.id: facts_for(chase, settings) for chase in chases}
    made = []
    for (address, locale), group in groups.items():
        drafts = []
        for message in group:
            brief = briefs.get(message.brief_id)
            link = (
                next(
                    (
                        link
                        for contact, link in own_links(brief, now)
                        if contact.email.lower() == address
                    ),
                    None,
                )
                if brief is not None
                else None
            )
            if link is None:
                continue
            drafts.append(
                Draft(
                    kind="invitation",
                    dedupe_key=message.dedupe_key,
                    to=list(message.to_addrs),
                    rendered=None,
                    locale=locale,
                    brief=brief,
                    data={**(message.data or {}), "batched": message.id},
                    facts=replace(facts[brief.id], link=link),
                )
            )
        if len(drafts) > 1:
            made += _fold(drafts, group, now)
    return made


def _fold(drafts: list[Draft], group: list[Message], now: datetime) -> list[Message]:
    """Queue the one mail and mark the invitations it carries, all or nothing."""
    ids = [d.data["batched"] for d in drafts]
    # Only invitations still waiting are folded: another run may have claimed one.
    claimed = db.session.execute(
        update(Message)
        .where(Message.id.in_(ids), Message.status == QUEUED, Message.attempts == 0)
        .values(status=BATCHED, claimed_by="")
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != len(ids):
        db.session.rollback()
        return []
    message = queue(batched("invitation", drafts), now)
    if message is None:
        db.session.rollback()
        return []
    for draft, old in zip(drafts, (m for m in group if m.id in ids), strict=True):
        db.session.refresh(old)
        record_message(
            draft.brief, "message_cancelled", old, now, to=old.to_addrs, batched_into=message.id
        )
    db.session.commit()
    return [message]

"""What `send-due` drafts for a brief: the invitation, reminders, escalations.

Where each brief stands is judged in briefs.chase_status; this module turns what is due
into drafts for the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from briefs.chase_policy import policy_for, zone
from briefs.chase_status import BriefChase, assess
from briefs.extensions import db
from briefs.links import client_link, status_link
from briefs.mail.content import BriefFacts, MissingItem, Wordings, load_wordings, render_brief_mail
from briefs.mail.outbox import Draft
from briefs.models import AgencySettings, Brief, BriefField, Client, Contact, RecipientLink, User
from briefs.recipient_links import recipient_links, status_token_sealed
from briefs.rules.deadlines import AT_RISK, LATE
from briefs.rules.reminders import (
    escalation_due,
    late_escalation_due,
    limit_reached,
    reminder_due,
)
from briefs.rules.working_days import WorkCalendar


def open_briefs(brief_ids: list[int] | None = None) -> list[Brief]:
    """Load the briefs chasing is about, with their client, contacts and recipients."""
    query = (
        select(Brief)
        .where(Brief.status.in_(("sent", "submitted")))
        .options(
            selectinload(Brief.client).selectinload(Client.contacts),
            selectinload(Brief.recipients),
        )
        .order_by(Brief.id)
    )
    if brief_ids is not None:
        query = query.where(Brief.id.in_(brief_ids))
    return list(db.session.scalars(query))


@dataclass
class Lookups:
    """What drafting reads for each brief, read for all of a run's briefs at once."""

    #: The ids of the briefs the run judges.
    brief_ids: list[int]
    #: The agency's own wordings (mail.content.load_wordings).
    wordings: Wordings
    #: Every recipient's own link, by (brief id, contact id): read when first needed.
    links: dict[tuple[int, int], RecipientLink] | None = None

    def links_of(self, brief: Brief, now: datetime) -> dict[tuple[int, int], RecipientLink]:
        """Return the links, reading every judged brief's the first time and making this
        brief's missing ones (a recipient added later, an older brief) without a query."""
        if self.links is None:
            self.links = {
                (link.brief_id, link.contact_id): link
                for link in db.session.scalars(
                    select(RecipientLink).where(RecipientLink.brief_id.in_(self.brief_ids))
                )
            }
        if any((brief.id, c.id) not in self.links for c in brief.recipients):
            secret = current_app.config["SECRET_KEY"]
            recipient_links([brief], now=now, secret_key=secret, known=self.links)
        return self.links


def lookups(briefs: list[Brief]) -> Lookups:
    """Read the wordings now and the recipients' links when first needed (two queries)."""
    return Lookups([brief.id for brief in briefs], load_wordings())


def _missing_items(fields: list[BriefField]) -> list[MissingItem]:
    """List missing fields as a mail shows them: label, and the reviewer's reason if sent back."""
    return [MissingItem(f.label, f.review_comment if f.review_verdict else "") for f in fields]


def facts_for(chase: BriefChase, settings: AgencySettings) -> BriefFacts:
    """Collect what an e-mail about the brief may say."""
    summary, brief = chase.summary, chase.summary.brief
    return BriefFacts(
        agency=settings.name,
        title=brief.title,
        client=brief.client.name,
        link=client_link(brief.token_sealed),
        questions=len(summary.fields),
        answered=summary.progress.answered,
        required=summary.progress.required,
        missing=_missing_items(summary.missing_fields),
        launch=brief.launch_date,
        info_due=chase.status.deadline.info_due,
        asked_since=brief.sent_at,
        reminders_sent=chase.status.reminders_sent,
        holders=[c.name for c in brief.recipients],
        risk=chase.status.deadline.risk,
        work_days=brief.work_days,
        status_link=status_link(status_token_sealed(brief, current_app.config["SECRET_KEY"])),
    )


def own_links(
    brief: Brief, now: datetime, known: Lookups | None = None
) -> list[tuple[Contact, str | None]]:
    """Pair each recipient with their own link, so mail to them credits what they do.

    With `known` (read for the run's briefs), nothing is read from the database.
    """
    if known is not None:
        links = known.links_of(brief, now)
    else:
        links = recipient_links([brief], now=now, secret_key=current_app.config["SECRET_KEY"])
    return [(c, client_link(links[(brief.id, c.id)].token_sealed)) for c in brief.recipients]


def _only(facts: BriefFacts, chase: BriefChase, keys: list[str]) -> BriefFacts:
    """Narrow the facts to the missing questions with these keys (one holder's share)."""
    wanted = set(keys)
    fields = [f for f in chase.summary.missing_fields if f.key in wanted]
    return replace(facts, missing=_missing_items(fields))


def brief_draft(
    kind: str,
    facts: BriefFacts,
    *,
    brief: Brief,
    key: str,
    to: list[str],
    cc: list[str],
    data,
    known: Lookups | None = None,
) -> Draft:
    """Draft a mail about the brief in its language and its client's time zone.

    It is rendered when first read (Draft.content): a reminder that goes out inside a
    mail about several briefs never is.
    """
    locale, timezone = brief.locale, brief.client.timezone
    wordings = known.wordings if known is not None else None

    def render():
        return render_brief_mail(kind, facts, locale=locale, timezone=timezone, wordings=wordings)

    return Draft(
        kind=kind,
        dedupe_key=key,
        to=to,
        cc=cc,
        rendered=None,
        render=render,
        locale=locale,
        brief=brief,
        data=data,
        facts=facts,
    )


def invitation(brief: Brief, settings: AgencySettings, now: datetime) -> list[Draft]:
    """Draft the e-mails that send each of the brief's contacts their own link."""
    [chase], _cal = assess([brief], settings, now)
    facts = facts_for(chase, settings)
    return [
        brief_draft(
            "invitation",
            replace(facts, link=link),
            brief=brief,
            key=f"invitation:{brief.id}:c{contact.id}:{now.isoformat()}",
            to=[contact.email],
            cc=[],
            data={"questions": len(chase.summary.fields)},
        )
        for contact, link in own_links(brief, now)
    ]


def decision_makers(brief: Brief) -> list[str]:
    """Return who gets the brief's status: its own decision-maker, else the client's."""
    if brief.decision_maker is not None:
        return [brief.decision_maker.email]
    return [c.email for c in brief.client.contacts if c.role == "decision_maker"]


def plan_brief(
    chase: BriefChase,
    *,
    settings: AgencySettings,
    cal: WorkCalendar,
    now: datetime,
    known: Lookups | None = None,
) -> list[Draft]:
    """Return the reminders and the escalation due for one brief at `now`."""
    brief, summary, state = chase.summary.brief, chase.summary, chase.state
    policy = policy_for(brief, settings)
    tz = zone(brief.client.timezone)
    drafts: list[Draft] = []
    recipients = [c.email for c in brief.recipients]
    quiet = state.quiet_since.isoformat() if state.quiet_since else "-"
    if (recipients or chase.handovers) and reminder_due(state, policy, tz, cal, now):
        number = len(state.reminders) + 1
        own, theirs = chase.split_missing()
        if recipients and own:
            facts = _only(facts_for(chase, settings), chase, own)
            # One message per recipient, each with their own link.
            drafts += [
                brief_draft(
                    "reminder",
                    replace(facts, link=link),
                    brief=brief,
                    key=f"reminder:{brief.id}:{quiet}:{number}:c{contact.id}",
                    to=[contact.email],
                    cc=[],
                    data={"number": number, "missing": own},
                    known=known,
                )
                for contact, link in own_links(brief, now, known)
            ]
        for handover, keys in theirs:
            facts = replace(
                _only(facts_for(chase, settings), chase, keys),
                link=client_link(handover.token_sealed),
                holders=[handover.name],
            )
            drafts.append(
                brief_draft(
                    "reminder",
                    facts,
                    brief=brief,
                    key=f"reminder:{brief.id}:{quiet}:{number}:h{handover.id}",
                    to=[handover.email],
                    cc=recipients,
                    data={"number": number, "missing": keys, "handover": handover.id},
                    known=known,
                )
            )
        after = replace(state, reminders=(*state.reminders, now))
        deciders = decision_makers(brief)
        if deciders and escalation_due(after, policy):
            drafts.append(
                brief_draft(
                    "escalation",
                    # Counting the reminder that goes out with it.
                    replace(
                        facts_for(chase, settings),
                        reminders_sent=number,
                        limit_reached=number >= policy.max_count,
                    ),
                    brief=brief,
                    key=f"escalation:{brief.id}:{quiet}:{after.escalations + 1}",
                    to=deciders,
                    cc=recipients,
                    data={"reminders": number, "missing": list(summary.missing_keys)},
                    known=known,
                )
            )
    return drafts


def risk_changes(
    chase: BriefChase,
    settings: AgencySettings,
    cal: WorkCalendar,
    now: datetime,
    known: Lookups | None = None,
) -> tuple[str | None, list[Draft]]:
    """Return the risk level to remember and the escalation due once a brief is late.

    The decision-maker hears once per info due date, in the client's sending window; a
    pending promise holds it back.
    """
    brief = chase.summary.brief
    risk = chase.status.deadline.risk
    drafts: list[Draft] = []
    if risk not in (AT_RISK, LATE):
        return None, drafts
    key = f"escalation:late:{brief.id}:{chase.status.deadline.info_due}"
    if risk == LATE and key not in chase.told_keys:
        policy = policy_for(brief, settings)
        deciders = decision_makers(brief)
        tz = zone(brief.client.timezone)
        if deciders and late_escalation_due(chase.state, policy, tz, cal, now):
            drafts.append(
                brief_draft(
                    "escalation",
                    replace(
                        facts_for(chase, settings),
                        limit_reached=limit_reached(chase.state, policy),
                    ),
                    brief=brief,
                    key=key,
                    to=deciders,
                    cc=[c.email for c in brief.recipients],
                    data={"late": True, "missing": list(chase.summary.missing_keys)},
                    known=known,
                )
            )
    return risk, drafts


def brief_owners(brief: Brief) -> list[User]:
    """Return who at the agency hears about the brief: its creator, else the owners."""
    if brief.created_by_id:
        user = db.session.get(User, brief.created_by_id)
        if user is not None and user.active:
            return [user]
    return list(db.session.scalars(select(User).where(User.is_owner, User.active)))

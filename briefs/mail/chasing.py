"""What `send-due` decides at a moment: reminders, escalations, risk alerts to queue.

The rules themselves are pure (briefs.rules.reminders, briefs.rules.deadlines); this module
gathers the facts for every open brief in a fixed number of queries and turns due rules into drafts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from briefs.chase_policy import Deadline, calendar, deadline, policy_for, zone
from briefs.extensions import db
from briefs.links import client_link
from briefs.mail.content import BriefFacts, MissingItem, render_brief_mail
from briefs.mail.outbox import Draft
from briefs.models import AgencySettings, Brief, Client, Handover, Message, User
from briefs.overview import BriefSummary, load_summaries
from briefs.rules.deadlines import AT_RISK, LATE
from briefs.rules.reminders import ReminderState, escalation_due, next_reminder_at, reminder_due
from briefs.rules.working_days import WorkCalendar


@dataclass
class ChaseStatus:
    """What the agency sees about a brief's chasing: next reminder, to whom, risk."""

    next_reminder: datetime | None
    reminder_to: list[str]
    reminders_sent: int
    deadline: Deadline


@dataclass
class BriefChase:
    """One open brief with everything the rules need."""

    summary: BriefSummary
    state: ReminderState
    status: ChaseStatus
    #: Active hand-overs: their questions are chased with the colleague, not the contact.
    handovers: list[Handover] = field(default_factory=list)

    def split_missing(self) -> tuple[list[str], list[tuple[Handover, list[str]]]]:
        """Split the missing keys into the contacts' own and each colleague's."""
        missing = list(self.summary.missing_keys)
        theirs = []
        handed: set[str] = set()
        for handover in self.handovers:
            keys = [k for k in missing if k in handover.field_keys and k not in handed]
            handed.update(keys)
            if keys:
                theirs.append((handover, keys))
        return [k for k in missing if k not in handed], theirs


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


def _chase_messages(brief_ids: list[int]) -> dict[int, list[Message]]:
    rows = db.session.scalars(
        select(Message)
        .where(Message.brief_id.in_(brief_ids), Message.kind.in_(("reminder", "escalation")))
        .order_by(Message.created_at, Message.id)
    )
    by_brief: dict[int, list[Message]] = defaultdict(list)
    for message in rows:
        by_brief[message.brief_id].append(message)
    return by_brief


def assess(
    briefs: list[Brief], settings: AgencySettings, now: datetime
) -> tuple[list[BriefChase], WorkCalendar]:
    """Judge every given brief at `now` (fixed number of queries)."""
    return assess_summaries(load_summaries(briefs), settings, now)


def assess_summaries(
    summaries: list[BriefSummary], settings: AgencySettings, now: datetime
) -> tuple[list[BriefChase], WorkCalendar]:
    """Judge already summarised briefs at `now`: one query for their past reminders.

    The briefs' recipients should be loaded with them (selectinload) to stay N+1 free.
    """
    cal = calendar(settings, now.date())
    agency_tz = zone(settings.timezone)
    ids = [s.brief.id for s in summaries]
    messages = _chase_messages(ids) if ids else {}
    handovers = active_handovers(ids) if ids else {}
    result = []
    for summary in summaries:
        brief = summary.brief
        quiet = summary.quiet_since
        since = [m for m in messages.get(brief.id, []) if quiet is None or m.created_at > quiet]
        state = ReminderState(
            status=brief.status,
            missing=summary.missing,
            quiet_since=quiet,
            reminders=_rounds(m for m in since if m.kind == "reminder"),
            escalations=sum(1 for m in since if m.kind == "escalation" and not m.data.get("late")),
        )
        policy = policy_for(brief, settings)
        tz = zone(brief.client.timezone)
        chase = BriefChase(
            summary=summary,
            state=state,
            status=ChaseStatus(None, [], len(state.reminders), Deadline(None, None)),
            handovers=handovers.get(brief.id, []),
        )
        own, theirs = chase.split_missing()
        chase.status = ChaseStatus(
            next_reminder=next_reminder_at(state, policy, tz, cal, now),
            reminder_to=[c.email for c in brief.recipients] * bool(own)
            + [handover.email for handover, _keys in theirs],
            reminders_sent=len(state.reminders),
            deadline=deadline(brief, summary.missing, cal, now, agency_tz),
        )
        result.append(chase)
    return result, cal


def active_handovers(brief_ids: list[int]) -> dict[int, list[Handover]]:
    """Return the hand-overs not withdrawn, by brief id, oldest first (one query)."""
    rows = db.session.scalars(
        select(Handover)
        .where(Handover.brief_id.in_(brief_ids), Handover.revoked_at.is_(None))
        .order_by(Handover.id)
    )
    by_brief: dict[int, list[Handover]] = defaultdict(list)
    for handover in rows:
        by_brief[handover.brief_id].append(handover)
    return by_brief


def _rounds(reminders) -> tuple[datetime, ...]:
    """One moment per reminder round: a round may mail the contact and each colleague."""
    first: dict[object, datetime] = {}
    for message in reminders:
        first.setdefault(message.data.get("number", message.id), message.created_at)
    return tuple(sorted(first.values()))


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
        missing=[
            MissingItem(f.label, f.review_comment if f.review_verdict else "")
            for f in summary.missing_fields
        ],
        launch=brief.launch_date,
        info_due=chase.status.deadline.info_due,
        asked_since=brief.sent_at,
        reminders_sent=chase.status.reminders_sent,
        holders=[c.name for c in brief.recipients],
        risk=chase.status.deadline.risk,
    )


def _brief_draft(
    kind: str,
    chase: BriefChase,
    settings: AgencySettings,
    key: str,
    to,
    cc,
    data,
    *,
    only: list[str] | None = None,
    link: str | None = None,
    holders: list[str] | None = None,
    reminders_sent: int | None = None,
) -> Draft:
    brief = chase.summary.brief
    facts = facts_for(chase, settings)
    if only is not None:
        keys = set(only)
        facts = replace(
            facts,
            missing=[
                MissingItem(f.label, f.review_comment if f.review_verdict else "")
                for f in chase.summary.missing_fields
                if f.key in keys
            ],
        )
    if link is not None:
        facts = replace(facts, link=link)
    if holders is not None:
        facts = replace(facts, holders=holders)
    if reminders_sent is not None:
        facts = replace(facts, reminders_sent=reminders_sent)
    rendered = render_brief_mail(kind, facts, brief.locale, brief.client.timezone)
    return Draft(
        kind=kind,
        dedupe_key=key,
        to=to,
        cc=cc,
        rendered=rendered,
        locale=brief.locale,
        brief=brief,
        data=data,
    )


def invitation(brief: Brief, settings: AgencySettings, now: datetime) -> Draft:
    """Draft the e-mail that sends the brief's link to its contacts."""
    [chase], _cal = assess([brief], settings, now)
    return _brief_draft(
        "invitation",
        chase,
        settings,
        f"invitation:{brief.id}:{now.isoformat()}",
        [c.email for c in brief.recipients],
        [],
        {"questions": len(chase.summary.fields)},
    )


def _decision_makers(brief: Brief) -> list[str]:
    return [c.email for c in brief.client.contacts if c.role == "decision_maker"]


def plan_brief(chase: BriefChase, settings: AgencySettings, cal, now: datetime) -> list[Draft]:
    """Return the messages due for one brief at `now`."""
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
            drafts.append(
                _brief_draft(
                    "reminder",
                    chase,
                    settings,
                    f"reminder:{brief.id}:{quiet}:{number}",
                    recipients,
                    [],
                    {"number": number, "missing": own},
                    only=own,
                )
            )
        for handover, keys in theirs:
            drafts.append(
                _brief_draft(
                    "reminder",
                    chase,
                    settings,
                    f"reminder:{brief.id}:{quiet}:{number}:h{handover.id}",
                    [handover.email],
                    recipients,
                    {"number": number, "missing": keys, "handover": handover.id},
                    only=keys,
                    link=client_link(handover.token_sealed),
                    holders=[handover.name],
                )
            )
        after = ReminderState(
            status=state.status,
            missing=state.missing,
            quiet_since=state.quiet_since,
            reminders=(*state.reminders, now),
            escalations=state.escalations,
        )
        deciders = _decision_makers(brief)
        if deciders and escalation_due(after, policy):
            drafts.append(
                _brief_draft(
                    "escalation",
                    chase,
                    settings,
                    f"escalation:{brief.id}:{quiet}:{after.escalations + 1}",
                    deciders,
                    recipients,
                    {"reminders": number, "missing": list(summary.missing_keys)},
                    reminders_sent=number,  # counting the reminder that goes out with it
                )
            )
    return drafts


def risk_changes(
    chase: BriefChase, settings: AgencySettings, now: datetime
) -> tuple[str | None, list[Draft]]:
    """Return the risk level to remember and the escalation due when a brief turns late."""
    brief = chase.summary.brief
    risk = chase.status.deadline.risk
    drafts: list[Draft] = []
    if risk not in (AT_RISK, LATE):
        return None, drafts
    if risk == LATE and brief.risk_notified != LATE:
        policy = policy_for(brief, settings)
        deciders = _decision_makers(brief)
        if deciders and policy.escalate_after > 0 and not policy.paused:
            drafts.append(
                _brief_draft(
                    "escalation",
                    chase,
                    settings,
                    f"escalation:late:{brief.id}:{chase.status.deadline.info_due}",
                    deciders,
                    [c.email for c in brief.recipients],
                    {"late": True, "missing": list(chase.summary.missing_keys)},
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

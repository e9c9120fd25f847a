"""Where each brief stands for chasing: what is missing, who holds it, next reminder, risk.

The dashboard, the brief page and `send-due` all judge briefs here, in a fixed number of
queries; the rules themselves are pure (briefs.rules.reminders, briefs.rules.deadlines).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from briefs.chase_policy import Deadline, calendar, deadline, policy_for, zone
from briefs.extensions import db
from briefs.models import AgencySettings, Brief, Event, Handover, Message
from briefs.overview import BriefSummary, load_summaries
from briefs.rules.promises import read_promise
from briefs.rules.reminders import ReminderState, next_reminder_at
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
    #: Dedupe keys of the escalations and risk alerts already queued, to send each once.
    told_keys: frozenset[str] = frozenset()

    def split_missing(self) -> tuple[list[str], list[tuple[Handover, list[str]]]]:
        """Split the missing keys into the contacts' own and each colleague's."""
        return _split_missing(self.summary.missing_keys, self.handovers)


def _split_missing(
    missing_keys: Iterable[str], handovers: list[Handover]
) -> tuple[list[str], list[tuple[Handover, list[str]]]]:
    """Give each missing key to the first hand-over holding it, the rest to the contacts."""
    missing = list(missing_keys)
    theirs = []
    handed: set[str] = set()
    for handover in handovers:
        keys = [k for k in missing if k in handover.field_keys and k not in handed]
        handed.update(keys)
        if keys:
            theirs.append((handover, keys))
    return [k for k in missing if k not in handed], theirs


#: The messages that tell where chasing stands.
CHASE_KINDS = ("reminder", "escalation", "risk_alert")


@dataclass(frozen=True)
class _Covered:
    """A reminder about several briefs, as one of them sees it: with the facts it told it."""

    id: int
    kind: str
    created_at: datetime
    data: dict
    dedupe_key: str


def _chase_messages(
    brief_ids: list[int], since: datetime | None
) -> dict[int, list[Message | _Covered]]:
    """Return each brief's chasing mail, reminders listing several briefs too (one query).

    A reminder listing several briefs has no Message.brief_id: it lists them under
    data["about"], each with the facts it told that brief (its number, its missing
    questions). Only those queued since the earliest of the briefs was sent are read.
    """
    which = Message.brief_id.in_(brief_ids)
    if since is not None:
        which |= (
            Message.brief_id.is_(None)
            & (Message.kind == "reminder")
            & (Message.created_at >= since)
        )
    rows = db.session.scalars(
        select(Message)
        .where(which, Message.kind.in_(CHASE_KINDS))
        .order_by(Message.created_at, Message.id)
    )
    wanted = set(brief_ids)
    by_brief: dict[int, list[Message | _Covered]] = defaultdict(list)
    for message in rows:
        if message.brief_id is not None:
            by_brief[message.brief_id].append(message)
            continue
        for item in (message.data or {}).get("about") or ():
            if item.get("brief") in wanted:
                by_brief[item["brief"]].append(
                    _Covered(message.id, message.kind, message.created_at, item, message.dedupe_key)
                )
    return by_brief


def latest_promises(brief_ids: list[int]) -> dict[int, date]:
    """Return the promised day of each brief's latest promise, by brief id (one query)."""
    rows = db.session.scalars(
        select(Event)
        .where(Event.brief_id.in_(brief_ids), Event.kind == "contact_logged")
        .order_by(Event.id)
    )
    promised: dict[int, date] = {}
    for event in rows:
        promise = read_promise(event.data, event.created_at)
        if promise is not None:
            promised[event.brief_id] = promise.due
    return promised


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
    sent = [s.brief.sent_at for s in summaries if s.brief.sent_at is not None]
    messages = _chase_messages(ids, min(sent, default=None)) if ids else {}
    handovers = active_handovers(ids) if ids else {}
    promises = latest_promises(ids) if ids else {}
    result = []
    for summary in summaries:
        brief = summary.brief
        quiet = summary.quiet_since
        since = [m for m in messages.get(brief.id, []) if quiet is None or m.created_at > quiet]
        state = ReminderState(
            status=brief.status,
            # An answer sent back is chased once its mail reached the client, not before.
            missing=summary.owed,
            quiet_since=quiet,
            reminders=_rounds(m for m in since if m.kind == "reminder"),
            escalations=sum(1 for m in since if m.kind == "escalation" and not m.data.get("late")),
            promised_by=promises.get(brief.id),
            last_escalation=max(
                (m.created_at for m in since if m.kind == "escalation"), default=None
            ),
        )
        policy = policy_for(brief, settings)
        tz = zone(brief.client.timezone)
        open_handovers = handovers.get(brief.id, [])
        own, theirs = _split_missing(summary.missing_keys, open_handovers)
        status = ChaseStatus(
            next_reminder=next_reminder_at(state, policy, tz, cal, now),
            reminder_to=[c.email for c in brief.recipients] * bool(own)
            + [handover.email for handover, _keys in theirs],
            reminders_sent=len(state.reminders),
            deadline=deadline(brief, summary.missing, cal, now, agency_tz),
        )
        told = frozenset(m.dedupe_key for m in messages.get(brief.id, []) if m.kind != "reminder")
        result.append(
            BriefChase(
                summary=summary,
                state=state,
                status=status,
                handovers=open_handovers,
                told_keys=told,
            )
        )
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

"""Which open briefs a `send-due` run looks at, and when each is next worth a look.

A brief's `next_due_at` holds the earliest moment anything can be due for it as it stands:
the next reminder (and the escalation that goes with it), a change of launch risk, the
late or ran-out escalation in the client's next sending window, answers sent back once
their quiet spell is over. Empty means "look at it in the next run": every change recorded
on a brief empties it (workflow.record), and so do changes to what chasing reads beside
the brief (the agency's settings, the client and its contacts: `look_again`).

A run selects in SQL only the briefs due at `now`, plus those a waiting reminder is about
(so it can be cancelled) and, when a digest goes out, the briefs it lists; then it writes
back each one's next moment in one statement. Its queries do not grow with idle or closed
briefs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import bindparam, exists, func, or_, select, update
from sqlalchemy.orm import selectinload

from briefs.chase_policy import calendar, policy_for, zone
from briefs.chase_status import BriefChase
from briefs.extensions import db
from briefs.mail.chasing import decision_makers
from briefs.mail.comment_mail import QUIET
from briefs.mail.digests import STUCK_AFTER, DigestLine, agency_digests
from briefs.mail.move_mail import REPEAT_GAP
from briefs.mail.outbox import Draft, covered_briefs
from briefs.models import AgencySettings, Brief, Client, Event, Message, User
from briefs.models.outbox import QUEUED
from briefs.rules.completeness import is_sent_back
from briefs.rules.deadlines import AT_RISK, AT_RISK_WITHIN, LATE, ON_TRACK
from briefs.rules.reminders import (
    in_window,
    late_escalation_due,
    limit_reached,
    next_reminder_at,
    next_window_opening,
    promise_ends_at,
    waiting_on_promise,
)
from briefs.rules.whose_move import CLIENT
from briefs.rules.working_days import WorkCalendar

OPEN = ("sent", "submitted")

#: Stored when nothing can become due until the brief (or its client, or the settings)
#: changes: far past any real moment, so the run's "due by now" never selects it.
NOTHING_DUE = datetime(9000, 1, 1, tzinfo=UTC)

#: "The next run": any moment after `now` that the next run will have reached.
LOOK_SOON = timedelta(seconds=1)

#: Queued mail that `cancel_stale` may cancel: the run must judge the briefs it is about.
_CHASING_KINDS = ("reminder", "escalation")


def look_again(*, client_id: int | None = None) -> None:
    """Have the next run look at every open brief (of one client): what it reads changed."""
    which = Brief.status.in_(OPEN)
    if client_id is not None:
        which &= Brief.client_id == client_id
    db.session.execute(
        update(Brief)
        .where(which)
        .values(next_due_at=None)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class Selection:
    """The briefs a run judges (their ids), whether the daily digest is still to go out
    today, and whether it is still to be weighed over every open brief today."""

    ids: set[int]
    digest_due: bool
    #: False once a run weighed every brief today and found nothing to tell
    #: (`note_empty_digest`): then only news from a judged brief makes it weigh them again.
    digest_unweighed: bool = False


def select_due(settings: AgencySettings, now: datetime) -> Selection:
    """Choose the open briefs a run at `now` must judge (a fixed number of queries).

    The daily digest lists every open brief, read from their stored summaries
    (mail.digests.stored_lines) rather than judged: the first run of the day that may
    send it weighs them all. When that found nothing to tell, later runs weigh them again
    only once a brief they judge gives the digest news (`digest_news`).
    """
    digest_due = _agency_digest_due(settings, now)
    unweighed = digest_due and settings.digest_empty_on != _agency_day(settings, now)
    return Selection(_due_ids(settings, now), digest_due, unweighed)


def digest_news(
    lines: list[DigestLine], settings: AgencySettings, cal: WorkCalendar, now: datetime
) -> bool:
    """Tell whether the judged briefs give today's digest, not sent yet, something to tell."""
    return bool(agency_digests(lines, settings=settings, cal=cal, now=now))


def note_empty_digest(settings: AgencySettings, now: datetime) -> None:
    """Remember that every brief was weighed today and the digest had nothing to tell."""
    settings.digest_empty_on = _agency_day(settings, now)


def _agency_day(settings: AgencySettings, now: datetime) -> date:
    return now.astimezone(zone(settings.timezone)).date()


def _due_ids(settings: AgencySettings, now: datetime) -> set[int]:
    """Return the open briefs due by `now`, those a waiting reminder is about, and those a
    weekly digest due now lists."""
    ids = set(
        db.session.scalars(
            select(Brief.id).where(
                Brief.status.in_(OPEN),
                or_(Brief.next_due_at.is_(None), Brief.next_due_at <= now),
            )
        )
    )
    waiting = db.session.scalars(
        select(Message).where(Message.status == QUEUED, Message.kind.in_(_CHASING_KINDS))
    )
    for message in waiting:
        ids.update(covered_briefs(message))
    clients = _client_digests_due(settings, now)
    if clients:
        ids.update(
            db.session.scalars(
                select(Brief.id).where(Brief.status.in_(OPEN), Brief.client_id.in_(clients))
            )
        )
    return ids


def _agency_digest_due(settings: AgencySettings, now: datetime) -> bool:
    """Tell whether some teammate's daily digest may go out at `now` and has not (two queries)."""
    local = now.astimezone(zone(settings.timezone))
    if not settings.daily_digest or local.hour < settings.window_start_hour:
        return False
    if not calendar(settings, local.date()).is_working_day(local.date()):
        return False
    users = list(db.session.scalars(select(User.id).where(User.active)))
    keys = [f"agency_digest:{user_id}:{local.date().isoformat()}" for user_id in users]
    if not keys:
        return False
    told = db.session.scalar(select(func.count(Message.id)).where(Message.dedupe_key.in_(keys)))
    return told < len(keys)


def _client_digests_due(settings: AgencySettings, now: datetime) -> set[int]:
    """Return the clients whose weekly digest may go out at `now` and has not (two queries)."""
    clients = db.session.scalars(
        select(Client).where(Client.weekly_digest).options(selectinload(Client.contacts))
    )
    keys: dict[str, int] = {}
    for client in clients:
        local = now.astimezone(zone(client.timezone))
        if local.weekday() != 0 or local.hour < settings.window_start_hour:
            continue
        year, week, _day = local.isocalendar()
        for contact in client.contacts:
            if contact.role == "decision_maker":
                keys[f"client_digest:{client.id}:{year}-W{week:02d}:c{contact.id}"] = client.id
    if not keys:
        return set()
    told = set(db.session.scalars(select(Message.dedupe_key).where(Message.dedupe_key.in_(keys))))
    return {client_id for key, client_id in keys.items() if key not in told}


def drafted_briefs(drafts: list[Draft]) -> set[int]:
    """Return the ids of the briefs the drafts are about (alone or among several)."""
    ids: set[int] = set()
    for draft in drafts:
        if draft.brief is not None:
            ids.add(draft.brief.id)
        ids.update(brief.id for brief, _data in draft.about)
    return ids


def next_due(
    chase: BriefChase, settings: AgencySettings, cal: WorkCalendar, now: datetime
) -> datetime:
    """Return the earliest moment after `now` anything can be due for the brief as it stands.

    Called for a brief the run judged and had nothing to send about: what was due at `now`
    was sent before (or has no one to go to), so only what `now` has not reached counts.
    Early is harmless (the run looks, finds nothing, and asks again); late never happens.
    """
    brief, state = chase.summary.brief, chase.state
    policy = policy_for(brief, settings)
    tz = zone(brief.client.timezone)
    moments: list[datetime] = []
    reminder = next_reminder_at(state, policy, tz, cal, now)
    if reminder is not None and reminder > now:
        moments.append(reminder)
    moments += _risk_change(chase, settings, cal, now)
    risk = chase.status.deadline.risk
    after_promise = max(now, promise_ends_at(state, policy, tz, cal) or now)
    if (
        risk == LATE
        and decision_makers(brief)
        and not late_escalation_due(state, policy, tz, cal, now)
    ):
        if policy.escalate_after > 0 and not policy.paused:
            moments.append(next_window_opening(after_promise, policy, tz, cal))
    if risk in (AT_RISK, LATE) and limit_reached(state, policy):
        ran_out_now = in_window(now, policy, tz, cal) and not waiting_on_promise(
            state, policy, tz, cal, now
        )
        if not ran_out_now:
            moments.append(next_window_opening(after_promise, policy, tz, cal))
    move = chase.summary.move
    if settings.daily_digest and move.side == CLIENT and move.since is not None:
        # The day it has waited long enough to be "stuck" in the team's digest.
        moments.append(move.since + STUCK_AFTER)
    sent_back = [f.reviewed_at for f in chase.summary.fields if is_sent_back(f) and f.reviewed_at]
    if sent_back and max(sent_back) + QUIET > now:
        moments.append(max(sent_back) + QUIET)
    if brief.status == "submitted" and brief.submitted_at and brief.submitted_at + REPEAT_GAP > now:
        # A submission held back for REPEAT_GAP after an earlier one was told is due when
        # that gap ends, which the brief alone does not say: look in every run until then.
        moments.append(now + LOOK_SOON)
    return min((m for m in moments if m > now), default=NOTHING_DUE)


def _risk_change(
    chase: BriefChase, settings: AgencySettings, cal: WorkCalendar, now: datetime
) -> list[datetime]:
    """Return the start of the agency's day on which the brief's launch risk may change."""
    info_due, risk = chase.status.deadline.info_due, chase.status.deadline.risk
    if info_due is None or risk not in (ON_TRACK, AT_RISK) or chase.summary.missing == 0:
        return []
    tz = zone(settings.timezone)
    today = now.astimezone(tz).date()
    if risk == ON_TRACK:
        try:
            # A working day before the rule's own bound: early is harmless.
            day = cal.add(info_due, -(AT_RISK_WITHIN + 1))
        except OverflowError:
            day = today
    else:
        day = info_due + timedelta(days=1)
    day = max(day, today + timedelta(days=1))
    return [datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(UTC)]


def remember(
    due: dict[int, datetime],
    levels: dict[int, str | None],
    known: dict[int, str | None],
    since_event: int,
) -> None:
    """Write the briefs' next moments and changed risk levels: one statement each.

    A brief changed since the run read it (an event after `since_event`) keeps its empty
    moment, so the next run looks at it as it is now.
    """
    changed = [
        {"b_id": brief_id, "b_risk": level}
        for brief_id, level in levels.items()
        if known.get(brief_id) != level
    ]
    table = Brief.__table__
    if changed:
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(risk_notified=bindparam("b_risk", type_=table.c.risk_notified.type)),
            changed,
        )
    if due:
        newer = exists().where(Event.brief_id == table.c.id, Event.id > since_event)
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"), ~newer)
            .values(next_due_at=bindparam("b_due", type_=table.c.next_due_at.type)),
            [{"b_id": brief_id, "b_due": moment} for brief_id, moment in due.items()],
        )


def last_event_id() -> int:
    """Return the newest event's id (0 without any): what a run's judgement is as of."""
    return db.session.scalar(select(func.max(Event.id))) or 0

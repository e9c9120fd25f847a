"""When every reminder has gone out on a brief at risk or late: chasing does not stop silently.

The brief's owners are told once (a line in their risk alert that says the reminders ran
out), and the decision-maker gets the status once, unless they heard about it since the
last reminder.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from briefs.chase_policy import policy_for, zone
from briefs.chase_status import BriefChase
from briefs.mail.alerts import AlertLine
from briefs.mail.chasing import brief_draft, brief_owners, decision_makers, facts_for
from briefs.mail.outbox import Draft
from briefs.models import AgencySettings
from briefs.rules.deadlines import AT_RISK, LATE
from briefs.rules.reminders import (
    decision_maker_heard_since_last_reminder,
    in_window,
    limit_reached,
    waiting_on_promise,
)
from briefs.rules.working_days import WorkCalendar


def _ran_out(chase: BriefChase, settings: AgencySettings, cal: WorkCalendar, now: datetime) -> bool:
    """Say whether the reminders ran out on a brief at risk or late, to be told now."""
    brief, state = chase.summary.brief, chase.state
    policy = policy_for(brief, settings)
    tz = zone(brief.client.timezone)
    return (
        chase.status.deadline.risk in (AT_RISK, LATE)
        and limit_reached(state, policy)
        and in_window(now, policy, tz, cal)
        and not waiting_on_promise(state, policy, tz, cal, now)
    )


def _quiet(chase: BriefChase) -> str:
    """Name the quiet spell the reminders ran out in, so each is told once."""
    quiet_since = chase.state.quiet_since
    return quiet_since.isoformat() if quiet_since else "-"


def limit_drafts(
    chase: BriefChase, *, settings: AgencySettings, cal: WorkCalendar, now: datetime
) -> list[Draft]:
    """Return the decision-maker's status due because the reminders ran out."""
    brief, state = chase.summary.brief, chase.state
    policy = policy_for(brief, settings)
    if not _ran_out(chase, settings, cal, now):
        return []
    level = chase.status.deadline.risk
    deciders = decision_makers(brief)
    key = f"escalation:limit:{brief.id}:{_quiet(chase)}"
    told_decider = (
        bool(deciders)
        and policy.escalate_after > 0
        and not decision_maker_heard_since_last_reminder(state)
    )
    if not told_decider or key in chase.told_keys:
        return []
    return [
        brief_draft(
            "escalation",
            replace(facts_for(chase, settings), limit_reached=True),
            brief=brief,
            key=key,
            to=deciders,
            cc=[c.email for c in brief.recipients],
            data={
                "limit": True,
                "late": level == LATE,
                "reminders": len(state.reminders),
                "missing": list(chase.summary.missing_keys),
            },
        )
    ]


def limit_lines(
    chase: BriefChase, *, settings: AgencySettings, cal: WorkCalendar, now: datetime
) -> list[AlertLine]:
    """Return a line in each owner's risk alert because the reminders ran out."""
    if not _ran_out(chase, settings, cal, now):
        return []
    brief, state = chase.summary.brief, chase.state
    policy = policy_for(brief, settings)
    deciders = decision_makers(brief)
    heard = [c.name for c in brief.client.contacts if c.email in deciders]
    limit = {
        "count": len(state.reminders),
        "contacts": [c.name for c in brief.recipients],
        "deciders": heard if policy.escalate_after > 0 else [],
    }
    level = chase.status.deadline.risk
    return [
        AlertLine(user, chase, level, f"limit:{brief.id}:{_quiet(chase)}:{user.id}", limit)
        for user in brief_owners(brief)
    ]

"""When every reminder has gone out on a brief at risk or late: chasing does not stop silently.

The brief's owners are told once (a risk alert that says the reminders ran out), and the
decision-maker gets the status once, unless they heard about it since the last reminder.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from briefs.chase_policy import policy_for, zone
from briefs.chase_status import BriefChase
from briefs.mail.chasing import brief_draft, brief_owners, decision_makers, facts_for
from briefs.mail.content import render_mail
from briefs.mail.digests import digest_row, user_locale
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


def limit_drafts(
    chase: BriefChase, *, settings: AgencySettings, cal: WorkCalendar, now: datetime
) -> list[Draft]:
    """Return the mails due because the reminders ran out on a brief at risk or late."""
    brief, state = chase.summary.brief, chase.state
    policy = policy_for(brief, settings)
    tz = zone(brief.client.timezone)
    level = chase.status.deadline.risk
    if (
        level not in (AT_RISK, LATE)
        or not limit_reached(state, policy)
        or not in_window(now, policy, tz, cal)
        or waiting_on_promise(state, policy, tz, cal, now)
    ):
        return []
    quiet = state.quiet_since.isoformat() if state.quiet_since else "-"
    drafts: list[Draft] = []
    deciders = decision_makers(brief)
    key = f"escalation:limit:{brief.id}:{quiet}"
    told_decider = (
        bool(deciders)
        and policy.escalate_after > 0
        and not decision_maker_heard_since_last_reminder(state)
    )
    if told_decider and key not in chase.told_keys:
        drafts.append(
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
        )
    heard = [c.name for c in brief.client.contacts if c.email in deciders]
    for user in brief_owners(brief):
        user_key = f"limit:{brief.id}:{quiet}:{user.id}"
        if user_key in chase.told_keys:
            continue
        locale = user_locale(user, settings)
        with force_locale(locale):
            subject = _(
                "Reminders ran out: “%(title)s” for %(client)s",
                title=brief.title,
                client=brief.client.name,
            )
        limit = {
            "count": len(state.reminders),
            "contacts": [c.name for c in brief.recipients],
            "deciders": heard if policy.escalate_after > 0 else [],
        }
        rendered = render_mail(
            "risk_alert",
            subject,
            {
                "row": digest_row(chase),
                "level": level,
                "agency": settings.name,
                "user": user,
                "limit": limit,
            },
            locale=locale,
            timezone=settings.timezone,
        )
        drafts.append(
            Draft(
                kind="risk_alert",
                dedupe_key=user_key,
                to=[user.email],
                rendered=rendered,
                locale=locale,
                brief=brief,
                data={"level": level, "limit": True},
            )
        )
    return drafts

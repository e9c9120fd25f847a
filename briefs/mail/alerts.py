"""Risk alerts to the team: one mail per teammate per run, listing every brief concerned.

A brief that became at risk or late in a run, or whose reminders ran out, is one line in
each of its owners' alert. A line carries a key naming the brief, what changed and the
teammate; the mail stores the keys it covered, and a key an earlier mail covered is not
told again, so each brief's alert still goes out once however the runs fall.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from briefs.chase_status import BriefChase
from briefs.mail.chasing import brief_owners
from briefs.mail.content import render_mail
from briefs.mail.digests import DigestRow, digest_row, user_locale
from briefs.mail.outbox import Draft, told_keys
from briefs.models import AgencySettings, Brief, User
from briefs.rules.deadlines import LATE
from briefs.rules.whose_move import AGENCY

RISK_ALERT = "risk_alert"


@dataclass(frozen=True)
class AlertLine:
    """One brief for one teammate: what changed on it in this run."""

    user: User
    chase: BriefChase
    #: AT_RISK or LATE: where the brief stands now.
    level: str
    #: Names the brief, the change and the teammate; a mail covering it is sent once.
    key: str
    #: When the reminders ran out: how many went, to whom, who decides; else None.
    limit: dict | None = None


@dataclass
class _Entry:
    """A brief as the alert lists it: its row, level, whether reminders ran out."""

    brief: Brief
    row: DigestRow
    level: str
    limit: dict | None = None
    #: What changed, naming the brief: the subject when it is the only one.
    heading: str = ""
    keys: list[str] = field(default_factory=list)


def risk_lines(chase: BriefChase, level: str) -> list[AlertLine]:
    """Return a line for each of the brief's owners: it became at risk or late."""
    brief = chase.summary.brief
    info_due = chase.status.deadline.info_due
    return [
        AlertLine(user, chase, level, f"risk:{brief.id}:{level}:{info_due}:{user.id}")
        for user in brief_owners(brief)
    ]


def alert_drafts(lines: list[AlertLine], settings: AgencySettings) -> list[Draft]:
    """Draft one alert per teammate listing every line not told before (one query)."""
    briefs = {line.chase.summary.brief.id: line.chase for line in lines}
    told = told_keys(list(briefs), RISK_ALERT)
    for chase in briefs.values():
        # Alerts queued before they were batched name their brief in their dedupe key.
        told |= chase.told_keys
    by_user: dict[int, tuple[User, dict[int, _Entry]]] = {}
    for line in lines:
        if line.key in told:
            continue
        user, entries = by_user.setdefault(line.user.id, (line.user, {}))
        brief_id = line.chase.summary.brief.id
        entry = entries.setdefault(
            brief_id, _Entry(line.chase.summary.brief, digest_row(line.chase), line.level)
        )
        entry.limit = entry.limit or line.limit
        entry.keys.append(line.key)
    return [_draft(user, list(entries.values()), settings) for user, entries in by_user.values()]


def _draft(user: User, entries: list[_Entry], settings: AgencySettings) -> Draft:
    """Word one teammate's alert in their language, naming every line it covers."""
    locale = user_locale(user, settings)
    with force_locale(locale):
        for entry in entries:
            entry.heading = _heading(entry)
        subject = _subject(entries)
    rendered = render_mail(
        RISK_ALERT,
        subject,
        {"entries": entries, "agency": settings.name, "user": user},
        locale=locale,
        timezone=settings.timezone,
    )
    keys = sorted(key for entry in entries for key in entry.keys)
    # The same lines make the same key, so two runs started together queue it once. (Two
    # runs that saw different lines would each queue theirs; the outbox claims them apart.)
    digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:24]
    facts = [
        (entry.brief, {"level": entry.level, "limit": bool(entry.limit), "keys": entry.keys})
        for entry in entries
    ]
    common = {
        "kind": RISK_ALERT,
        "dedupe_key": f"{RISK_ALERT}:{user.id}:{digest}",
        "to": [user.email],
        "rendered": rendered,
        "locale": locale,
        "audience": AGENCY,
    }
    if len(facts) == 1:
        [(brief, data)] = facts
        return Draft(**common, brief=brief, data=data)
    return Draft(**common, about=tuple(facts))


def _heading(entry: _Entry) -> str:
    """Say what changed on a brief, naming it, in the current language."""
    names = {"title": entry.row.title, "client": entry.row.client}
    if entry.limit:
        return _("Reminders ran out: “%(title)s” for %(client)s", **names)
    if entry.level == LATE:
        return _("Late: “%(title)s” for %(client)s", **names)
    return _("At risk: “%(title)s” for %(client)s", **names)


def _subject(entries: list[_Entry]) -> str:
    """Name the brief when there is one, else how many need attention."""
    if len(entries) > 1:
        return ngettext(
            "%(num)d brief needs attention", "%(num)d briefs need attention", len(entries)
        )
    return entries[0].heading

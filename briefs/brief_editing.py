"""Changing a sent brief's details: title, launch date, lead, recipients, decision-maker, language.

Each changed detail is one event with the old and the new value, so the record says what
the brief was promised under before. A moved launch date or lead changes the launch risk at
once: a remembered "late" or "at risk" that no longer holds is forgotten here, so send-due
tells nobody about a risk the new date ended. Like workflow, nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from briefs.accounts import agency_settings
from briefs.chase_status import assess
from briefs.models import Brief, Contact, Event
from briefs.recipient_links import drop_links
from briefs.rules.deadlines import AT_RISK, LATE
from briefs.workflow import Actor, record, refuse_if_closed

#: How serious each remembered risk is; a risk is only forgotten, never raised, here.
_SEVERITY = {None: 0, AT_RISK: 1, LATE: 2}


@dataclass(frozen=True)
class BriefDetails:
    """The details of a brief the agency may change while it is open."""

    title: str
    launch_date: date | None
    work_days: int
    #: Contacts of the brief's client who get the link and the reminders.
    recipients: list[Contact]
    #: The one contact told when the brief stalls; None for the client's decision-makers.
    decision_maker: Contact | None
    locale: str


def _person(contact: Contact | None) -> dict | None:
    """Keep a person in the record as they were named then."""
    if contact is None:
        return None
    return {"id": contact.id, "name": contact.name, "email": contact.email}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def edit_details(brief: Brief, details: BriefDetails, actor: Actor, now: datetime) -> list[Event]:
    """Change what differs, one event per changed detail; return the events (none if equal)."""
    refuse_if_closed(brief, "edit")
    events: list[Event] = []

    def changed(kind: str, old, new) -> None:
        events.append(record(brief, kind, actor, now, old=old, new=new))

    if details.title != brief.title:
        changed("title_changed", brief.title, details.title)
        brief.title = details.title
    if details.launch_date != brief.launch_date:
        changed("launch_date_changed", _day(brief.launch_date), _day(details.launch_date))
        brief.launch_date = details.launch_date
    if details.work_days != brief.work_days:
        changed("work_days_changed", brief.work_days, details.work_days)
        brief.work_days = details.work_days
    old_ids = [c.id for c in brief.recipients]
    new_recipients = sorted(details.recipients, key=lambda c: c.id)
    if [c.id for c in new_recipients] != old_ids:
        kept = {c.id for c in new_recipients}
        drop_links(brief, [c for c in brief.recipients if c.id not in kept])
        changed(
            "recipients_changed",
            [_person(c) for c in brief.recipients],
            [_person(c) for c in new_recipients],
        )
        brief.recipients = new_recipients
    if details.decision_maker != brief.decision_maker:
        changed(
            "decision_maker_changed", _person(brief.decision_maker), _person(details.decision_maker)
        )
        brief.decision_maker = details.decision_maker
    if details.locale != brief.locale:
        changed("language_changed", brief.locale, details.locale)
        brief.locale = details.locale
    if any(e.kind in ("launch_date_changed", "work_days_changed") for e in events):
        forget_outdated_risk(brief, now)
    return events


def forget_outdated_risk(brief: Brief, now: datetime) -> None:
    """Lower the remembered risk to the brief's risk at `now`, if that is now lower.

    send-due remembers the risk it last told about, and tells again only when the risk
    changes; a launch moved later must not leave a "late" behind that a later run would
    act on. A risk that went up is left for send-due to tell.
    """
    [chase], _cal = assess([brief], agency_settings(), now)
    current = chase.status.deadline.risk
    current = current if current in _SEVERITY else None
    if _SEVERITY[current] < _SEVERITY.get(brief.risk_notified, 0):
        brief.risk_notified = current

"""Questions handed to a colleague: their own link, who has what, how far each person is.

A handover opens only its fields. Its token is stored as a hash (to look it up) and sealed
with SECRET_KEY (to show or mail the link again), like the brief's own link. A colleague
who presses "I'm done" only tells the others; the brief itself is submitted by the contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update

from briefs.extensions import db
from briefs.links import client_link
from briefs.mail.content import render_mail
from briefs.mail.outbox import Draft, queue
from briefs.models import Brief, BriefField, Event, Handover
from briefs.overview import brief_fields
from briefs.rules.completeness import has_answer
from briefs.rules.handover_limits import DAILY_LIMIT, DAY, Earlier, refusal
from briefs.rules.tokens import new_token, seal
from briefs.workflow import Actor, record, refuse_if_closed


@dataclass(frozen=True)
class Holder:
    """One colleague's share of the brief and how far they are."""

    handover: Handover
    fields: list[BriefField]
    answered: int

    @property
    def total(self) -> int:
        return len(self.fields)

    @property
    def done(self) -> bool:
        return self.answered >= self.total


def hand_over(
    brief: Brief,
    fields: list[BriefField],
    *,
    name: str,
    email: str,
    note: str,
    actor: Actor,
    now: datetime,
    secret_key: str,
    contact_id: int | None = None,
) -> tuple[Handover, str]:
    """Give a colleague a link to some fields; record it and return it with its token."""
    refuse_if_closed(brief, "assign")
    token, token_hash = new_token()
    keys = [field.key for field in _in_brief_order(brief, fields)]
    handover = Handover(
        brief_id=brief.id,
        token_hash=token_hash,
        token_sealed=seal(token, secret_key),
        name=name,
        email=email,
        note=note,
        field_keys=keys,
        contact_id=contact_id,
        created_by=actor.label,
        created_by_user_id=actor.user_id,
        created_at=now,
    )
    db.session.add(handover)
    db.session.flush()
    record(
        brief,
        "handed_over",
        actor,
        now,
        to_name=name,
        to_email=email,
        fields=keys,
        note=note,
        handover=handover.id,
    )
    return handover, token


#: Writes nothing, but takes the lock a write takes: the row's on PostgreSQL, the
#: database's on SQLite (whose plain reads take none), held until the transaction ends.
_HOLD_BRIEF = (
    update(Brief)
    .where(Brief.id == bindparam("brief_id"))
    .values(page_version=Brief.page_version)
    .execution_options(synchronize_session=False)
)


def client_refusal(brief: Brief, email: str, fields: list[BriefField], now: datetime) -> str | None:
    """Return why the brief's client links may not hand these fields over now, or None.

    Hand-overs the agency made do not count; see rules.handover_limits. The brief's row is
    held first, until the transaction ends, so hand-overs posted at once are counted one
    after another: else each counts the others before any is written, and all pass.
    """
    db.session.execute(_HOLD_BRIEF, {"brief_id": brief.id})
    earlier = [
        Earlier(h.created_at, h.email, tuple(h.field_keys), h.revoked_at is None)
        for h in db.session.scalars(
            select(Handover).where(
                Handover.brief_id == brief.id,
                Handover.created_by_user_id.is_(None),
                Handover.created_at > now - DAY,
            )
        )
    ]
    return refusal(earlier, email, [field.key for field in fields], now)


def note_refused(brief: Brief, *, email: str, reason: str, actor: Actor, now: datetime) -> bool:
    """Record a hand-over refused for the daily limit, once a day per brief, for the agency."""
    already = db.session.scalar(
        select(Event.id).where(
            Event.brief_id == brief.id,
            Event.kind == "handover_refused",
            Event.created_at > now - DAY,
        )
    )
    if already is not None:
        return False
    record(brief, "handover_refused", actor, now, to_email=email, reason=reason, limit=DAILY_LIMIT)
    return True


def withdraw(handover: Handover, brief: Brief, *, actor: Actor, now: datetime) -> bool:
    """Stop a colleague's link from opening anything; False if it already was."""
    if handover.revoked_at is not None:
        return False
    handover.revoked_at = now
    handover.revoked_by = actor.label
    record(brief, "handover_withdrawn", actor, now, to_name=handover.name, handover=handover.id)
    return True


def active_handovers(brief_id: int) -> list[Handover]:
    """Return the brief's handovers whose links still open something, oldest first."""
    return [h for h in brief_handovers(brief_id) if h.revoked_at is None]


def withdraw_all(brief: Brief, *, actor: Actor, now: datetime) -> list[Handover]:
    """Stop every colleague's link of the brief (one event each); return those stopped."""
    stopped = active_handovers(brief.id)
    for handover in stopped:
        withdraw(handover, brief, actor=actor, now=now)
    return stopped


def note_done(handover: Handover, brief: Brief, holder: Holder, *, now: datetime) -> None:
    """Record that a colleague says they are done with their questions."""
    record(
        brief,
        "handover_done",
        Actor.client(handover.name),
        now,
        handover=handover.id,
        answered=holder.answered,
        total=holder.total,
    )


def brief_handovers(brief_id: int) -> list[Handover]:
    """Return every handover of a brief, active and withdrawn, oldest first (one query)."""
    return list(
        db.session.scalars(
            select(Handover).where(Handover.brief_id == brief_id).order_by(Handover.id)
        )
    )


def handover_of(brief: Brief, handover_id: int) -> Handover | None:
    """Return one of the brief's handovers, or None."""
    handover = db.session.get(Handover, handover_id)
    return handover if handover is not None and handover.brief_id == brief.id else None


def holders(brief: Brief, handovers: list[Handover]) -> list[Holder]:
    """Describe each active handover with its fields and how many are answered."""
    by_key = {f.key: f for f in brief_fields(brief)}
    result = []
    for handover in handovers:
        if handover.revoked_at is not None:
            continue
        fields = [by_key[key] for key in handover.field_keys if key in by_key]
        result.append(Holder(handover, fields, sum(1 for f in fields if has_answer(f))))
    return result


def holder_names(holders_: list[Holder]) -> dict[int, list[str]]:
    """Return, per field id, the names of the colleagues who hold it."""
    names: dict[int, list[str]] = {}
    for holder in holders_:
        for field in holder.fields:
            names.setdefault(field.id, []).append(holder.handover.name)
    return names


def hand_over_by_mail(
    brief: Brief, fields: list[BriefField], *, agency: str, **details
) -> Handover:
    """Hand the fields over (see hand_over) and put the colleague's e-mail in the outbox."""
    handover, _token = hand_over(brief, fields, **details)
    queue(handover_draft(brief, handover, agency, link_of(handover)), details["now"])
    return handover


def link_of(handover: Handover) -> str | None:
    """Return the colleague's link, or None if it cannot be read back."""
    return client_link(handover.token_sealed)


def handover_draft(brief: Brief, handover: Handover, agency: str, link: str | None) -> Draft:
    """Draft the e-mail that gives a colleague their questions and link."""
    by_key = {f.key: f for f in brief_fields(brief)}
    labels = [by_key[key].label for key in handover.field_keys if key in by_key]
    with force_locale(brief.locale):
        subject = _(
            "%(who)s asks for your help with “%(title)s”",
            who=handover.created_by or brief.client.name,
            title=brief.title,
        )
    context = {
        "handover": handover,
        "who": handover.created_by or brief.client.name,
        "labels": labels,
        "link": link,
        "agency": agency,
        "brief": brief,
    }
    rendered = render_mail(
        "handover", subject, context, locale=brief.locale, timezone=brief.client.timezone
    )
    return Draft(
        kind="handover",
        dedupe_key=f"handover:{handover.id}",
        to=[handover.email],
        rendered=rendered,
        locale=brief.locale,
        brief=brief,
        data={"handover": handover.id},
    )


def _in_brief_order(brief: Brief, fields: list[BriefField]) -> list[BriefField]:
    chosen = {field.id for field in fields}
    return [f for f in brief_fields(brief) if f.id in chosen]

"""What happens to a brief: each step changes its state and records an event.

These functions add to the session but never commit: the view that calls them commits
once, so a step and its event land together or not at all. They take `now` and an actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm.attributes import set_committed_value

from briefs.applies_changes import applies_changes
from briefs.event_log import chain
from briefs.extensions import db
from briefs.models import (
    Answer,
    Brief,
    BriefField,
    BriefSection,
    Client,
    Contact,
    Event,
    Review,
    Template,
    User,
)
from briefs.models.brief import ACCEPTED, CHANGES_REQUESTED, CLOSED
from briefs.recipient_links import recipient_links, status_token_sealed
from briefs.rules.conditions import combine, hidden_keys
from briefs.rules.event_chain import answer_digest, review_digest
from briefs.rules.tokens import new_token, seal
from briefs.webhooks.events import queue_event


class RevisionConflict(Exception):
    """Someone saved a newer revision of the field since this save started."""

    def __init__(self, field_id: int) -> None:
        super().__init__(field_id)
        self.field_id = field_id


class BriefClosed(Exception):
    """A change was asked of a closed brief, which stays read-only until it is reopened."""

    def __init__(self, brief_id: int, change: str) -> None:
        super().__init__(brief_id, change)
        self.brief_id = brief_id
        #: What was refused: "send", "review", "assign", "answer", "comment", "upload", "edit".
        self.change = change


class QuestionHidden(Exception):
    """A review was asked of a question its condition hides: the client is not asked it."""

    def __init__(self, field_id: int, label: str) -> None:
        super().__init__(field_id)
        self.field_id = field_id
        self.label = label


def is_hidden(field: BriefField) -> bool:
    """Tell whether the field's condition, on the brief's answers now, hides it."""
    fields = [other for section in field.brief.sections for other in section.fields]
    return field.key in hidden_keys(fields)


def refuse_if_closed(brief: Brief, change: str) -> None:
    """Raise BriefClosed if the brief is closed; every change to a brief asks this first."""
    if brief.is_closed:
        raise BriefClosed(brief.id, change)


#: A client link opening is recorded at most this often per link.
LINK_OPENED_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class Actor:
    """Who did something: an agency user, a client link holder, or the system."""

    kind: str
    label: str
    user_id: int | None = None

    @classmethod
    def user(cls, user: User) -> Actor:
        return cls("user", user.name, user.id)

    @classmethod
    def client(cls, label: str) -> Actor:
        return cls("client", label)


SYSTEM = Actor("system", "Briefs")
#: A column not loaded in memory.
_UNKNOWN = object()


def record(
    brief: Brief,
    kind: str,
    actor: Actor,
    now: datetime,
    *,
    field: BriefField | None = None,
    **data,
) -> Event:
    """Append one event to the brief's record."""
    event = Event(
        brief_id=brief.id,
        kind=kind,
        actor_kind=actor.kind,
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        field_id=field.id if field else None,
        data=data,
        created_at=now,
    )
    db.session.add(event)
    # Whatever changed, the next `send-due` run looks at the brief again (mail/due_briefs).
    # Left alone when it is known to be None already: a brief marked changed costs every
    # flush hook a look at all its columns (an expired one is set without being read).
    if brief.__dict__.get("next_due_at", _UNKNOWN) is not None:
        brief.next_due_at = None
    chain(event)
    queue_event(event, brief, now)
    return event


def create_brief(
    *,
    template: Template,
    client: Client,
    title: str,
    locale: str,
    recipients: list[Contact],
    launch_date: date | None,
    work_days: int,
    actor: Actor,
    now: datetime,
    secret_key: str,
) -> tuple[Brief, str]:
    """Create a brief with a snapshot of the template's fields; return it and its token."""
    token, token_hash = new_token()
    brief = Brief(
        token_sealed=seal(token, secret_key),
        client=client,
        template_id=template.id,
        title=title,
        locale=locale,
        launch_date=launch_date,
        work_days=work_days,
        status="draft",
        token_hash=token_hash,
        token_created_at=now,
        created_by_id=actor.user_id,
        created_at=now,
        recipients=list(recipients),
    )
    for section in template.sections:
        brief_section = BriefSection(
            position=section.position,
            title=section.title,
            description=section.description,
            condition=section.condition,
        )
        brief.sections.append(brief_section)
        for field in section.fields:
            brief_section.fields.append(
                BriefField(
                    brief=brief,
                    position=field.position,
                    key=field.key,
                    label=field.label,
                    help=field.help,
                    example=field.example,
                    type=field.type,
                    required=field.required,
                    options=list(field.options or []),
                    condition=combine(section.condition, field.condition),
                )
            )
    db.session.add(brief)
    db.session.flush()
    # Each recipient's own link and the status link, so the first page view writes nothing.
    recipient_links([brief], now=now, secret_key=secret_key)
    status_token_sealed(brief, secret_key)
    record(brief, "brief_created", actor, now, template=template.name)
    return brief, token


def regenerate_link(brief: Brief, actor: Actor, now: datetime, secret_key: str) -> str:
    """Give the brief a new client link; the old one stops working at once."""
    token, brief.token_hash = new_token()
    brief.token_sealed = seal(token, secret_key)
    brief.token_created_at = now
    record(brief, "link_regenerated", actor, now)
    return token


def mark_sent(brief: Brief, actor: Actor, now: datetime, *, channel: str = "manual") -> None:
    """Record that the client link went to the client."""
    refuse_if_closed(brief, "send")
    if brief.status == "draft":
        brief.status = "sent"
    if brief.sent_at is None:
        brief.sent_at = now
    record(
        brief,
        "brief_sent",
        actor,
        now,
        channel=channel,
        to=[contact.email for contact in brief.recipients],
        questions=sum(len(section.fields) for section in brief.sections),
    )


def link_opened_recently(brief_id: int, actor_label: str, now: datetime) -> bool:
    """Whether an opening of the link by `actor_label` is already on record this hour."""
    last = db.session.scalar(
        select(Event.created_at)
        .where(
            Event.brief_id == brief_id,
            Event.kind == "link_opened",
            Event.actor_label == actor_label,
            Event.created_at > now - LINK_OPENED_EVERY,
        )
        .order_by(Event.created_at.desc())
        .limit(1)
    )
    return last is not None


def note_link_opened(brief: Brief, now: datetime, contact: Contact | None = None) -> bool:
    """Record that a client link was opened, at most once per hour per link.

    Opened through a recipient's own link, the event names that person; through the shared
    link it names nobody, since anyone the link was sent to may have opened it.
    """
    actor = Actor.client(contact.name if contact is not None else "")
    if link_opened_recently(brief.id, actor.label, now):
        return False
    data = {"contact": contact.id} if contact is not None else {"link": brief.token_hash[:12]}
    record(brief, "link_opened", actor, now, **data)
    return True


#: What a new answer sets on its field (a review is about one revision: a new answer needs
#: a new look; an agency user's answer is a suggestion the client is asked to confirm).
_ANSWER_COLUMNS = (
    "value",
    "not_applicable",
    "answered_at",
    "answered_by",
    "answer_user_id",
    "review_verdict",
    "review_comment",
    "reviewed_at",
)
# Built once: every save runs it. The claim and the answer in one statement, so the field
# is not left changed in the session for a second UPDATE at the flush.
_CLAIM_REVISION = (
    update(BriefField)
    .where(BriefField.id == bindparam("b_id"), BriefField.revision == bindparam("b_seen"))
    .values(
        revision=BriefField.revision + 1,
        **{
            name: bindparam(f"b_{name}", type_=getattr(BriefField, name).type)
            for name in _ANSWER_COLUMNS
        },
    )
    .execution_options(synchronize_session=False)
)


def save_answer(
    field: BriefField,
    value: str,
    *,
    not_applicable: bool,
    actor: Actor,
    now: datetime,
    force: bool = False,
) -> Answer | None:
    """Store a new revision of the field's answer; return None when nothing changed.

    With force, an unchanged answer is stored again: a client confirming the agency's
    suggestion makes it their own.
    """
    refuse_if_closed(field.brief, "answer")
    unchanged = field.value == value and field.not_applicable == not_applicable
    if field.revision and unchanged and not force:
        return None
    if not field.revision and not value and not not_applicable:
        return None
    # Compare-and-set: of two saves that started from the same revision, only the first
    # gets to write the next one; the other learns it would overwrite a newer answer.
    answered = {
        "value": value,
        "not_applicable": not_applicable,
        "answered_at": now,
        "answered_by": actor.label,
        "answer_user_id": actor.user_id,
        "review_verdict": None,
        "review_comment": "",
        "reviewed_at": None,
    }
    claimed = db.session.execute(
        _CLAIM_REVISION,
        {"b_id": field.id, "b_seen": field.revision}
        | {f"b_{name}": column_value for name, column_value in answered.items()},
    ).rowcount
    if claimed != 1:
        latest = db.session.execute(
            select(BriefField.revision, BriefField.value, BriefField.not_applicable).where(
                BriefField.id == field.id
            )
        ).one()
        if (latest.value, latest.not_applicable) == (value, not_applicable) and not force:
            # The other save stored this very answer (an autosave racing the Save
            # button): nothing is lost and nothing needs writing.
            set_committed_value(field, "revision", latest.revision)
            set_committed_value(field, "value", latest.value)
            set_committed_value(field, "not_applicable", latest.not_applicable)
            return None
        raise RevisionConflict(field.id)
    # The field in memory as the database now holds it; the Answer row added below is what
    # raises the page version and has the summary recounted (briefs.page_versions,
    # briefs.brief_summaries).
    set_committed_value(field, "revision", field.revision + 1)
    for name, column_value in answered.items():
        set_committed_value(field, name, column_value)
    answer = Answer(
        brief_id=field.brief_id,
        field_id=field.id,
        number=field.revision,
        value=value,
        not_applicable=not_applicable,
        author=actor.label,
        author_user_id=actor.user_id,
        created_at=now,
    )
    db.session.add(answer)
    return answer


def record_answers_saved(
    brief: Brief, fields: list[BriefField], actor: Actor, now: datetime
) -> Event | None:
    """Record one event for the answers saved in one request (None if there were none).

    A save that hid answered questions, or made hidden ones apply, names them (`hid`,
    `shown`; see briefs.applies_changes).
    """
    if not fields:
        return None
    # What the save hid or brought in: told only when there is something to tell.
    hid, shown = applies_changes(brief, fields)
    changes = {name: keys for name, keys in (("hid", hid), ("shown", shown)) if keys}
    return record(
        brief,
        "answer_saved",
        actor,
        now,
        field=fields[0] if len(fields) == 1 else None,
        fields=[field.key for field in fields],
        count=len(fields),
        answers=answers_written(fields),
        **changes,
    )


def answers_written(fields: list[BriefField]) -> list[dict]:
    """Describe the answers just saved to these fields for their answer_saved event.

    Each names its revision and carries a digest of what it said, so verify-log notices
    an answer's text edited afterwards, in the revision or in the field.
    """
    return [
        {
            "field": field.id,
            "number": field.revision,
            "sha256": answer_digest(field.value, field.not_applicable),
        }
        for field in fields
    ]


def submit(brief: Brief, actor: Actor, now: datetime, *, missing: list[str]) -> None:
    """Mark the brief submitted, even with fields missing, and record what was missing."""
    refuse_if_closed(brief, "answer")
    brief.status = "submitted"
    brief.submitted_at = now
    record(brief, "brief_submitted", actor, now, missing=missing)


def review(field: BriefField, verdict: str, comment: str, actor: Actor, now: datetime) -> Review:
    """Accept the field's current answer, or send it back with a comment.

    Raises QuestionHidden for a question its condition hides: nobody is asking it.
    """
    refuse_if_closed(field.brief, "review")
    if is_hidden(field):
        raise QuestionHidden(field.id, field.label)
    if verdict not in (ACCEPTED, CHANGES_REQUESTED):
        raise ValueError(f"unknown verdict {verdict!r}")
    item = Review(
        brief_id=field.brief_id,
        field_id=field.id,
        answer_number=field.revision,
        verdict=verdict,
        comment=comment,
        user_id=actor.user_id,
        created_at=now,
    )
    db.session.add(item)
    field.review_verdict = verdict
    field.review_comment = comment
    field.reviewed_at = now
    brief = field.brief
    if verdict == CHANGES_REQUESTED and brief.status == "submitted":
        # The client owes an answer again, so the brief is back with them.
        brief.status = "sent"
    db.session.flush()  # the review's id, which the event points at
    facts = {
        "verdict": verdict,
        "comment": comment,
        "review": item.id,
        "sha256": review_digest(verdict, comment),
    }
    if verdict == CHANGES_REQUESTED:
        # Whether send-due will e-mail the contacts about it: the client's wait then starts
        # when that mail is delivered (rules.ball_in_court), not at this moment.
        facts["by_mail"] = brief.status in ("sent", "submitted") and bool(brief.recipients)
    record(brief, "review_given", actor, now, field=field, **facts)
    return item


def close(brief: Brief, actor: Actor, now: datetime) -> bool:
    """Close the brief: it leaves the dashboard and its link stops working.

    Return False when it already was closed.
    """
    if brief.is_closed:
        return False
    brief.status = CLOSED
    brief.closed_at = now
    record(brief, "brief_closed", actor, now)
    return True


def reopen(brief: Brief, actor: Actor, now: datetime) -> bool:
    """Reopen a closed brief; False when it was not closed."""
    if not brief.is_closed:
        return False
    brief.status = "submitted" if brief.submitted_at else ("sent" if brief.sent_at else "draft")
    brief.closed_at = None
    record(brief, "brief_reopened", actor, now)
    return True

"""Storing messages before delivery; delivering them is mail.delivery's.

Queuing is idempotent through Message.dedupe_key, and each message gets its Message-ID
here, once, so every attempt to deliver it carries the same one.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from functools import cached_property

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from briefs import claims
from briefs.extensions import db
from briefs.mail.content import BriefFacts, Rendered
from briefs.models import Brief, Event, Message
from briefs.models.outbox import BY_TELEGRAM, QUEUED
from briefs.rules.whose_move import AGENCY, CLIENT
from briefs.telegram.alerts import Routing, alert_text, queue_copies, route
from briefs.workflow import SYSTEM, record

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Draft:
    """A message ready to be stored."""

    kind: str
    dedupe_key: str
    to: list[str]
    #: Subject and both bodies, as mail_content renders them (or None with `render`).
    rendered: Rendered | None
    locale: str
    cc: list[str] | None = None
    brief: Brief | None = None
    #: The client it is about; a brief's own client when not given.
    client_id: int | None = None
    data: dict | None = None
    #: A message about several briefs (a teammate's risk alert), each with the facts its
    #: own record gets; `brief` and `data` are then left empty.
    about: tuple[tuple[Brief, dict], ...] = ()
    #: What a mail about one brief says of it, so a run can list it with others in one mail.
    facts: BriefFacts | None = None
    #: Renders the mail when first needed: a reminder folded into a mail about several
    #: briefs is never rendered on its own.
    render: Callable[[], Rendered] | None = None
    #: Whom it is for: the client's side (CLIENT) or the agency's team (AGENCY). Only mail
    #: to the team may go to Telegram (telegram.alerts.route).
    audience: str = CLIENT
    #: E-mailed whatever the recipients chose: Telegram would not take it (mail_copy).
    email_only: bool = False

    @cached_property
    def content(self) -> Rendered:
        """Return the subject and bodies, rendering them once if they were left for later."""
        if self.rendered is not None:
            return self.rendered
        assert self.render is not None, "a draft needs its content or a way to render it"
        return self.render()

    @property
    def subject(self) -> str:
        return self.content.subject


def record_message(brief: Brief, kind: str, message: Message, now: datetime, **facts) -> None:
    """Put what happened to a message on its brief's record, naming the message."""
    record(brief, kind, SYSTEM, now, message=message.id, message_kind=message.kind, **facts)


def covered_briefs(message: Message) -> list[int]:
    """Return the ids of the briefs a message is about.

    A message about one brief names it in Message.brief_id. One about several (a
    teammate's alert listing every brief at risk) belongs to none of them: it lists them
    in its data, and each of their records gets its own line saying the agency was told,
    with that brief's facts, so every timeline stays true without a table for the link.
    """
    if message.brief_id is not None:
        return [message.brief_id]
    return [item["brief"] for item in (message.data or {}).get("about") or ()]


def mail_domain() -> str:
    """Return the domain Message-IDs are made in (MAIL_FROM's)."""
    address = parseaddr(current_app.config["MAIL_FROM"])[1]
    return address.rsplit("@", 1)[-1] if "@" in address else "briefs.local"


def queue(draft: Draft, now: datetime) -> Message | None:
    """Store a message unless one with the same dedupe key exists; commit it.

    An alert to teammates who chose Telegram gets its Telegram copies in the same
    transaction; one nobody is left to e-mail is stored as BY_TELEGRAM, never e-mailed,
    and still dedupes and records like any other.
    """
    if db.session.scalar(select(Message.id).where(Message.dedupe_key == draft.dedupe_key)):
        return None
    try:
        message = _store(draft, now)
        db.session.commit()
    except IntegrityError:
        # Another run queued the same message a moment ago.
        db.session.rollback()
        return None
    return message


def queue_all(drafts: list[Draft], now: datetime) -> list[Message]:
    """Store the messages one step of a run decided, skipping those stored before; commit once.

    The dedupe keys already stored are read in one query. Should another run store one of
    these messages meanwhile (the unique dedupe key refuses ours), the step is rolled back
    and queued again one message at a time (`queue`), so none is stored twice or lost.
    """
    keys = [draft.dedupe_key for draft in drafts]
    if not keys:
        return []
    stored = set(db.session.scalars(select(Message.dedupe_key).where(Message.dedupe_key.in_(keys))))
    new = []
    for draft in drafts:
        if draft.dedupe_key not in stored:
            stored.add(draft.dedupe_key)
            # Rendered before the first write: the write lock is not held while rendering.
            draft.content  # noqa: B018
            new.append(draft)
    messages = []
    try:
        for draft in new:
            messages.append(_store(draft, now))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return [message for draft in drafts if (message := queue(draft, now)) is not None]
    return messages


def mail_copy(message: Message, address: str, dedupe_key: str, now: datetime) -> Message | None:
    """Store the stored message once more for one address (flushed; the caller commits).

    For a teammate whose Telegram copy of an alert could not go (they blocked the bot,
    the chat is gone, Telegram kept failing): the same subject and bodies, in the same
    language, queued and recorded like any mail, by e-mail whatever they chose. None when
    a message with that dedupe key was stored before.
    """
    if db.session.scalar(select(Message.id).where(Message.dedupe_key == dedupe_key)):
        return None
    # Who was told where, and what delivery did to the stored copy, are the original's.
    own = ("about", "telegram", "links_redacted")
    data = {k: v for k, v in (message.data or {}).items() if k not in own}
    about = tuple(
        (brief, {k: v for k, v in item.items() if k != "brief"})
        for item in (message.data or {}).get("about") or ()
        if (brief := db.session.get(Brief, item["brief"])) is not None
    )
    draft = Draft(
        kind=message.kind,
        dedupe_key=dedupe_key,
        to=[address],
        rendered=Rendered(message.subject, message.text_body, message.html_body),
        locale=message.locale,
        audience=AGENCY,
        email_only=True,
        brief=db.session.get(Brief, message.brief_id) if message.brief_id else None,
        client_id=message.client_id,
        data=data,
        about=about,
    )
    return _store(draft, now)


def _store(draft: Draft, now: datetime) -> Message:
    """Add the message, its Telegram copies and its line on each brief's record (flushed,
    not committed)."""
    routing = (
        Routing(list(draft.to))
        if draft.email_only
        else route(draft.kind, draft.audience, list(draft.to))
    )
    by_telegram_only = bool(draft.to) and not routing.email
    message = Message(
        brief_id=draft.brief.id if draft.brief else None,
        client_id=draft.client_id or (draft.brief.client_id if draft.brief else None),
        kind=draft.kind,
        dedupe_key=draft.dedupe_key,
        to_addrs=routing.email,
        cc_addrs=list(draft.cc or []),
        subject=draft.content.subject,
        text_body=draft.content.text,
        html_body=draft.content.html,
        message_id=f"<{uuid.uuid4().hex}@{mail_domain()}>",
        locale=draft.locale,
        status=BY_TELEGRAM if by_telegram_only else QUEUED,
        next_attempt_at=now,
        created_at=now,
        data=dict(draft.data or {}),
    )
    if draft.about:
        message.data["about"] = [{"brief": brief.id, **facts} for brief, facts in draft.about]
    db.session.add(message)
    db.session.flush()
    if routing.chats:
        covered = [draft.brief] if draft.brief is not None else [b for b, _f in draft.about]
        queue_copies(message, routing, alert_text(draft.subject, covered), now)
        # Which teammates were told in Telegram (a new dict: JSON is saved on assignment).
        message.data = {**message.data, "telegram": [user for user, _chat in routing.chats]}
    about = [(draft.brief, draft.data or {})] if draft.brief is not None else draft.about
    for brief, facts in about:
        record_message(
            brief, "message_queued", message, now, to=message.to_addrs, cc=message.cc_addrs, **facts
        )
    return message


def due_messages(now: datetime) -> list[Message]:
    """List the messages a run would deliver now (for --dry-run)."""
    return list(
        db.session.scalars(select(Message).where(claims.due(Message, now)).order_by(Message.id))
    )


def retry(message: Message, now: datetime) -> None:
    """Put a failed message back in the queue at once (a person asked for it)."""
    claims.release(message, now)
    message.attempts = 0
    message.data_sent_at = None


def told_keys(brief_ids: list[int], kind: str) -> set[str]:
    """Return the per-brief dedupe keys that mails of a kind about several briefs covered.

    Read from the briefs' records rather than the outbox: a mail about several briefs
    belongs to none of them (Message.brief_id is empty) but is recorded on each.
    """
    if not brief_ids:
        return set()
    told: set[str] = set()
    for data in db.session.scalars(
        select(Event.data).where(Event.brief_id.in_(brief_ids), Event.kind == "message_queued")
    ):
        if (data or {}).get("message_kind") == kind:
            told.update(data.get("keys") or ())
    return told

"""Comment threads per field between the agency and the client, and their resolution."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from briefs.extensions import db
from briefs.models import Brief, BriefField, Comment
from briefs.rules.answers import plain_text
from briefs.rules.event_chain import comment_digest
from briefs.workflow import Actor, record, refuse_if_closed

#: Longest comment accepted, in characters.
MAX_COMMENT = 5000


def add_comment(
    brief: Brief, field: BriefField, body: str, *, side: str, actor: Actor, now: datetime
) -> Comment:
    """Add a comment to a field's thread; a resolved thread opens again."""
    refuse_if_closed(brief, "comment")
    comment = Comment(
        brief_id=brief.id,
        field_id=field.id,
        side=side,
        author=actor.label,
        author_user_id=actor.user_id,
        body=body,
        created_at=now,
    )
    db.session.add(comment)
    field.comments_resolved_at = None
    db.session.flush()  # the comment's id, which the event points at
    record(
        brief,
        "comment_added",
        actor,
        now,
        field=field,
        side=side,
        body=body,
        comment=comment.id,
        sha256=comment_digest(body),
    )
    return comment


def resolve(brief: Brief, field: BriefField, *, actor: Actor, now: datetime) -> bool:
    """Mark a field's thread resolved; False when it already was."""
    refuse_if_closed(brief, "comment")
    if field.comments_resolved_at is not None:
        return False
    field.comments_resolved_at = now
    record(brief, "comments_resolved", actor, now, field=field)
    return True


def comments_by_field(brief_id: int) -> dict[int, list[Comment]]:
    """Return the brief's comments grouped by field id, oldest first, in one query."""
    grouped: dict[int, list[Comment]] = defaultdict(list)
    rows = db.session.scalars(
        select(Comment).where(Comment.brief_id == brief_id).order_by(Comment.id)
    )
    for comment in rows:
        grouped[comment.field_id].append(comment)
    return grouped


def clean_body(raw: str | None) -> str | None:
    """Return the comment text to store, or None when it is empty or too long.

    Invisible control characters go, as from answers: PostgreSQL refuses a NUL, and the
    rest only garble the thread and the e-mails that quote it.
    """
    body = plain_text(raw or "").strip()
    if not body or len(body) > MAX_COMMENT:
        return None
    return body

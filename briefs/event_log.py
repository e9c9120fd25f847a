"""Reading the event log as a chain: its head, for digests and exports, and a full check.

The chain itself is appended to by `workflow.record`; the rules are in
`rules/event_chain.py`. What the chain proves, and what it cannot, is in the README.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from briefs.extensions import db
from briefs.models import Answer, BriefField, ChainHead, Comment, Event, Review
from briefs.rules.event_chain import Report, check_chain, check_values


@dataclass(frozen=True)
class Head:
    """Where the chain ends: how many events it holds and the last one's hash."""

    count: int
    hash: str


def chain_head() -> Head:
    """Return the chain's head in one query (0 events and "" before the first)."""
    row = db.session.execute(
        select(ChainHead.seq, ChainHead.hash).where(ChainHead.id == 1)
    ).one_or_none()
    return Head(row.seq, row.hash) if row else Head(0, "")


def chain_position(event: Event) -> tuple[int, int]:
    """Sort key of an event in the chain: its position, then its id (before positions)."""
    return (event.seq or 0, event.id)


_COLUMNS = (
    Event.id, Event.seq, Event.brief_id, Event.kind, Event.actor_kind, Event.actor_user_id,
    Event.actor_label, Event.field_id, Event.data, Event.created_at, Event.prev_hash,
    Event.hash,
)  # fmt: skip


def check_log(expected_head: str | None = None) -> Report:
    """Walk the whole chain in its order and check every event and every value it wrote."""
    # Events from before the chain had positions (none after migration 0006) come first.
    rows = [
        row._asdict()
        for row in db.session.execute(
            select(*_COLUMNS).order_by(Event.seq.is_(None).desc(), Event.seq, Event.id)
        )
    ]
    answers = {
        (field_id, number): (value, not_applicable)
        for field_id, number, value, not_applicable in db.session.execute(
            select(Answer.field_id, Answer.number, Answer.value, Answer.not_applicable)
        )
    }
    current = {
        field_id: (revision, value, not_applicable)
        for field_id, revision, value, not_applicable in db.session.execute(
            select(BriefField.id, BriefField.revision, BriefField.value, BriefField.not_applicable)
        )
    }
    comments = dict(db.session.execute(select(Comment.id, Comment.body)).tuples().all())
    reviews = {
        review_id: (verdict, comment)
        for review_id, verdict, comment in db.session.execute(
            select(Review.id, Review.verdict, Review.comment)
        )
    }
    value_breaks = check_values(
        rows, answers=answers, current=current, comments=comments, reviews=reviews
    )
    return check_chain(rows, expected_head=expected_head, value_breaks=value_breaks)

"""The event log as a chain: appending to it under one lock, its head, and a full check.

`workflow.record` appends every event through `chain`; the hashing rules are in
`rules/event_chain.py`. What the chain proves, and what it cannot, is in the README.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.attributes import set_committed_value

from briefs.extensions import db
from briefs.models import Answer, BriefField, ChainHead, Comment, Event, Review
from briefs.rules.event_chain import Report, check_chain, check_values, event_hash

# Built once: every save runs them (as briefs.whole_brief says, building a statement and its
# cache key on each call costs more than running it).
_EVENTS, _HEADS = Event.__table__, ChainHead.__table__
_BUMP_HEAD = (
    update(_HEADS)
    .where(_HEADS.c.id == 1)
    .values(seq=_HEADS.c.seq + 1)
    .returning(_HEADS.c.seq, _HEADS.c.hash)
)
_PLACE_EVENT = (
    update(_EVENTS)
    .where(_EVENTS.c.id == bindparam("b_id"))
    .values(seq=bindparam("b_seq"), prev_hash=bindparam("b_prev"), hash=bindparam("b_hash"))
)
_MOVE_HEAD_HASH = update(_HEADS).where(_HEADS.c.id == 1).values(hash=bindparam("b_hash"))


def chain(event: Event) -> None:
    """Append the event to the end of the chain, under the chain head's lock.

    The head row is updated before anything is read from it: on PostgreSQL that locks the
    row until this transaction ends (a second writer waits, then sees the new head), on
    SQLite it takes the database's write lock. So the event's position and the hash it
    follows are taken together, and the chain's order is the order writers got the lock
    (ids are handed out before it and say nothing about that order).
    """
    # Everything pending first, the event's id among them (its hash covers it): rows are
    # written, and their locks taken, before the head's, in the same order on every path.
    db.session.flush()
    head = _lock_head()
    placed = {"seq": head.seq, "prev_hash": head.hash}
    placed["hash"] = event_hash(
        prev_hash=head.hash,
        id=event.id,
        brief_id=event.brief_id,
        kind=event.kind,
        actor_kind=event.actor_kind,
        actor_user_id=event.actor_user_id,
        actor_label=event.actor_label,
        field_id=event.field_id,
        data=event.data,
        created_at=event.created_at,
    )
    # Written straight to the tables (no second flush of the session for three columns),
    # and set on the event as the database now holds them.
    db.session.execute(
        _PLACE_EVENT,
        {"b_id": event.id, "b_seq": head.seq, "b_prev": head.hash, "b_hash": placed["hash"]},
    )
    db.session.execute(_MOVE_HEAD_HASH, {"b_hash": placed["hash"]})
    for name, value in placed.items():
        set_committed_value(event, name, value)


@dataclass(frozen=True)
class _Head:
    #: The position the new event takes.
    seq: int
    #: The hash of the event it follows.
    hash: str


def _lock_head() -> _Head:
    """Lock the chain head, move it one position on, and return where the new event goes.

    One statement: the UPDATE hands back the moved head (RETURNING, on SQLite since 3.35).
    """
    moved = db.session.execute(_BUMP_HEAD).first()
    if moved is None:
        _start_head()
        moved = db.session.execute(_BUMP_HEAD).one()
    return _Head(moved.seq, moved.hash)


def _start_head() -> None:
    """Create the chain head where there is none yet (a database made from the models).

    It starts at the last event chained, if any; two writers may both try, one insert wins.
    """
    last = db.session.execute(
        select(Event.seq, Event.hash)
        .where(Event.seq.is_not(None), Event.hash != "")
        .order_by(Event.seq.desc())
        .limit(1)
    ).one_or_none()
    seq, previous = last if last else (0, "")
    insert = (sqlite_insert if db.session.get_bind().dialect.name == "sqlite" else pg_insert)(
        ChainHead
    )
    db.session.execute(insert.values(id=1, seq=seq, hash=previous).on_conflict_do_nothing())


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
    # Events from before the chain had positions (none after migration 0009) come first.
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

"""Leased claims: which queued row a send-due run may take, and whether it still holds it.

Mail, webhooks and Telegram (mail.delivery, webhooks.delivery, telegram.delivery) deliver
a row of a RetryState table through short transactions around one slow call (SMTP, a
POST, sendMessage) made with nothing open in the database:

1. `claim_next`: one conditional UPDATE stamps a claimable row (due, or held by a run
   whose lease ran out) with the run's id and a lease, and counts the attempt. The WHERE
   is checked again on the row itself: of two runs, one wins it. What the call needs is
   read, then the transaction ends.
2. the call, with no transaction open.
3. `hold`: the first write of the transaction that records the outcome, made only while
   the claim is still the run's (it locks the row; on SQLite the database). A run that
   lost its claim rolls back and records nothing, so an outcome is recorded once.
   `retry` then queues a failed row again after a back-off (or the caller gives it up).

At least once: a run that dies after the call leaves its lease to run out, and the next
run takes the row over (mail alone holds back a message whose content may have gone).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import and_, select, update
from sqlalchemy.sql.elements import ColumnElement

from briefs.extensions import db
from briefs.models.retry_state import QUEUED, SENDING, RetryState

Row = TypeVar("Row", bound=RetryState)
Held = TypeVar("Held")


def due(model: type[RetryState], now: datetime) -> ColumnElement[bool]:
    """Queued and its time come."""
    return and_(model.status == QUEUED, model.next_attempt_at <= now)


def lease_ran_out(model: type[RetryState], moment: datetime) -> ColumnElement[bool]:
    """Being sent by a run whose lease ran out before `moment` (the run died or hung)."""
    return and_(model.status == SENDING, model.lease_until < moment)


def claim_next(
    model: type[Row],
    claimable: ColumnElement[bool],
    run_id: str,
    lease_until: datetime,
    read: Callable[[Row], Held],
    **stamp,
) -> Held | None:
    """Claim the first claimable row for the run until `lease_until`; return what `read`
    takes from it, or None when there is none. Commits.

    `stamp` are more columns set by the claiming UPDATE.
    """
    while True:
        found = db.session.scalar(select(model.id).where(claimable).order_by(model.id).limit(1))
        if found is None:
            db.session.commit()
            return None
        # The WHERE is checked again on the row itself: of two runs, one wins it.
        won = db.session.execute(
            update(model)
            .where(model.id == found, claimable)
            .values(
                status=SENDING,
                claimed_by=run_id,
                lease_until=lease_until,
                attempts=model.attempts + 1,
                **stamp,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if won == 1:
            break
    held = read(db.session.get(model, found, populate_existing=True))
    # Ends the read transaction too: nothing stays open during the slow call.
    db.session.commit()
    return held


def hold(
    model: type[RetryState],
    row_id: int,
    run_id: str,
    *also: ColumnElement[bool],
    lease_until: datetime | None = None,
    **values,
) -> bool:
    """Whether the run still holds the row (and `also` is true of it): if so set its lease
    (None: ended) and `values`, in the caller's transaction; if not, roll back.
    """
    held = db.session.execute(
        update(model)
        .where(model.id == row_id, model.status == SENDING, model.claimed_by == run_id, *also)
        .values(lease_until=lease_until, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not held:
        db.session.rollback()
    return bool(held)


def retry(row: RetryState, now: datetime, delay: timedelta) -> None:
    """Queue the row again, to be tried `delay` after `now` (a back-off)."""
    row.status = QUEUED
    row.next_attempt_at = now + delay


def release(row: RetryState, now: datetime) -> None:
    """Queue the row to be tried at `now`, held by no run, whatever became of it (a person
    asked); a run still holding it can then record nothing."""
    row.status = QUEUED
    row.next_attempt_at = now
    row.claimed_by = ""
    row.lease_until = None

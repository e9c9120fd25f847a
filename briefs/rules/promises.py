"""Promises logged by the agency ("Pavel will send it by the 18th"), and whether they held.

Pure rules: a promise is read from an off-system entry's data; whether it held is judged
from the client's requests measured by briefs.rules.ball_in_court.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from briefs.rules.ball_in_court import Request
from briefs.rules.whose_move import CLIENT

PENDING = "pending"
KEPT = "kept"
NOT_KEPT = "not_kept"


@dataclass(frozen=True)
class Promise:
    """Who promised the answers, by which day, and when the promise was made."""

    by: str
    due: date
    made_at: datetime


def promise_data(by: str, due: date) -> dict:
    """Return how a promise is stored in an off-system entry's data."""
    return {"by": by, "due": due.isoformat()}


def read_promise(data: Mapping | None, made_at: datetime) -> Promise | None:
    """Return the promise an entry's data carries, or None (also for a malformed one)."""
    stored = (data or {}).get("promise")
    if not isinstance(stored, Mapping):
        return None
    try:
        due = date.fromisoformat(str(stored.get("due")))
    except ValueError:
        return None
    return Promise(by=str(stored.get("by") or ""), due=due, made_at=made_at)


def promise_deadline(promise: Promise, tz: tzinfo) -> datetime:
    """Return the end of the promised day in `tz`: answers before it came in time."""
    return datetime.combine(promise.due + timedelta(days=1), time(0), tzinfo=tz)


def outcome(promise: Promise, requests: Sequence[Request], now: datetime, tz: tzinfo) -> str:
    """Tell whether a promise was kept, not kept, or is still pending at `now`.

    It is kept when every question the client owed when it was made was answered by the
    end of the promised day (so at once if nothing was owed); not kept once that day is
    over without them.
    """
    deadline = promise_deadline(promise, tz)
    owed = [r for r in requests if r.side == CLIENT and r.asked_at <= promise.made_at]
    if all(r.closed_at is not None and r.closed_at < deadline for r in owed):
        return KEPT
    if now >= deadline:
        return NOT_KEPT
    return PENDING


def outcomes(
    entries: Iterable[tuple[int, Mapping | None, datetime]],
    requests: Sequence[Request],
    now: datetime,
    tz: tzinfo,
) -> dict[int, str]:
    """Judge every promise among off-system entries (id, data, when it happened), by id."""
    judged: dict[int, str] = {}
    for entry_id, data, made_at in entries:
        promise = read_promise(data, made_at)
        if promise is not None:
            judged[entry_id] = outcome(promise, requests, now, tz)
    return judged

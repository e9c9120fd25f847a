"""The event log as a hash chain: each event's hash covers its content and the hash before.

Pure functions over plain values, shared by the app (when it records an event), the
migration that chained events recorded before the chain existed, and `verify-log`.
Changing how a hash is computed would break every existing chain: don't.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime


def _moment(value: datetime) -> str:
    if value.tzinfo is None:  # as SQLite hands it back: naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *,
    prev_hash: str,
    id: int,  # noqa: A002  (the column's name)
    brief_id: int,
    kind: str,
    actor_kind: str,
    actor_user_id: int | None,
    actor_label: str,
    field_id: int | None,
    data: dict,
    created_at: datetime,
) -> str:
    """Return the SHA-256 hex digest of one event chained to the previous hash."""
    content = {
        "prev": prev_hash,
        "id": id,
        "brief": brief_id,
        "kind": kind,
        "actor": [actor_kind, actor_user_id, actor_label],
        "field": field_id,
        "data": data or {},
        "at": _moment(created_at),
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def value_digest(*parts: object) -> str:
    """Return the SHA-256 hex digest of the value an event wrote (an answer, a comment…)."""
    canonical = json.dumps(list(parts), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    """One place the chain does not hold.

    reason: "prev_hash" (an event deleted, inserted or reordered before this one),
    "content" (this event edited), "value" (the value it wrote was edited since), or
    "head" (the head recorded elsewhere is not in the log: truncated or recomputed).
    """

    event_id: int | None
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class Report:
    """What a walk along the chain found: every break, not only the first."""

    count: int
    head: str
    breaks: tuple[Break, ...]
    #: Where the head recorded elsewhere was found: its position, or None if not checked.
    head_at: int | None = None

    @property
    def holds(self) -> bool:
        return not self.breaks


def check_chain(
    rows: Iterable[dict],
    *,
    expected_head: str | None = None,
    value_breaks: Iterable[Break] = (),
) -> Report:
    """Check a log given in chain order and return every break found.

    After a break the walk goes on from the stored hash, so one edited or deleted event
    is reported once and the events after it are still checked against each other.
    `expected_head` is a head hash recorded elsewhere (a digest, an export): it must be
    one of the chain's hashes, or events were cut off the end or the chain recomputed.
    """
    previous = ""
    count = 0
    breaks: list[Break] = []
    head_at = None
    for row in rows:
        count += 1
        if row["prev_hash"] != previous:
            breaks.append(Break(row["id"], "prev_hash"))
        fields = {k: row[k] for k in row if k not in ("prev_hash", "hash", "seq")}
        if event_hash(prev_hash=row["prev_hash"], **fields) != row["hash"]:
            breaks.append(Break(row["id"], "content"))
        previous = row["hash"]
        if expected_head is not None and previous == expected_head:
            head_at = count
    breaks.extend(value_breaks)
    if expected_head is not None and head_at is None:
        breaks.append(Break(None, "head", expected_head))
    return Report(count, previous, tuple(breaks), head_at)


def verify(rows: Iterable[dict]) -> tuple[int, str, Break | None]:
    """Check a log given in chain order; return (events up to the first break, head, break)."""
    rows = list(rows)
    report = check_chain(rows)
    if report.holds:
        return report.count, report.head, None
    first = report.breaks[0]
    position = next(i for i, row in enumerate(rows, 1) if row["id"] == first.event_id)
    return position, rows[position - 2]["hash"] if position > 1 else "", first


def answer_digest(value: str, not_applicable: bool) -> str:
    """Return the digest an answer_saved event carries for one answer."""
    return value_digest(value, bool(not_applicable))


def review_digest(verdict: str, comment: str) -> str:
    """Return the digest a review_given event carries for its review."""
    return value_digest(verdict, comment)


def comment_digest(body: str) -> str:
    """Return the digest a comment_added event carries for its comment."""
    return value_digest(body)


def check_values(
    rows: Iterable[dict],
    *,
    answers: dict[tuple[int, int], tuple[str, bool]],
    current: dict[int, tuple[int, str, bool]],
    comments: dict[int, str],
    reviews: dict[int, tuple[str, str]],
) -> list[Break]:
    """Recompute the digest of each value an event wrote and return where it differs.

    `answers` maps (field id, revision) to the stored answer, `current` a field id to its
    (revision, value, not applicable). An answer is checked in its revision and, while it is
    still the field's current one, in the field too. Events recorded before values were
    digested carry none and are not checked here.
    """
    breaks = []
    for row in rows:
        data = row["data"] or {}
        found: list[str | None] = []
        expected: list[str] = []
        if row["kind"] == "answer_saved":
            for item in data.get("answers", ()):
                key = (item["field"], item["number"])
                stored = answers.get(key)
                found.append(answer_digest(*stored) if stored else None)
                expected.append(item["sha256"])
                revision, value, not_applicable = current.get(item["field"], (None, "", False))
                if revision == item["number"]:
                    found.append(answer_digest(value, not_applicable))
                    expected.append(item["sha256"])
        elif row["kind"] == "comment_added" and "sha256" in data:
            body = comments.get(data["comment"])
            found.append(comment_digest(body) if body is not None else None)
            expected.append(data["sha256"])
        elif row["kind"] == "review_given" and "sha256" in data:
            review = reviews.get(data["review"])
            found.append(review_digest(*review) if review else None)
            expected.append(data["sha256"])
        if found != expected:
            missing = None in found
            breaks.append(Break(row["id"], "value", "gone" if missing else "edited"))
    return breaks

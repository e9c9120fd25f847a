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


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold."""

    event_id: int
    reason: str


def verify(rows: Iterable[dict]) -> tuple[int, str, Break | None]:
    """Check a log given in id order; return (events checked, head hash, first break)."""
    previous = ""
    count = 0
    for row in rows:
        count += 1
        if row["prev_hash"] != previous:
            return count, previous, Break(row["id"], "prev_hash")
        fields = {k: row[k] for k in row if k not in ("prev_hash", "hash")}
        if event_hash(prev_hash=previous, **fields) != row["hash"]:
            return count, previous, Break(row["id"], "content")
        previous = row["hash"]
    return count, previous, None

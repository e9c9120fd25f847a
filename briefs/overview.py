"""Where each brief stands: progress, what is missing, whose move. For one or many briefs.

`summarize` is pure; `load_summaries` fetches the fields of any number of briefs in one
query, so a page listing briefs does a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from briefs.extensions import db
from briefs.models import Brief, BriefField, BriefSection
from briefs.rules.completeness import Progress, has_answer, is_missing, is_sent_back, progress
from briefs.rules.whose_move import Move, whose_move


@dataclass(frozen=True)
class BriefSummary:
    """Where one brief stands."""

    brief: Brief
    progress: Progress
    #: Keys of the missing fields, in brief order.
    missing_keys: tuple[str, ...]
    #: Answered fields the agency has not yet accepted or sent back.
    unreviewed: int
    move: Move
    #: The agency's latest ask: sending the link, or sending an answer back.
    last_request_at: datetime | None = None
    #: The client's latest save or submit.
    last_client_at: datetime | None = None
    #: The brief's fields in brief order.
    fields: tuple[BriefField, ...] = ()

    @property
    def missing(self) -> int:
        return self.progress.missing

    @property
    def missing_fields(self) -> list[BriefField]:
        keys = set(self.missing_keys)
        return [field for field in self.fields if field.key in keys]

    @property
    def quiet_since(self) -> datetime | None:
        """When the latest exchange happened; reminders count working days from here."""
        return _latest(self.last_request_at, self.last_client_at)


def _latest(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


def summarize(brief: Brief, fields: Sequence[BriefField]) -> BriefSummary:
    """Judge one brief from its fields (given in brief order)."""
    sent_back_at = [f.reviewed_at for f in fields if is_sent_back(f)]
    unreviewed = sum(1 for f in fields if f.revision and has_answer(f) and f.review_verdict is None)
    missing_keys = tuple(f.key for f in fields if is_missing(f))
    stats = progress(fields)
    last_request_at = _latest(brief.sent_at, *sent_back_at)
    last_client_at = _latest(brief.submitted_at, *(f.answered_at for f in fields))
    open_asks = [
        (f.reviewed_at if is_sent_back(f) else brief.sent_at) for f in fields if is_missing(f)
    ]
    move = whose_move(
        status=brief.status,
        missing=stats.missing,
        unreviewed=unreviewed,
        created_at=brief.created_at,
        last_request_at=last_request_at,
        last_client_at=last_client_at,
        submitted_at=brief.submitted_at,
        waiting_since=min((t for t in open_asks if t is not None), default=None),
    )
    return BriefSummary(
        brief=brief,
        progress=stats,
        missing_keys=missing_keys,
        unreviewed=unreviewed,
        move=move,
        last_request_at=last_request_at,
        last_client_at=last_client_at,
        fields=tuple(fields),
    )


def load_summaries(briefs: Iterable[Brief]) -> list[BriefSummary]:
    """Summarise many briefs with one query for all their fields."""
    briefs = list(briefs)
    if not briefs:
        return []
    by_brief = fields_by_brief([b.id for b in briefs])
    return [summarize(brief, by_brief[brief.id]) for brief in briefs]


def fields_by_brief(brief_ids: list[int]) -> defaultdict[int, list[BriefField]]:
    """Fetch the fields of many briefs in one query, each brief's in the client's order."""
    by_brief: defaultdict[int, list[BriefField]] = defaultdict(list)
    for field in db.session.scalars(
        select(BriefField)
        .join(BriefField.section)
        .where(BriefField.brief_id.in_(brief_ids))
        .order_by(BriefField.brief_id, BriefSection.position, BriefField.position)
    ):
        by_brief[field.brief_id].append(field)
    return by_brief


def brief_fields(brief: Brief) -> list[BriefField]:
    """Return a brief's fields in the order the client sees them."""
    return [field for section in brief.sections for field in section.fields]


def stuck_order(summary: BriefSummary) -> tuple:
    """Sort key: the longest wait first, then the most missing."""
    since = summary.move.since
    never = datetime.max.replace(tzinfo=UTC)
    return (since is None, since or never, -summary.missing, summary.brief.id)

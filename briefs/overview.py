"""Where each brief stands: progress, what is missing, whose move. For one or many briefs.

`summarize` is pure; `load_summaries` fetches the fields of any number of briefs in one
query, so a page listing briefs does a fixed number of queries.

An answer sent back to be told by e-mail is the client's to give only once that mail is
delivered (as rules.ball_in_court measures it): until then the move is still the agency's,
reminders do not count it, and the client's "since" starts at the delivery.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, bindparam, select

from briefs.extensions import db
from briefs.models import Brief, BriefField, BriefSection, Comment, Event
from briefs.rules.completeness import (
    CHANGES_REQUESTED,
    Progress,
    has_answer,
    is_missing,
    is_sent_back,
    progress,
)
from briefs.rules.conditions import hidden_keys
from briefs.rules.whose_move import AGENCY, CLIENT, Move, whose_move


@dataclass(frozen=True)
class CommentFact:
    """Who wrote a comment on which field, and when: what whose-move needs of it."""

    field_id: int
    side: str
    created_at: datetime


@dataclass(frozen=True)
class Telling:
    """How an answer sent back reaches the client: by e-mail or not, and when delivered."""

    by_mail: bool
    #: When the first mail naming it was delivered (None while it is on its way).
    delivered_at: datetime | None = None


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
    #: The client's latest save, submit or comment.
    last_client_at: datetime | None = None
    #: The brief's fields in brief order (from briefs.brief_tallies: only the notable ones,
    #: as narrow `FieldFacts`; every missing field is among them).
    fields: tuple[BriefField, ...] = ()
    #: Keys of the missing answers sent back whose mail has not reached the client yet.
    telling: tuple[str, ...] = ()

    @property
    def missing(self) -> int:
        return self.progress.missing

    @property
    def owed(self) -> int:
        """How many missing answers the client owes now (a request on its way is not owed)."""
        return self.missing - len(self.telling)

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


def open_question_since(
    fields: Sequence[BriefField], comments: Sequence[CommentFact]
) -> datetime | None:
    """Return since when the oldest client question waits for the agency's reply.

    A field's thread waits on the agency from the first client comment after the agency's
    last one, unless the thread was resolved since.
    """
    asked: dict[int, datetime] = {}
    for comment in comments:
        if comment.side == AGENCY:
            asked.pop(comment.field_id, None)
        elif comment.side == CLIENT:
            asked.setdefault(comment.field_id, comment.created_at)
    if not asked:
        return None
    resolved = {f.id: f.comments_resolved_at for f in fields}
    waiting = [
        at
        for field_id, at in asked.items()
        if not resolved.get(field_id) or resolved[field_id] < at
    ]
    return min(waiting, default=None)


@dataclass(frozen=True)
class Tally:
    """What a brief's summary counts over all its fields (SQL can count it too)."""

    progress: Progress
    #: Answered fields the agency has not yet accepted or sent back.
    unreviewed: int
    #: The latest answer's moment.
    last_answered_at: datetime | None
    #: Missing fields that were never sent back (asked since the brief was sent).
    plain_missing: int = 0
    #: Keys of every missing field, when counted in SQL (in no set order); None: take
    #: them from the fields given to `judge`.
    missing_keys: tuple[str, ...] | None = None
    #: Keys of the questions hidden by their conditions (neither owed nor reviewed).
    hidden: frozenset[str] = frozenset()


def tally(fields: Iterable[BriefField]) -> Tally:
    """Count over every field of a brief what its summary needs of all of them."""
    fields = list(fields)
    hidden = hidden_keys(fields)
    applying = [f for f in fields if f.key not in hidden]
    return Tally(
        progress=progress(applying, hidden),
        unreviewed=sum(
            1 for f in applying if f.revision and has_answer(f) and f.review_verdict is None
        ),
        last_answered_at=_latest(*(f.answered_at for f in fields)),
        plain_missing=sum(1 for f in applying if is_missing(f) and not is_sent_back(f)),
        hidden=hidden,
    )


def is_notable(field: BriefField) -> bool:
    """Tell whether `judge` must see the field itself rather than only its count."""
    return is_sent_back(field) or field.comments_resolved_at is not None


def summarize(
    brief: Brief,
    fields: Sequence[BriefField],
    comments: Sequence[CommentFact] = (),
    telling: Mapping[int, Telling] | None = None,
) -> BriefSummary:
    """Judge one brief from its fields (given in brief order) and its comments (oldest first).

    `telling` says, by field id, how each answer sent back reaches the client; without it
    an answer sent back is asked of the client at the moment of the review.
    """
    return judge(brief, tally(fields), fields, comments, telling)


def judge(
    brief: Brief,
    counts: Tally,
    fields: Sequence[BriefField],
    comments: Sequence[CommentFact] = (),
    telling: Mapping[int, Telling] | None = None,
) -> BriefSummary:
    """Judge one brief from its counts and its notable fields (`is_notable`), in brief order.

    Any other field may be given too; it changes nothing. This is what lets a list of many
    briefs count in SQL and fetch only the few fields that need looking at one by one.
    """
    telling = telling or {}

    def asked_back(field: BriefField) -> datetime | None:
        """When a sent-back answer became the client's to give (None: not yet)."""
        told = telling.get(field.id) if telling else None
        if told is None or not told.by_mail:
            return field.reviewed_at
        return told.delivered_at

    # A question hidden by its condition is neither owed nor waiting for review.
    applying = [f for f in fields if f.key not in counts.hidden]
    sent_back = [f for f in applying if is_sent_back(f)]
    on_the_way = [f for f in sent_back if asked_back(f) is None and f.reviewed_at is not None]
    missing_keys = (
        tuple(f.key for f in applying if is_missing(f))
        if counts.missing_keys is None
        else counts.missing_keys
    )
    stats = counts.progress
    last_request_at = _latest(brief.sent_at, *(asked_back(f) for f in sent_back))
    client_comments = (c.created_at for c in comments if c.side == CLIENT)
    last_client_at = _latest(brief.submitted_at, counts.last_answered_at, *client_comments)
    # Asked when sent back, or else since the brief was sent.
    open_asks = [asked_back(f) for f in sent_back if is_missing(f)]
    open_asks += [brief.sent_at] * bool(counts.plain_missing)
    telling_keys = tuple(f.key for f in on_the_way if is_missing(f))
    move = whose_move(
        status=brief.status,
        missing=stats.missing - len(telling_keys),
        unreviewed=counts.unreviewed,
        created_at=brief.created_at,
        last_request_at=last_request_at,
        last_client_at=last_client_at,
        submitted_at=brief.submitted_at,
        waiting_since=min((t for t in open_asks if t is not None), default=None),
        question_since=open_question_since(fields, comments),
        telling_since=min((f.reviewed_at for f in on_the_way), default=None),
    )
    return BriefSummary(
        brief=brief,
        progress=stats,
        missing_keys=missing_keys,
        unreviewed=counts.unreviewed,
        move=move,
        last_request_at=last_request_at,
        last_client_at=last_client_at,
        fields=tuple(fields),
        telling=telling_keys,
    )


def load_summaries(briefs: Iterable[Brief]) -> list[BriefSummary]:
    """Summarise many briefs with one query for all their fields and one for comments."""
    briefs = list(briefs)
    if not briefs:
        return []
    ids = [b.id for b in briefs]
    by_brief = fields_by_brief(ids)
    comments = comments_by_brief(ids)
    telling = load_telling([f for fields in by_brief.values() for f in fields])
    return [summarize(brief, by_brief[brief.id], comments[brief.id], telling) for brief in briefs]


def load_telling(fields: Iterable[BriefField]) -> dict[int, Telling]:
    """Return how each sent-back field is told, by field id (always one query).

    Read from the record, as rules.ball_in_court reads it: the review says whether a mail
    tells it; a mail's queued event names the questions it told, its sent event the
    delivery. Only a mail queued after the latest review counts for that review.
    """
    sent_back = [f for f in fields if is_sent_back(f) and f.reviewed_at is not None]
    since = min((f.reviewed_at for f in sent_back), default=None)
    query = select(Event.brief_id, Event.field_id, Event.kind, Event.data, Event.created_at).where(
        Event.brief_id.in_({f.brief_id for f in sent_back}),
        Event.kind.in_(("review_given", "message_queued", "message_sent")),
    )
    if since is not None:
        query = query.where(Event.created_at >= since)
    wanted = {f.id for f in sent_back}
    by_mail: dict[int, bool] = {}
    queued: dict[tuple[int, object], tuple[tuple[str, ...], datetime]] = {}
    delivered: defaultdict[tuple[int, str], list[tuple[datetime, datetime]]] = defaultdict(list)
    for row in db.session.execute(query.order_by(Event.id)):
        data = row.data or {}
        if row.kind == "review_given" and row.field_id in wanted:
            by_mail[row.field_id] = data.get("verdict") == CHANGES_REQUESTED and bool(
                data.get("by_mail")
            )
        elif data.get("message_kind") != CHANGES_REQUESTED:
            continue
        elif row.kind == "message_queued":
            keys = tuple(data.get("missing") or ())
            queued[(row.brief_id, data.get("message"))] = (keys, row.created_at)
        elif row.kind == "message_sent":
            keys, queued_at = queued.get((row.brief_id, data.get("message")), ((), row.created_at))
            for key in keys:
                delivered[(row.brief_id, key)].append((queued_at, row.created_at))
    return {
        f.id: Telling(
            by_mail.get(f.id, False),
            min(
                (
                    at
                    for queued_at, at in delivered[(f.brief_id, f.key)]
                    if queued_at >= f.reviewed_at
                ),
                default=None,
            ),
        )
        for f in sent_back
    }


_COMMENT_FACTS = select(
    Comment.brief_id, Comment.field_id, Comment.side, Comment.created_at
).order_by(Comment.id)
_COMMENTS_OF = _COMMENT_FACTS.where(Comment.brief_id.in_(bindparam("brief_ids", expanding=True)))


def comments_by_brief(brief_ids: list[int] | Select) -> defaultdict[int, list[CommentFact]]:
    """Fetch who commented on which field when, for many briefs, oldest first (one query).

    The briefs are given by id, or as a query selecting their ids.
    """
    by_brief: defaultdict[int, list[CommentFact]] = defaultdict(list)
    if isinstance(brief_ids, Select):
        rows = db.session.execute(_COMMENT_FACTS.where(Comment.brief_id.in_(brief_ids)))
    else:  # every save asks for its brief's: the statement built once (briefs.whole_brief)
        rows = db.session.execute(_COMMENTS_OF, {"brief_ids": list(brief_ids)})
    for row in rows:
        by_brief[row.brief_id].append(CommentFact(row.field_id, row.side, row.created_at))
    return by_brief


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

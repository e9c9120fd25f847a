"""Summaries of many briefs counted in SQL: no field's texts, options or answers loaded.

A list of briefs (the dashboard) needs each brief's counts and only a few of its fields one
by one: those sent back or with a resolved comment thread (`overview.is_notable`). The
counts (and the missing keys) come from one aggregate query joined to the briefs' own
narrow columns, the notable fields from one query of narrow columns, and `overview.judge`
turns both into the `BriefSummary` that `overview.summarize` gives from every field, with
two differences: its `brief` is a `BriefFacts` until `with_briefs` loads the real ones,
and its `fields` are only the notable ones (so `missing_fields` lists only those sent back).

Computed at read time rather than kept as columns on the brief: nothing has to be kept in
step on every path that changes an answer, a review or a template, and the aggregate reads
only the narrow columns of the brief's fields.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, Text, and_, case, cast, func, not_, or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from briefs.extensions import db
from briefs.models import Brief, BriefField, BriefSection, Contact
from briefs.models.brief import CLOSED, brief_recipient
from briefs.overview import (
    BriefSummary,
    Tally,
    comments_by_brief,
    judge,
    load_telling,
    tally,
)
from briefs.rules.completeness import CHANGES_REQUESTED, Progress

#: Every character `str.isspace` counts: an answer of only these is blank (rules.completeness).
BLANK = "".join(c for c in map(chr, range(0x110000)) if c.isspace())

#: The field holds a usable answer: `rules.completeness.has_answer`, in SQL.
HAS_ANSWER: ColumnElement[bool] = or_(
    BriefField.not_applicable,
    func.ltrim(func.coalesce(BriefField.value, ""), BLANK) != "",
)
#: `rules.completeness.is_sent_back`, in SQL.
SENT_BACK: ColumnElement[bool] = func.coalesce(BriefField.review_verdict, "") == CHANGES_REQUESTED
#: The field has a show/hide condition (a JSON column keeps "no condition" as SQL NULL or
#: as JSON null, depending on the path that wrote it).
HAS_CONDITION: ColumnElement[bool] = and_(
    BriefField.condition.is_not(None), cast(BriefField.condition, Text) != "null"
)
#: `rules.completeness.is_missing`, in SQL.
MISSING: ColumnElement[bool] = and_(BriefField.required, or_(SENT_BACK, not_(HAS_ANSWER)))


@dataclass(frozen=True)
class BriefFacts:
    """The columns of a brief that judging it and its launch risk read."""

    id: int
    status: str
    created_at: datetime
    sent_at: datetime | None
    submitted_at: datetime | None
    launch_date: date | None
    work_days: int

    @property
    def is_closed(self) -> bool:
        return self.status == CLOSED


@dataclass(frozen=True)
class FieldFacts:
    """The columns of a field that judging a brief reads; none of its texts."""

    id: int
    brief_id: int
    key: str
    required: bool
    answered: bool
    not_applicable: bool
    review_verdict: str | None
    revision: int
    answered_at: datetime | None
    reviewed_at: datetime | None
    comments_resolved_at: datetime | None

    @property
    def value(self) -> str:
        """Stands in for the answer's text: blank exactly when the answer is."""
        return "answered" if self.answered else ""


@dataclass(frozen=True)
class ConditionalFacts:
    """A field of a brief with show/hide conditions: its answer's text and its condition,
    which whether the questions after it apply depends on; still none of its other texts."""

    id: int
    brief_id: int
    key: str
    required: bool
    not_applicable: bool
    review_verdict: str | None
    revision: int
    answered_at: datetime | None
    reviewed_at: datetime | None
    comments_resolved_at: datetime | None
    value: str | None
    condition: dict | None


def _count(condition: ColumnElement[bool]):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def tallies(brief_ids: Select):
    """Return the per-brief counts of the given briefs' fields, as a subquery by brief_id."""
    return (
        select(
            BriefField.brief_id.label("brief_id"),
            _count(BriefField.required).label("required"),
            _count(and_(BriefField.required, not_(MISSING))).label("answered"),
            _count(
                and_(
                    func.coalesce(BriefField.revision, 0) != 0,
                    HAS_ANSWER,
                    BriefField.review_verdict.is_(None),
                )
            ).label("unreviewed"),
            _count(and_(MISSING, not_(SENT_BACK))).label("plain_missing"),
            func.max(BriefField.answered_at).label("last_answered_at"),
            func.aggregate_strings(case((MISSING, BriefField.key)), "\n").label("missing_keys"),
            _count(HAS_CONDITION).label("conditional"),
        )
        .where(BriefField.brief_id.in_(brief_ids))
        .group_by(BriefField.brief_id)
        .subquery()
    )


def briefs_with_tallies(where: list[ColumnElement[bool]]) -> list[tuple[BriefFacts, Tally]]:
    """Return the briefs matching `where`, narrow, each with its counts (one query)."""
    counts = tallies(select(Brief.id).where(*where))
    rows = db.session.execute(
        select(
            Brief.id,
            Brief.status,
            Brief.created_at,
            Brief.sent_at,
            Brief.submitted_at,
            Brief.launch_date,
            Brief.work_days,
            counts.c.required,
            counts.c.answered,
            counts.c.unreviewed,
            counts.c.plain_missing,
            counts.c.last_answered_at,
            counts.c.missing_keys,
            counts.c.conditional,
        )
        .outerjoin(counts, counts.c.brief_id == Brief.id)
        .where(*where)
        .order_by(Brief.id)
    )
    return [
        (
            BriefFacts(*row[:7]),
            Tally(
                progress=Progress(answered=int(row.answered or 0), required=int(row.required or 0)),
                unreviewed=int(row.unreviewed or 0),
                last_answered_at=row.last_answered_at,
                plain_missing=int(row.plain_missing or 0),
                missing_keys=tuple(row.missing_keys.split("\n")) if row.missing_keys else (),
                # Counted in Python instead (`conditional_fields`): SQL cannot tell which
                # questions a brief's conditions hide.
                hidden=CONDITIONAL if row.conditional else frozenset(),
            ),
        )
        for row in rows
    ]


#: Marks a tally that SQL cannot give: the brief has conditions (see `summaries_where`).
CONDITIONAL = frozenset({"\0conditional"})


def conditional_fields(brief_ids: list[int]) -> defaultdict[int, list[ConditionalFacts]]:
    """Fetch every field of briefs with conditions, narrow but with answers (one query)."""
    by_brief: defaultdict[int, list[ConditionalFacts]] = defaultdict(list)
    rows = db.session.execute(
        select(
            BriefField.id,
            BriefField.brief_id,
            BriefField.key,
            BriefField.required,
            BriefField.not_applicable,
            BriefField.review_verdict,
            BriefField.revision,
            BriefField.answered_at,
            BriefField.reviewed_at,
            BriefField.comments_resolved_at,
            BriefField.value,
            BriefField.condition,
        )
        .join(BriefSection, BriefSection.id == BriefField.section_id)
        .where(BriefField.brief_id.in_(brief_ids))
        .order_by(BriefField.brief_id, BriefSection.position, BriefField.position)
    )
    for row in rows:
        by_brief[row.brief_id].append(ConditionalFacts(*row))
    return by_brief


def notable_fields(brief_ids: Select) -> defaultdict[int, list[FieldFacts]]:
    """Fetch the notable fields of many briefs, narrow, each brief's in order (one query)."""
    by_brief: defaultdict[int, list[FieldFacts]] = defaultdict(list)
    rows = db.session.execute(
        select(
            BriefField.id,
            BriefField.brief_id,
            BriefField.key,
            BriefField.required,
            HAS_ANSWER.label("answered"),
            BriefField.not_applicable,
            BriefField.review_verdict,
            BriefField.revision,
            BriefField.answered_at,
            BriefField.reviewed_at,
            BriefField.comments_resolved_at,
        )
        .join(BriefSection, BriefSection.id == BriefField.section_id)
        .where(
            BriefField.brief_id.in_(brief_ids),
            or_(SENT_BACK, BriefField.comments_resolved_at.is_not(None)),
        )
        .order_by(BriefField.brief_id, BriefSection.position, BriefField.position)
    )
    for row in rows:
        # Some databases hand the SQL truth back as 0 or 1.
        by_brief[row.brief_id].append(FieldFacts(*row[:4], bool(row[4]), *row[5:]))
    return by_brief


def summaries_where(where: list[ColumnElement[bool]]) -> list[BriefSummary]:
    """Summarise every brief matching `where` in four or five queries, whatever their number.

    The briefs, narrow, with their counts; their notable fields; their comments; how their
    answers sent back were told.
    """
    counted = briefs_with_tallies(where)
    if not counted:
        return []
    ids = select(Brief.id).where(*where)
    fields = notable_fields(ids)
    # A brief whose questions show only when earlier answers allow is counted from its
    # answers (one more query when any such brief is listed).
    conditional = [brief.id for brief, counts in counted if counts.hidden is CONDITIONAL]
    if conditional:
        full = conditional_fields(conditional)
        counted = [
            (brief, tally(full[brief.id]) if counts.hidden is CONDITIONAL else counts)
            for brief, counts in counted
        ]
        fields.update(full)
    comments = comments_by_brief(ids)
    telling = load_telling([f for facts in fields.values() for f in facts])
    return [
        judge(brief, counts, fields[brief.id], comments[brief.id], telling)
        for brief, counts in counted
    ]


def with_briefs(summaries: list[BriefSummary]) -> list[BriefSummary]:
    """Put the real briefs, with their clients and recipients, into a few summaries (one
    query)."""
    if not summaries:
        return []
    rows = db.session.execute(
        select(Brief, Contact)
        .options(joinedload(Brief.client))
        .outerjoin(brief_recipient, brief_recipient.c.brief_id == Brief.id)
        .outerjoin(Contact, Contact.id == brief_recipient.c.contact_id)
        .where(Brief.id.in_([s.brief.id for s in summaries]))
        .order_by(Brief.id, Contact.id)
    )
    briefs: dict[int, Brief] = {}
    recipients: defaultdict[int, list[Contact]] = defaultdict(list)
    for brief, contact in rows:
        briefs[brief.id] = brief
        if contact is not None:
            recipients[brief.id].append(contact)
    for brief in briefs.values():
        set_committed_value(brief, "recipients", recipients[brief.id])
    return [replace(s, brief=briefs[s.brief.id]) for s in summaries]

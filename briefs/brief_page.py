"""Everything the agency's brief page shows, loaded in a fixed number of queries.

However many fields, revisions, reviews, files and events a brief has, loading it costs
the same handful of queries: relationships are fetched with selectinload, the rest in one
query each.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from briefs.completeness import has_answer, is_missing
from briefs.extensions import db
from briefs.models import Brief, BriefField, BriefSection, Event, Upload, User
from briefs.overview import BriefSummary, brief_fields, summarize


@dataclass(frozen=True)
class BriefPage:
    """One brief with its fields, what is missing, its files and its record."""

    brief: Brief
    fields: list[BriefField]
    summary: BriefSummary
    missing: list[BriefField]
    #: Uploads of the brief by id as text, the way file answers store them.
    uploads: dict[str, Upload]
    events: list[Event]
    #: Names of the users who reviewed, by user id.
    reviewers: dict[int, str]

    @property
    def answered_ids(self) -> set[int]:
        """Ids of the fields that hold an answer the agency can accept."""
        return {field.id for field in self.fields if has_answer(field)}

    @property
    def labels_by_key(self) -> dict[str, str]:
        return {field.key: field.label for field in self.fields}

    @property
    def labels_by_id(self) -> dict[int, str]:
        return {field.id: field.label for field in self.fields}


def load_brief(brief_id: int) -> Brief | None:
    """Load a brief with its client, recipients, fields and their history."""
    return db.session.scalar(
        select(Brief)
        .where(Brief.id == brief_id)
        .options(
            selectinload(Brief.client),
            selectinload(Brief.recipients),
            selectinload(Brief.sections)
            .selectinload(BriefSection.fields)
            .options(selectinload(BriefField.answers), selectinload(BriefField.reviews)),
        )
    )


def load_page(brief_id: int) -> BriefPage | None:
    """Gather what the brief page shows, or None for an unknown brief."""
    brief = load_brief(brief_id)
    if brief is None:
        return None
    fields = brief_fields(brief)
    uploads = db.session.scalars(
        select(Upload).where(Upload.brief_id == brief.id).order_by(Upload.id)
    ).all()
    events = db.session.scalars(
        select(Event).where(Event.brief_id == brief.id).order_by(Event.created_at, Event.id)
    ).all()
    reviewer_ids = {r.user_id for f in fields for r in f.reviews if r.user_id is not None}
    # Always one query, even with no reviews, so the page's query count stays fixed.
    reviewers = dict(
        db.session.execute(select(User.id, User.name).where(User.id.in_(reviewer_ids))).all()
    )
    return BriefPage(
        brief=brief,
        fields=fields,
        summary=summarize(brief, fields),
        missing=[field for field in fields if is_missing(field)],
        uploads={str(upload.id): upload for upload in uploads},
        events=list(events),
        reviewers=reviewers,
    )

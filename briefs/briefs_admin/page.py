"""Everything the agency's brief page shows, loaded in a fixed number of queries.

However many fields, revisions, reviews, files and events a brief has, loading it costs
the same handful of queries: relationships are fetched with selectinload, the rest in one
query each.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from briefs.comments import comments_by_field
from briefs.extensions import db
from briefs.handovers import Holder, brief_handovers, holder_names, holders
from briefs.models import (
    Brief,
    BriefField,
    BriefSection,
    Client,
    Comment,
    Event,
    Handover,
    Upload,
    User,
)
from briefs.overview import BriefSummary, brief_fields, summarize
from briefs.rules.completeness import has_answer


@dataclass(frozen=True)
class BriefPage:
    """One brief with its fields, what is missing, its files and its record."""

    brief: Brief
    fields: list[BriefField]
    summary: BriefSummary
    #: Uploads of the brief by id as text, the way file answers store them.
    uploads: dict[str, Upload]
    events: list[Event]
    #: Names of the users who reviewed, by user id.
    reviewers: dict[int, str]
    #: Every hand-over of the brief, active and withdrawn, oldest first.
    handovers: list[Handover] = dataclass_field(default_factory=list)
    #: Colleagues holding questions now, with how far each is.
    holders: list[Holder] = dataclass_field(default_factory=list)
    #: Comment threads by field id, oldest first.
    comments: dict[int, list[Comment]] = dataclass_field(default_factory=dict)

    @property
    def missing(self) -> list[BriefField]:
        """The missing fields, in brief order."""
        return self.summary.missing_fields

    @cached_property
    def holders_by_field(self) -> dict[int, list[str]]:
        return holder_names(self.holders)

    def labels_for(self, keys: list[str]) -> list[str]:
        """Return the labels of the fields with these keys, skipping unknown keys."""
        labels = self.labels_by_key
        return [labels[key] for key in keys if key in labels]

    @cached_property
    def answered_ids(self) -> set[int]:
        """Ids of the fields that hold an answer the agency can accept."""
        return {field.id for field in self.fields if has_answer(field)}

    @cached_property
    def labels_by_key(self) -> dict[str, str]:
        return {field.key: field.label for field in self.fields}

    @cached_property
    def labels_by_id(self) -> dict[int, str]:
        return {field.id: field.label for field in self.fields}


def load_brief(brief_id: int) -> Brief | None:
    """Load a brief with its client, recipients, fields and their history."""
    return db.session.scalar(
        select(Brief)
        .where(Brief.id == brief_id)
        .options(
            selectinload(Brief.client).selectinload(Client.contacts),
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
    handovers = brief_handovers(brief.id)
    return BriefPage(
        brief=brief,
        fields=fields,
        summary=summarize(brief, fields),
        uploads={str(upload.id): upload for upload in uploads},
        events=list(events),
        reviewers=reviewers,
        handovers=handovers,
        holders=holders(brief, handovers),
        comments=comments_by_field(brief.id),
    )

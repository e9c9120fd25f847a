"""Everything the agency's brief page shows, loaded in a fixed number of queries.

However many fields, revisions, reviews, files and events a brief has, loading it costs
the same handful of queries: relationships are fetched with selectinload, the rest in one
query each. The page's words (status, side, risk) and its forms are built here too, so the
views that show the page only render `BriefPage`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from briefs.accounts import agency_settings
from briefs.briefs_admin.forms import (
    AssignForm,
    BriefReminderForm,
    ConfirmForm,
    ReviewForm,
    assign_choices,
)
from briefs.chase_policy import zone as time_zone
from briefs.chase_status import ChaseStatus, assess_summaries
from briefs.comments import comments_by_field
from briefs.extensions import db
from briefs.handovers import Holder, brief_handovers, holder_names, holders
from briefs.labels import (
    LANGUAGE_LABELS,
    RISK_BADGES,
    RISK_LABELS,
    SIDE_LABELS,
    STATUS_BADGES,
    STATUS_LABELS,
)
from briefs.links import client_link, status_link
from briefs.mail.smtp import parse_smtp_url
from briefs.models import (
    AgencySettings,
    Brief,
    BriefField,
    BriefSection,
    Client,
    Comment,
    Contact,
    Event,
    Handover,
    RecipientLink,
    Upload,
    User,
)
from briefs.overview import BriefSummary, CommentFact, brief_fields, load_telling, summarize
from briefs.rules.completeness import awaits_review, has_answer
from briefs.rules.conditions import hidden_keys
from briefs.rules.whose_move import CLIENT
from briefs.timeline import summary as timeline
from briefs.timeline.sentences import Context, deliveries, folded, save_runs
from briefs.timeline.summary import TimelineSummary

#: What a comment or suggested answer form shows again: (field id, message, typed text).
FieldError = tuple[int, str, str]

#: The kinds of move the action bar offers, one at a time.
SEND, SHARE, REVIEW, REMIND, CLOSE, REOPEN = "send", "share", "review", "remind", "close", "reopen"


@dataclass(frozen=True)
class NextAction:
    """The one move the action bar offers: its kind (SEND, REVIEW, …) and its words."""

    kind: str
    label: str


def next_action(brief: Brief, summary: BriefSummary) -> NextAction:
    """Decide the agency's most useful next move on the brief, from whose move it is."""
    if brief.is_closed:
        return NextAction(REOPEN, _("Reopen the brief"))
    if brief.status == "draft":
        if brief.recipients:
            return NextAction(SEND, _("Send by e-mail"))
        return NextAction(SHARE, _("Share the client link"))
    if summary.unreviewed:
        label = ngettext("Review %(num)d answer", "Review %(num)d answers", summary.unreviewed)
        return NextAction(REVIEW, label)
    if summary.move.side == CLIENT and brief.recipients:
        return NextAction(REMIND, _("Remind now"))
    return NextAction(CLOSE, _("Close the brief"))


@dataclass(frozen=True)
class BriefPage:
    """One brief with its fields, files and record, in the words and forms the page shows."""

    brief: Brief
    fields: list[BriefField]
    summary: BriefSummary
    #: Uploads of the brief by id as text, the way file answers store them.
    uploads: dict[str, Upload]
    events: list[Event]
    #: Names of the users who reviewed, by user id.
    reviewers: dict[int, str]
    #: Every hand-over of the brief, active and withdrawn, oldest first.
    handovers: list[Handover]
    #: Colleagues holding questions now, with how far each is.
    holders: list[Holder]
    #: Comment threads by field id, oldest first.
    comments: dict[int, list[Comment]]
    #: The client link to copy, or None when it cannot be read back.
    client_link: str | None
    #: Each recipient with their own link, which credits what they do to them alone.
    own_links: list[tuple[Contact, str | None]]
    #: The decision-maker's read-only status page.
    status_link: str | None
    status_label: str
    status_badge: str
    side_label: str
    language_label: str
    #: Reminders and the launch risk, with the risk in words.
    chase: ChaseStatus
    risk_label: str
    risk_badge: str
    agency: AgencySettings
    #: The words of a yes/no answer.
    yes_no: dict[str, str]
    #: One review form per field id; a refused one comes back with its errors.
    review_forms: dict[int, ReviewForm]
    #: The field whose "Request changes" form is shown open with its errors.
    failed_field_id: int | None
    action_form: ConfirmForm
    reminder_form: BriefReminderForm
    assign_form: AssignForm
    assign_choices: list[tuple[str, str]]
    comment_error: FieldError | None
    prefill_error: FieldError | None
    #: When the page was built, for the whose-move summary.
    now: datetime
    #: The one move the action bar at the top offers.
    action: NextAction
    #: Whether the page shows only the answers waiting for review.
    review_mode: bool = False
    #: Whether a mail server is configured; without one, mail waits in the Outbox.
    mail_ready: bool = True

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
    def waiting(self) -> list[BriefField]:
        """The answers waiting for the agency to accept or send back, in brief order."""
        hidden = self.hidden_ids
        return [field for field in self.fields if awaits_review(field) and field.id not in hidden]

    @cached_property
    def answered_ids(self) -> set[int]:
        """Ids of the fields that hold an answer the agency can accept."""
        return {field.id for field in self.fields if has_answer(field)}

    @cached_property
    def hidden_ids(self) -> set[int]:
        """Ids of the fields hidden by their conditions: not asked, so not reviewed."""
        hidden = hidden_keys(self.fields)
        return {field.id for field in self.fields if field.key in hidden}

    @cached_property
    def labels_by_key(self) -> dict[str, str]:
        return {field.key: field.label for field in self.fields}

    @cached_property
    def labels_by_id(self) -> dict[int, str]:
        return {field.id: field.label for field in self.fields}

    @cached_property
    def delivered(self) -> dict[int, datetime]:
        """When each message queued on the brief was delivered, by message id."""
        return deliveries(self.events)

    @cached_property
    def save_runs(self) -> tuple[dict[int, tuple[str, ...]], frozenset[int]]:
        """Runs of saves by one person, told as one line each (sentences.save_runs)."""
        return save_runs(self.events)

    @cached_property
    def event_lines(self) -> list[Event]:
        """The events the page lists: one line per message, its delivery folded in, and
        one line per run of saves."""
        saves, later = self.save_runs
        ctx = Context(delivered=self.delivered, saves=saves, folded_saves=later)
        return [event for event in self.events if not folded(event, ctx)]

    @cached_property
    def zone(self) -> ZoneInfo:
        """The agency's time zone, which the folded lines say their times in."""
        return time_zone(self.agency.timezone)

    @cached_property
    def timeline_summary(self) -> TimelineSummary:
        """The whose-move summary, measured from the events already loaded."""
        return timeline.timeline_summary(self, self.now)


def load_brief_for_page(brief_id: int) -> Brief | None:
    """Load a brief with its client, recipients, fields and their history."""
    return db.session.scalar(
        select(Brief)
        .where(Brief.id == brief_id)
        .options(
            selectinload(Brief.client).selectinload(Client.contacts),
            selectinload(Brief.recipients),
            selectinload(Brief.decision_maker),
            selectinload(Brief.sections)
            .selectinload(BriefSection.fields)
            .options(selectinload(BriefField.answers), selectinload(BriefField.reviews)),
        )
    )


def load_page(
    brief_id: int,
    now: datetime,
    *,
    failed: tuple[int, ReviewForm] | None = None,
    assign_form: AssignForm | None = None,
    comment_error: FieldError | None = None,
    prefill_error: FieldError | None = None,
    review_mode: bool = False,
) -> BriefPage | None:
    """Gather what the brief page shows, or None for an unknown brief.

    `failed` is a review form to show again with its errors; `assign_form`,
    `comment_error` and `prefill_error` show the working-together forms again;
    `review_mode` shows only the answers waiting for review.
    """
    brief = load_brief_for_page(brief_id)
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
    comments = comments_by_field(brief.id)
    said = sorted((c for thread in comments.values() for c in thread), key=lambda c: c.id)
    facts = [CommentFact(c.field_id, c.side, c.created_at) for c in said]
    summary = summarize(brief, fields, facts, load_telling(fields))
    agency = agency_settings()
    [chase], _cal = assess_summaries([summary], agency, now)
    review_forms = {field.id: ReviewForm(prefix=f"f{field.id}", formdata=None) for field in fields}
    links = {
        link.contact_id: link.token_sealed
        for link in db.session.scalars(
            select(RecipientLink).where(RecipientLink.brief_id == brief.id)
        )
    }
    if failed:
        review_forms[failed[0]] = failed[1]
    return BriefPage(
        brief=brief,
        fields=fields,
        summary=summary,
        uploads={str(upload.id): upload for upload in uploads},
        events=list(events),
        reviewers=reviewers,
        handovers=handovers,
        holders=holders(brief, handovers),
        comments=comments,
        client_link=client_link(brief.token_sealed),
        own_links=[(c, client_link(links.get(c.id))) for c in brief.recipients],
        status_link=status_link(brief.status_token_sealed),
        status_label=STATUS_LABELS[brief.status],
        status_badge=STATUS_BADGES[brief.status],
        side_label=SIDE_LABELS[summary.move.side],
        language_label=LANGUAGE_LABELS.get(brief.locale, brief.locale),
        chase=chase.status,
        risk_label=RISK_LABELS[chase.status.deadline.risk],
        risk_badge=RISK_BADGES[chase.status.deadline.risk],
        agency=agency,
        yes_no={"yes": _("Yes"), "no": _("No")},
        review_forms=review_forms,
        failed_field_id=failed[0] if failed else None,
        action_form=ConfirmForm(),
        reminder_form=BriefReminderForm(obj=brief, formdata=None),
        assign_form=assign_form or AssignForm(formdata=None),
        assign_choices=assign_choices(brief),
        comment_error=comment_error,
        prefill_error=prefill_error,
        now=now,
        action=next_action(brief, summary),
        review_mode=review_mode,
        mail_ready=parse_smtp_url(current_app.config["SMTP_URL"]) is not None,
    )

"""Briefs: one request to one client, its snapshot of fields, answers and reviews."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from briefs.extensions import db
from briefs.models.client import Client, Contact
from briefs.models.types import UTCDateTime

#: A closed brief is read-only until it is reopened; its links open nothing.
CLOSED = "closed"

#: Brief statuses in the order a brief normally moves through them.
BRIEF_STATUSES = ("draft", "sent", "submitted", CLOSED)

#: Review verdicts.
ACCEPTED = "accepted"
CHANGES_REQUESTED = "changes_requested"

brief_recipient = Table(
    "brief_recipient",
    db.metadata,
    Column("brief_id", ForeignKey("brief.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
    # The primary key serves a brief's recipients; this serves a contact's briefs.
    Index("ix_brief_recipient_contact_id", "contact_id"),
)


class Brief(db.Model):
    """One request for facts to one client, made from a template."""

    __tablename__ = "brief"
    #: A client's briefs, newest first, are read from this index alone.
    __table_args__ = (
        Index("ix_brief_client_id_created_at", "client_id", "created_at"),
        # The dashboard: open briefs by whose move, the longest wait first.
        Index("ix_brief_status_move", "status", "move_side", "move_since"),
        # The dashboard's risk filter: open briefs by the day their answers are due.
        Index("ix_brief_status_info_due", "status", "info_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="RESTRICT"))
    #: The template it was made from; the brief keeps its own copy of the fields.
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("template.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    #: Language of the client's form and messages: "en" or "ru".
    locale: Mapped[str] = mapped_column(String(5), default="en")
    #: The day the page should go live.
    launch_date: Mapped[date | None] = mapped_column(Date)
    #: Working days the agency needs after the answers arrive.
    work_days: Mapped[int] = mapped_column(default=5)
    #: One of BRIEF_STATUSES.
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    #: SHA-256 of the client link's token; the token itself is never stored.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: The token encrypted with a key derived from SECRET_KEY, so the agency can copy the
    #: link again; a copy of the database alone does not reveal it.
    token_sealed: Mapped[str | None] = mapped_column(Text)
    #: When the current client link was made.
    token_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: SHA-256 of the decision-maker's read-only status link (/s/<token>); made when first
    #: needed (see briefs.recipient_links).
    status_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: The status link's token, sealed like token_sealed.
    status_token_sealed: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: First time the link went to the client.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Last time the client pressed Submit.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Per-brief overrides of the agency's reminder policy (None = agency default).
    reminder_first_after: Mapped[int | None]
    reminder_every: Mapped[int | None]
    reminder_max: Mapped[int | None]
    #: The agency paused reminders for this brief.
    reminders_paused: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Tell the decision-maker when reminders go unanswered or the brief is late.
    escalation_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    #: The launch risk the brief's owner was last told about ("at_risk", "late"), so each
    #: change is told once.
    risk_notified: Mapped[str | None] = mapped_column(String(10))
    #: The earliest moment `send-due` may have something to send or note about the brief
    #: as it stands (reminder, escalation, risk change, mail about a move); None: look at
    #: it in the next run. Every recorded change empties it (workflow.record); see
    #: mail/due_briefs.py.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Its summary, stored for lists (briefs.brief_summaries keeps it true before each
    # commit): required questions, those still missing, answers waiting for review.
    required_count: Mapped[int] = mapped_column(default=0, server_default="0")
    missing_count: Mapped[int] = mapped_column(default=0, server_default="0")
    unreviewed_count: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Whose move it is ("client", "agency", None: nothing pending) and since when.
    move_side: Mapped[str | None] = mapped_column(String(10))
    move_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The client's latest save, submit or comment.
    last_client_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The day the answers are needed by (the launch date minus the working days).
    info_due: Mapped[date | None] = mapped_column(Date)
    #: Raised in the transaction of every change to what the client's form shows (the
    #: brief, its sections, fields, answers, reviews, files, comments, hand-overs, links;
    #: briefs.page_versions), so a page rendered at one version is that version's page.
    page_version: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The contact told when the brief stalls; None means every decision-maker of the client.
    decision_maker_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), index=True
    )

    client: Mapped[Client] = relationship()
    recipients: Mapped[list[Contact]] = relationship(
        secondary=brief_recipient, order_by="Contact.id"
    )
    #: The brief's own decision-maker; None means every decision-maker of the client.
    decision_maker: Mapped[Contact | None] = relationship(foreign_keys=[decision_maker_id])
    sections: Mapped[list[BriefSection]] = relationship(
        back_populates="brief", order_by="BriefSection.position", cascade="all, delete-orphan"
    )

    @hybrid_property
    def is_closed(self) -> bool:
        """A closed brief is read-only: workflow.refuse_if_closed guards every change.

        In a query, `~Brief.is_closed` selects the open briefs.
        """
        return self.status == CLOSED


class RecipientLink(db.Model):
    """A recipient's own link to a brief's form, so what they do is credited to them.

    Made when first needed (briefs.recipient_links); deleted when the contact stops being
    a recipient, so the link then answers 404 like an unknown one.
    """

    __tablename__ = "recipient_link"
    __table_args__ = (UniqueConstraint("brief_id", "contact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("brief.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 of the link's token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The token sealed with SECRET_KEY, so the link can be shown and mailed again.
    token_sealed: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    contact: Mapped[Contact] = relationship()


class BriefSection(db.Model):
    """A section of a brief, copied from its template."""

    __tablename__ = "brief_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("brief.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: The template section's condition when the brief was made (for display).
    condition: Mapped[dict | None] = mapped_column(JSON)

    brief: Mapped[Brief] = relationship(back_populates="sections")
    fields: Mapped[list[BriefField]] = relationship(
        back_populates="section", order_by="BriefField.position", cascade="all, delete-orphan"
    )


class BriefField(db.Model):
    """A question of a brief with its current answer and review.

    The current answer and review are kept here so a page can judge many briefs in one
    query; every change is also appended to Answer or Review, which hold the history.
    """

    __tablename__ = "brief_field"
    __table_args__ = (UniqueConstraint("brief_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("brief.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("brief_section.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(500))
    help: Mapped[str] = mapped_column(Text, default="")
    example: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(20), default="short_text")
    required: Mapped[bool] = mapped_column(default=True)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: When the question applies: its section's and its own condition as they were when
    #: the brief was made, joined (briefs.rules.conditions); None = always.
    condition: Mapped[dict | None] = mapped_column(JSON)

    #: Current answer: multiple choices and file ids are joined with newlines.
    value: Mapped[str] = mapped_column(Text, default="")
    #: The client said the question does not apply to them.
    not_applicable: Mapped[bool] = mapped_column(default=False)
    #: Number of the current revision (0 = never answered).
    revision: Mapped[int] = mapped_column(default=0)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Who gave the current answer, as shown on the page.
    answered_by: Mapped[str] = mapped_column(String(200), default="")
    #: Current review verdict of the current revision: ACCEPTED, CHANGES_REQUESTED or None.
    review_verdict: Mapped[str | None] = mapped_column(String(20))
    #: The agency's comment the client sees next to the field.
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The agency user who gave the current answer (a prefill the client should confirm).
    answer_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    #: When the field's comment thread was marked resolved (None = open or no comments).
    comments_resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    section: Mapped[BriefSection] = relationship(back_populates="fields")
    brief: Mapped[Brief] = relationship()
    answers: Mapped[list[Answer]] = relationship(order_by="Answer.number", viewonly=True)
    reviews: Mapped[list[Review]] = relationship(order_by="Review.id", viewonly=True)


class Answer(db.Model):
    """One saved revision of a field's answer. Rows are only ever added."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("field_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("brief.id", ondelete="CASCADE"), index=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("brief_field.id", ondelete="CASCADE"))
    #: Revision number within the field, from 1.
    number: Mapped[int]
    value: Mapped[str] = mapped_column(Text, default="")
    not_applicable: Mapped[bool] = mapped_column(default=False)
    #: Who saved it, as shown in the history ("Client", a contact's or a user's name).
    author: Mapped[str] = mapped_column(String(200), default="")
    #: Set when an agency user saved it.
    author_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Review(db.Model):
    """The agency's verdict on one revision of an answer. Rows are only ever added."""

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("brief.id", ondelete="CASCADE"), index=True)
    field_id: Mapped[int] = mapped_column(
        ForeignKey("brief_field.id", ondelete="CASCADE"), index=True
    )
    #: The revision number the verdict is about.
    answer_number: Mapped[int]
    #: ACCEPTED or CHANGES_REQUESTED.
    verdict: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Upload(db.Model):
    """A file a client uploaded to a file field."""

    __tablename__ = "upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    brief_id: Mapped[int] = mapped_column(ForeignKey("brief.id", ondelete="CASCADE"), index=True)
    field_id: Mapped[int] = mapped_column(
        ForeignKey("brief_field.id", ondelete="CASCADE"), index=True
    )
    #: Random name under UPLOAD_FOLDER; never derived from what the client sent.
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    #: The file name as the client had it.
    original_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    #: Type sniffed from the content, not taken from the browser.
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Set when removed from the field; the file stays for the history.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

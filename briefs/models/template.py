"""Templates: reusable questionnaires of ordered sections and fields."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from briefs.extensions import db
from briefs.models.types import UTCDateTime


class Template(db.Model):
    """A questionnaire an agency reuses for many briefs."""

    __tablename__ = "template"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Name shown to the agency when choosing a template.
    name: Mapped[str] = mapped_column(String(200))
    #: What the template is for (agency-facing).
    description: Mapped[str] = mapped_column(Text, default="")
    #: Language the questions are written in: "en" or "ru".
    locale: Mapped[str] = mapped_column(String(5), default="en")
    #: Set when archived: hidden from "new brief" but kept for old briefs.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    sections: Mapped[list[TemplateSection]] = relationship(
        back_populates="template",
        order_by="TemplateSection.position",
        cascade="all, delete-orphan",
    )


class TemplateSection(db.Model):
    """An ordered group of fields in a template."""

    __tablename__ = "template_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("template.id", ondelete="CASCADE"), index=True
    )
    #: Order within the template, from 0.
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    #: Shown under the section heading (Markdown).
    description: Mapped[str] = mapped_column(Text, default="")
    #: When the whole section applies (briefs.rules.conditions); None = always.
    condition: Mapped[dict | None] = mapped_column(JSON)

    template: Mapped[Template] = relationship(back_populates="sections")
    fields: Mapped[list[TemplateField]] = relationship(
        back_populates="section",
        order_by="TemplateField.position",
        cascade="all, delete-orphan",
    )


class TemplateField(db.Model):
    """One question of a template."""

    __tablename__ = "template_field"
    __table_args__ = (UniqueConstraint("template_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Denormalised so a key is unique per template, not per section.
    template_id: Mapped[int] = mapped_column(ForeignKey("template.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(
        ForeignKey("template_section.id", ondelete="CASCADE"), index=True
    )
    #: Order within the section, from 0.
    position: Mapped[int] = mapped_column(default=0)
    #: Stable machine name, e.g. "service_name"; used by exports and imports.
    key: Mapped[str] = mapped_column(String(64))
    #: The question as the client reads it.
    label: Mapped[str] = mapped_column(String(500))
    #: Help under the question (Markdown, sanitised when rendered).
    help: Mapped[str] = mapped_column(Text, default="")
    #: An example answer to show what is expected.
    example: Mapped[str] = mapped_column(Text, default="")
    #: One of models.types.FIELD_TYPES.
    type: Mapped[str] = mapped_column(String(20), default="short_text")
    required: Mapped[bool] = mapped_column(default=True)
    #: Options for choice fields, a list of strings.
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: When the question applies, on earlier answers (briefs.rules.conditions); None = always.
    condition: Mapped[dict | None] = mapped_column(JSON)

    section: Mapped[TemplateSection] = relationship(back_populates="fields")

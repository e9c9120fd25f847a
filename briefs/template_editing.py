"""Editing templates: sections, fields, their order, copies and archiving.

These functions add to the session but never commit, so the view commits a change in one
go. Every change stamps the template's `updated_at` with the `now` it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slugify import slugify
from sqlalchemy import func, select

from briefs.extensions import db
from briefs.models import Brief, Template, TemplateField, TemplateSection
from briefs.models.types import CHOICE_TYPES, fixed_answers
from briefs.rules.conditions import dependents, foreign_values, reference_problems
from briefs.template_yaml import MAX_KEY, MAX_NAME, FieldData, SectionData, TemplateData


@dataclass(frozen=True)
class TemplateRow:
    """A template on the list page with its counts."""

    template: Template
    sections: int
    fields: int
    briefs: int


def list_templates() -> tuple[list[TemplateRow], list[TemplateRow]]:
    """Return (active, archived) templates with their counts, in one query."""

    def count(column, key):
        return select(func.count(column)).where(key == Template.id).scalar_subquery()

    rows = db.session.execute(
        select(
            Template,
            count(TemplateSection.id, TemplateSection.template_id),
            count(TemplateField.id, TemplateField.template_id),
            count(Brief.id, Brief.template_id),
        )
    ).all()
    items = sorted(
        (TemplateRow(*row) for row in rows),
        key=lambda row: (row.template.name.casefold(), row.template.id),
    )
    return (
        [row for row in items if row.template.archived_at is None],
        [row for row in items if row.template.archived_at is not None],
    )


# -- Keys --------------------------------------------------------------------------------


def template_keys(template_id: int, *, except_field_id: int | None = None) -> set[str]:
    """Return the field keys a template already uses."""
    query = select(TemplateField.key).where(TemplateField.template_id == template_id)
    if except_field_id is not None:
        query = query.where(TemplateField.id != except_field_id)
    return set(db.session.scalars(query))


def suggest_key(label: str, taken: set[str]) -> str:
    """Make a key from a label (Cyrillic is transliterated) that no other field uses."""
    base = slugify(label, separator="_", max_length=40, word_boundary=True) or "question"
    key, number = base, 2
    while key in taken:
        suffix = f"_{number}"
        key = base[: MAX_KEY - len(suffix)] + suffix
        number += 1
    return key


# -- Conditions --------------------------------------------------------------------------


class DependencyError(ValueError):
    """A change would leave a condition on a question that is gone or does not come first."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        #: The questions (labels) and sections (titles) whose conditions stand in the way.
        self.names = names


def _in_order(template: Template) -> list[tuple[str | None, dict | None, object]]:
    """Sections (key None) and fields in template order, with their conditions."""
    items: list[tuple[str | None, dict | None, object]] = []
    for section in sorted(template.sections, key=lambda s: s.position):
        items.append((None, section.condition, section))
        for field in sorted(section.fields, key=lambda f: f.position):
            items.append((field.key, field.condition, field))
    return items


def _name(item) -> str:
    return item.label if isinstance(item, TemplateField) else item.title


def check_conditions(template: Template) -> None:
    """Raise DependencyError naming whatever now depends on a later or missing question."""
    items = _in_order(template)
    problems = reference_problems([(key, condition) for key, condition, _item in items])
    names = list(dict.fromkeys(_name(items[p.index][2]) for p in problems))
    if names:
        raise DependencyError(names)


def depending_on(template: Template, keys: set[str], *, besides=()) -> list[str]:
    """Name the questions and sections whose conditions use one of `keys`, but `besides`."""
    items = [item for item in _in_order(template) if item[2] not in besides]
    pairs = [(key, condition) for key, condition, _item in items]
    found = sorted({i for key in keys for i in dependents(pairs, key)})
    return [_name(items[i][2]) for i in found]


@dataclass(frozen=True)
class LostAnswer:
    """A condition comparing a question's answer with one it could no longer be given."""

    #: The question (label) or section (title) whose condition it is.
    name: str
    value: str


def lost_answers(field: TemplateField, field_type: str, options) -> list[LostAnswer]:
    """What other conditions compare `field`'s answer with, that a question of this type
    and these options can never be given (an option taken out, a type changed).

    Such a condition never holds again, so what it shows would be hidden in every brief
    made from the template; the editor refuses the change until the condition is mended.
    """
    answers = fixed_answers(field_type, options)
    if answers is None:
        return []
    return [
        LostAnswer(_name(item), value)
        for _key, condition, item in _in_order(field.section.template)
        for _on, value in foreign_values(condition, {field.key: answers})
    ]


def set_condition(target: TemplateField | TemplateSection, condition: dict | None, now) -> None:
    """Give a question or section a condition (None: always shown); checked for order."""
    target.condition = condition
    template = target.template if isinstance(target, TemplateSection) else target.section.template
    check_conditions(template)
    template.updated_at = now


# -- Template ----------------------------------------------------------------------------


def create_template(*, name: str, description: str, locale: str, now: datetime) -> Template:
    """Add an empty template."""
    template = Template(
        name=name, description=description, locale=locale, created_at=now, updated_at=now
    )
    db.session.add(template)
    return template


def update_details(
    template: Template, *, name: str, description: str, locale: str, now: datetime
) -> None:
    """Change a template's name, description and language."""
    template.name = name
    template.description = description
    template.locale = locale
    template.updated_at = now


def set_archived(template: Template, archived: bool, now: datetime) -> None:
    """Archive a template (no new briefs from it) or bring it back."""
    template.archived_at = now if archived else None
    template.updated_at = now


def copy_name(name: str, label: Callable[[str], str]) -> str:
    """Name a copy with `label` (e.g. "<name> (copy)"), shortening the name to fit."""
    return label(name[: MAX_NAME - len(label(""))])


def duplicate_template(template: Template, *, name: str, now: datetime) -> Template:
    """Make an active, independent copy of a template with all its sections and fields."""
    data = template_to_data(template)
    copy = template_from_data(data, now)
    copy.name = name
    return copy


# -- Sections ----------------------------------------------------------------------------


def add_section(template: Template, *, title: str, description: str, now: datetime):
    """Add a section at the end of the template."""
    section = TemplateSection(title=title, description=description, position=len(template.sections))
    template.sections.append(section)
    template.updated_at = now
    return section


def update_section(section: TemplateSection, *, title: str, description: str, now: datetime):
    """Change a section's title and description."""
    section.title = title
    section.description = description
    section.template.updated_at = now


def delete_section(section: TemplateSection, now: datetime) -> None:
    """Remove a section and its fields; the sections after it move up.

    Refused with DependencyError while questions elsewhere depend on its questions.
    """
    template = section.template
    names = depending_on(
        template, {f.key for f in section.fields}, besides={section, *section.fields}
    )
    if names:
        raise DependencyError(names)
    template.sections.remove(section)
    _renumber(template.sections)
    template.updated_at = now


def move_section(section: TemplateSection, step: int, now: datetime) -> bool:
    """Move a section one place up (step -1) or down (+1); False when already at the edge."""
    moved = _move(section.template.sections, section, step)
    if moved:
        _keep_order_or_undo(section.template, section.template.sections, section, step)
        section.template.updated_at = now
    return moved


# -- Fields ------------------------------------------------------------------------------


def _apply(field: TemplateField, values: FieldData) -> None:
    field.key = values.key
    field.label = values.label
    field.type = values.type
    field.required = values.required
    field.help = values.help
    field.example = values.example
    field.options = list(values.options) if values.type in CHOICE_TYPES else []


def add_field(section: TemplateSection, values: FieldData, now: datetime) -> TemplateField:
    """Add a question at the end of a section."""
    field = TemplateField(template_id=section.template_id, position=len(section.fields))
    _apply(field, values)
    section.fields.append(field)
    section.template.updated_at = now
    return field


def update_field(
    field: TemplateField,
    values: FieldData,
    now: datetime,
    *,
    section: TemplateSection | None = None,
) -> None:
    """Change a question; given another section of the template, move it to that one's end.

    A new key, or a move, that would break another question's condition raises
    DependencyError after the change: the caller rolls back. A type or options that would
    leave another condition comparing with an answer it can no longer be raise it before
    any change (the form names them first: FieldForm).
    """
    old_key = field.key
    if values.key != old_key:
        names = depending_on(field.section.template, {old_key}, besides={field})
        if names:
            raise DependencyError(names)
    lost = lost_answers(field, values.type, values.options)
    if lost:
        raise DependencyError(list(dict.fromkeys(item.name for item in lost)))
    _apply(field, values)
    if section is not None and section.id != field.section_id:
        if section.template_id != field.template_id:
            raise ValueError("a field can only move within its own template")
        # Load both lists first: an autoflush between leaving one section and joining the
        # other would delete the field as an orphan.
        old, position = field.section, len(section.fields)
        with db.session.no_autoflush:
            field.section = section
            field.position = position
            _renumber(old.fields)
        check_conditions(field.section.template)
    field.section.template.updated_at = now


def delete_field(field: TemplateField, now: datetime) -> None:
    """Remove a question; the ones after it move up.

    Refused with DependencyError while other questions or sections depend on its answer.
    """
    section = field.section
    names = depending_on(section.template, {field.key}, besides={field})
    if names:
        raise DependencyError(names)
    section.fields.remove(field)
    _renumber(section.fields)
    section.template.updated_at = now


def move_field(field: TemplateField, step: int, now: datetime) -> bool:
    """Move a question one place up (-1) or down (+1) in its section."""
    moved = _move(field.section.fields, field, step)
    if moved:
        _keep_order_or_undo(field.section.template, field.section.fields, field, step)
        field.section.template.updated_at = now
    return moved


def _keep_order_or_undo(template: Template, items: list, item, step: int) -> None:
    """Undo a move that put a question before one it depends on, and raise."""
    try:
        check_conditions(template)
    except DependencyError:
        _move(items, item, -step)
        raise


def _renumber(items: list) -> None:
    for position, item in enumerate(sorted(items, key=lambda item: item.position)):
        item.position = position


def _move(items: list, item, step: int) -> bool:
    # Work on a plain copy: reordering the relationship list itself would count as removals.
    ordered = sorted(items, key=lambda each: each.position)
    index = ordered.index(item)
    target = index + step
    if not 0 <= target < len(ordered):
        return False
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, each in enumerate(ordered):
        each.position = position
    return True


# -- To and from plain data --------------------------------------------------------------


def template_to_data(template: Template) -> TemplateData:
    """Describe a template as plain data, ready to write as YAML."""
    return TemplateData(
        name=template.name,
        locale=template.locale,
        description=template.description or "",
        sections=tuple(
            SectionData(
                title=section.title,
                description=section.description or "",
                condition=section.condition or None,
                fields=tuple(
                    FieldData(
                        key=field.key,
                        label=field.label,
                        type=field.type,
                        required=field.required,
                        help=field.help or "",
                        example=field.example or "",
                        options=tuple(field.options or ()),
                        condition=field.condition or None,
                    )
                    for field in sorted(section.fields, key=lambda f: f.position)
                ),
            )
            for section in sorted(template.sections, key=lambda s: s.position)
        ),
    )


def template_from_data(data: TemplateData, now: datetime) -> Template:
    """Create a new template from plain data (an imported file, a starter, a copy)."""
    template = create_template(
        name=data.name, description=data.description, locale=data.locale, now=now
    )
    db.session.flush()  # fields need the template's id for their per-template unique key
    for s_pos, section_data in enumerate(data.sections):
        section = TemplateSection(
            title=section_data.title,
            description=section_data.description,
            position=s_pos,
            condition=section_data.condition,
        )
        template.sections.append(section)
        for f_pos, values in enumerate(section_data.fields):
            field = TemplateField(
                template_id=template.id, position=f_pos, condition=values.condition
            )
            _apply(field, values)
            section.fields.append(field)
    return template

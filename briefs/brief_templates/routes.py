"""Routes of the brief_templates blueprint: the list, the editor, import and export."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from slugify import slugify
from sqlalchemy.orm import selectinload

from briefs import clock, starters
from briefs import template_editing as editing
from briefs.brief_templates.forms import FieldForm, ImportForm, SectionForm, TemplateForm
from briefs.condition_words import OPERATOR_LABELS, describe
from briefs.confirmation import ask, confirmed
from briefs.extensions import db
from briefs.labels import FIELD_TYPE_LABELS, LANGUAGE_LABELS
from briefs.models import Template, TemplateField, TemplateSection
from briefs.rules.conditions import (
    ALL,
    ANSWERED,
    ANY,
    CONTAINS,
    EQUALS,
    NOT_ANSWERED,
    NOT_APPLICABLE,
    ONE_OF,
)
from briefs.template_yaml import (
    MAX_TEMPLATE_BYTES,
    Problem,
    TemplateFormatError,
    dump_template,
    load_template,
)

bp = Blueprint("brief_templates", __name__, url_prefix="/templates")

#: The import page lists at most this many problems of one file.
SHOWN_PROBLEMS = 50

STEPS = {"up": -1, "down": 1}

#: The buttons that add the "New service page" starter, one per language.
STARTER_BUTTONS = {"en": _l("Add in English"), "ru": _l("Add in Russian")}


def _template(template_id: int) -> Template:
    return db.get_or_404(
        Template,
        template_id,
        options=[selectinload(Template.sections).selectinload(TemplateSection.fields)],
        # Apply the eager loads even when the template is already in the session.
        populate_existing=True,
    )


def _section(template: Template, section_id: int) -> TemplateSection:
    section = db.get_or_404(TemplateSection, section_id)
    if section.template_id != template.id:
        abort(404)
    return section


def _field(template: Template, field_id: int) -> TemplateField:
    field = db.get_or_404(TemplateField, field_id)
    if field.template_id != template.id:
        abort(404)
    return field


def _editor(template: Template, anchor: str = ""):
    return redirect(url_for(".show", template_id=template.id, _anchor=anchor or None))


def _refused(template: Template, error: editing.DependencyError, anchor: str = ""):
    """Undo the change and say which questions' conditions stand in the way."""
    db.session.rollback()
    flash(
        _(
            "Not changed: the conditions of %(names)s use this answer, and a condition can "
            "only use an earlier question. Change or remove those conditions first.",
            names=", ".join(f"«{name}»" for name in error.names),
        ),
        "error",
    )
    return _editor(template, anchor)


# -- The list ----------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    """List active templates, then archived ones."""
    active, archived = editing.list_templates()
    return render_template(
        "brief_templates/index.html",
        active=active,
        archived=archived,
        languages=LANGUAGE_LABELS,
        starters=list(STARTER_BUTTONS.items()),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Create an empty template."""
    form = TemplateForm()
    if request.method == "GET":
        form.locale.data = str(_current_locale())
    if form.validate_on_submit():
        template = editing.create_template(
            name=form.name.data,
            description=form.description.data,
            locale=form.locale.data,
            now=clock.utcnow(),
        )
        db.session.commit()
        flash(_("Template created. Now add its first section."), "success")
        return _editor(template)
    return render_template("brief_templates/details_form.html", form=form, template=None)


def _current_locale() -> str:
    from flask_babel import get_locale

    locale = str(get_locale() or "en")
    return locale if locale in LANGUAGE_LABELS else "en"


@bp.post("/starters/<locale>")
@login_required
def install_starter(locale: str):
    """Add the "New service page" starter template in English or Russian."""
    if locale not in starters.STARTER_LOCALES:
        abort(404)
    template = starters.install_starter(locale, clock.utcnow())
    db.session.commit()
    flash(
        _("“%(name)s” was added. Adjust the questions to your needs.", name=template.name),
        "success",
    )
    return _editor(template)


# -- Import and export -------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_yaml():
    """Create a template from an uploaded YAML file."""
    form = ImportForm()
    problems: list[Problem] = []
    if form.validate_on_submit():
        raw = form.file.data.read(MAX_TEMPLATE_BYTES + 1)
        try:
            data = load_template(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            problems = [Problem("", _l("the file is not UTF-8 text"))]
        except TemplateFormatError as error:
            problems = error.problems
        else:
            template = editing.template_from_data(data, clock.utcnow())
            db.session.commit()
            flash(_("“%(name)s” was imported.", name=template.name), "success")
            return _editor(template)
        form.file.errors.append(_("This file cannot be imported. The problems are listed below."))
    return render_template(
        "brief_templates/import.html",
        form=form,
        # Plain strings: a lazy string counts as safe HTML in Jinja, and these quote the file.
        problems=[(str(p.where), str(p.message)) for p in problems[:SHOWN_PROBLEMS]],
        more_problems=max(0, len(problems) - SHOWN_PROBLEMS),
    )


@bp.get("/<int:template_id>/export.yaml")
@login_required
def export_yaml(template_id: int):
    """Download a template as a YAML file."""
    template = _template(template_id)
    filename = f"{slugify(template.name) or 'template'}.yaml"
    return Response(
        dump_template(editing.template_to_data(template)),
        content_type="application/x-yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# -- One template ------------------------------------------------------------------------


@bp.get("/<int:template_id>")
@login_required
def show(template_id: int):
    """Show a template as its editor: sections, questions and their controls."""
    template = _template(template_id)
    return render_template(
        "brief_templates/show.html",
        template=template,
        languages=LANGUAGE_LABELS,
        type_labels=FIELD_TYPE_LABELS,
        question_count=sum(len(section.fields) for section in template.sections),
        conditions=_condition_words(template),
    )


def _condition_words(template: Template) -> dict[tuple[str, int], str]:
    """Each condition in plain words, by ("section" or "field", id)."""
    labels = {f.key: f.label for s in template.sections for f in s.fields}
    words = {}
    for section in template.sections:
        words[("section", section.id)] = describe(section.condition, labels)
        for f in section.fields:
            words[("field", f.id)] = describe(f.condition, labels)
    return words


@bp.route("/<int:template_id>/edit", methods=["GET", "POST"])
@login_required
def edit(template_id: int):
    """Change a template's name, description and language."""
    template = _template(template_id)
    form = TemplateForm(obj=template)
    if form.validate_on_submit():
        editing.update_details(
            template,
            name=form.name.data,
            description=form.description.data,
            locale=form.locale.data,
            now=clock.utcnow(),
        )
        db.session.commit()
        flash(_("Template saved."), "success")
        return _editor(template)
    return render_template("brief_templates/details_form.html", form=form, template=template)


@bp.post("/<int:template_id>/duplicate")
@login_required
def duplicate(template_id: int):
    """Copy a template with all its sections and questions."""
    template = _template(template_id)
    copy = editing.duplicate_template(
        template,
        name=editing.copy_name(template.name, lambda name: _("%(name)s (copy)", name=name)),
        now=clock.utcnow(),
    )
    db.session.commit()
    flash(_("This is a copy of “%(name)s”.", name=template.name), "success")
    return _editor(copy)


@bp.post("/<int:template_id>/archive")
@login_required
def archive(template_id: int):
    """Archive a template: no new briefs from it; existing briefs keep their questions."""
    template = _template(template_id)
    editing.set_archived(template, True, clock.utcnow())
    db.session.commit()
    flash(_("“%(name)s” is archived.", name=template.name), "success")
    return redirect(url_for(".index"))


@bp.post("/<int:template_id>/unarchive")
@login_required
def unarchive(template_id: int):
    """Make an archived template available for new briefs again."""
    template = _template(template_id)
    editing.set_archived(template, False, clock.utcnow())
    db.session.commit()
    flash(_("“%(name)s” is available for new briefs again.", name=template.name), "success")
    return _editor(template)


# -- Sections ----------------------------------------------------------------------------


@bp.route("/<int:template_id>/sections/new", methods=["GET", "POST"])
@login_required
def new_section(template_id: int):
    """Add a section at the end of the template."""
    template = _template(template_id)
    form = SectionForm()
    if form.validate_on_submit():
        section = editing.add_section(
            template,
            title=form.title.data,
            description=form.description.data,
            now=clock.utcnow(),
        )
        db.session.commit()
        flash(_("Section added."), "success")
        return _editor(template, f"section-{section.id}")
    return render_template(
        "brief_templates/section_form.html", form=form, template=template, section=None
    )


@bp.route("/<int:template_id>/sections/<int:section_id>/edit", methods=["GET", "POST"])
@login_required
def edit_section(template_id: int, section_id: int):
    """Change a section's title and description."""
    template = _template(template_id)
    section = _section(template, section_id)
    form = SectionForm(obj=section)
    if form.validate_on_submit():
        editing.update_section(
            section, title=form.title.data, description=form.description.data, now=clock.utcnow()
        )
        db.session.commit()
        flash(_("Section saved."), "success")
        return _editor(template, f"section-{section.id}")
    return render_template(
        "brief_templates/section_form.html", form=form, template=template, section=section
    )


@bp.post("/<int:template_id>/sections/<int:section_id>/delete")
@login_required
def delete_section(template_id: int, section_id: int):
    """Delete a section and its questions."""
    template = _template(template_id)
    section = _section(template, section_id)
    if not confirmed():
        return ask(
            _(
                "Delete the section “%(title)s” and its %(count)s questions?",
                title=section.title,
                count=len(section.fields),
            ),
            button=_("Delete"),
            back=url_for("brief_templates.show", template_id=template.id),
        )
    try:
        editing.delete_section(section, clock.utcnow())
    except editing.DependencyError as error:
        return _refused(template, error, f"section-{section_id}")
    db.session.commit()
    flash(_("Section “%(title)s” deleted.", title=section.title), "success")
    return _editor(template)


@bp.post("/<int:template_id>/sections/<int:section_id>/move/<any(up, down):direction>")
@login_required
def move_section(template_id: int, section_id: int, direction: str):
    """Move a section one place up or down."""
    template = _template(template_id)
    section = _section(template, section_id)
    try:
        editing.move_section(section, STEPS[direction], clock.utcnow())
    except editing.DependencyError as error:
        return _refused(template, error, f"section-{section_id}")
    db.session.commit()
    return _editor(template, f"section-{section.id}")


# -- Questions ---------------------------------------------------------------------------


def _field_form(template: Template, field: TemplateField | None) -> FieldForm:
    form = FieldForm(template_id=template.id, field=field)
    form.section_id.choices = [(section.id, section.title) for section in template.sections]
    return form


@bp.route("/<int:template_id>/sections/<int:section_id>/fields/new", methods=["GET", "POST"])
@login_required
def new_field(template_id: int, section_id: int):
    """Add a question at the end of a section."""
    template = _template(template_id)
    section = _section(template, section_id)
    form = _field_form(template, None)
    if request.method == "GET":
        form.section_id.data = section.id
    if form.validate_on_submit():
        target = _section(template, form.section_id.data)
        field = editing.add_field(target, form.values(), clock.utcnow())
        db.session.commit()
        flash(_("Question added."), "success")
        return _editor(template, f"field-{field.id}")
    return render_template(
        "brief_templates/field_form.html", form=form, template=template, field=None
    )


@bp.route("/<int:template_id>/fields/<int:field_id>/edit", methods=["GET", "POST"])
@login_required
def edit_field(template_id: int, field_id: int):
    """Change a question, or move it to another section."""
    template = _template(template_id)
    field = _field(template, field_id)
    form = _field_form(template, field)
    if request.method == "GET":
        form.options.data = "\n".join(field.options or [])
    if form.validate_on_submit():
        target = _section(template, form.section_id.data)
        try:
            editing.update_field(field, form.values(), clock.utcnow(), section=target)
        except editing.DependencyError as error:
            return _refused(template, error, f"field-{field_id}")
        db.session.commit()
        flash(_("Question saved."), "success")
        return _editor(template, f"field-{field.id}")
    return render_template(
        "brief_templates/field_form.html", form=form, template=template, field=field
    )


@bp.post("/<int:template_id>/fields/<int:field_id>/delete")
@login_required
def delete_field(template_id: int, field_id: int):
    """Delete a question."""
    template = _template(template_id)
    field = _field(template, field_id)
    section_id = field.section_id
    if not confirmed():
        return ask(
            _("Delete the question “%(label)s”?", label=field.label),
            button=_("Delete"),
            back=url_for("brief_templates.show", template_id=template.id),
        )
    try:
        editing.delete_field(field, clock.utcnow())
    except editing.DependencyError as error:
        return _refused(template, error, f"field-{field_id}")
    db.session.commit()
    flash(_("Question “%(label)s” deleted.", label=field.label), "success")
    return _editor(template, f"section-{section_id}")


@bp.post("/<int:template_id>/fields/<int:field_id>/move/<any(up, down):direction>")
@login_required
def move_field(template_id: int, field_id: int, direction: str):
    """Move a question one place up or down within its section."""
    template = _template(template_id)
    field = _field(template, field_id)
    try:
        editing.move_field(field, STEPS[direction], clock.utcnow())
    except editing.DependencyError as error:
        return _refused(template, error, f"field-{field_id}")
    db.session.commit()
    return _editor(template, f"field-{field.id}")


# -- Conditions --------------------------------------------------------------------------


def _earlier_fields(template: Template, field: TemplateField) -> list[TemplateField]:
    """The questions before `field` in template order: those a condition may use."""
    earlier = []
    for section in template.sections:
        for other in section.fields:
            if other.id == field.id:
                return earlier
            earlier.append(other)
    return earlier


def _choices_of(field: TemplateField) -> list[tuple[str, str]]:
    """The (stored value, shown text) pairs a question's answer can take, if it has a list."""
    if field.type == "yes_no":
        return [("yes", _("Yes")), ("no", _("No"))]
    return [(option, option) for option in field.options or []]


def _new_rule(on: TemplateField, form) -> dict | None:
    """Read one rule from the condition form; None when the values do not fit the operator."""
    op = form.get("op", "")
    values = [v.strip() for v in form.getlist("values") if v.strip()]
    if form.get("value", "").strip():
        values.append(form["value"].strip())
    if op in (ANSWERED, NOT_ANSWERED, NOT_APPLICABLE):
        return {"key": on.key, "op": op}
    if op == ONE_OF and values:
        return {"key": on.key, "op": op, "values": values}
    if op in (EQUALS, CONTAINS) and len(values) == 1:
        return {"key": on.key, "op": op, "value": values[0]}
    return None


def _joined(existing: dict | None, rule: dict, match: str) -> dict:
    """Add a rule to a condition: to its list when the match agrees, else around it."""
    if not existing:
        return {ALL: [rule]}
    if match in existing:
        return {match: [*existing[match], rule]}
    return {match: [existing, rule]}


def _condition_page(
    template: Template,
    target: TemplateField | TemplateSection,
    earlier: list[TemplateField],
    anchor: str,
    urls: dict[str, str],
):
    """Add a rule to when a question or section is shown, or show the form for it."""
    by_key = {other.key: other for other in earlier}
    source = request.form if request.method == "POST" else request.args
    on = by_key.get(source.get("on", ""))
    problem = None
    if request.method == "POST" and on is not None:
        rule = _new_rule(on, request.form)
        if rule is None:
            problem = _(
                "Choose one value for “is” and “includes”, or at least one for “is one of”."
            )
        else:
            match = request.form.get("match") if request.form.get("match") in (ALL, ANY) else ALL
            try:
                editing.set_condition(
                    target, _joined(target.condition, rule, match), clock.utcnow()
                )
            except editing.DependencyError as error:
                return _refused(template, error, anchor)
            db.session.commit()
            flash(_("Condition added."), "success")
            return _editor(template, anchor)
    labels = {f.key: f.label for s in template.sections for f in s.fields}
    return render_template(
        "brief_templates/condition_form.html",
        template=template,
        name=target.label if isinstance(target, TemplateField) else target.title,
        has_condition=bool(target.condition),
        anchor=anchor,
        urls=urls,
        earlier=earlier,
        on=on,
        choices=_choices_of(on) if on else [],
        operators=OPERATOR_LABELS,
        current=describe(target.condition, labels),
        problem=problem,
    ), (422 if problem else 200)


@bp.route("/<int:template_id>/fields/<int:field_id>/condition", methods=["GET", "POST"])
@login_required
def field_condition(template_id: int, field_id: int):
    """Add a rule to when a question is shown: pick the earlier question, then the rest."""
    template = _template(template_id)
    field = _field(template, field_id)
    urls = {
        "self": url_for(".field_condition", template_id=template_id, field_id=field_id),
        "clear": url_for(".clear_field_condition", template_id=template_id, field_id=field_id),
    }
    return _condition_page(
        template, field, _earlier_fields(template, field), f"field-{field_id}", urls
    )


@bp.post("/<int:template_id>/fields/<int:field_id>/condition/clear")
@login_required
def clear_field_condition(template_id: int, field_id: int):
    """Show a question always again."""
    template = _template(template_id)
    field = _field(template, field_id)
    editing.set_condition(field, None, clock.utcnow())
    db.session.commit()
    flash(_("The question is now always shown."), "success")
    return _editor(template, f"field-{field.id}")


@bp.route("/<int:template_id>/sections/<int:section_id>/condition", methods=["GET", "POST"])
@login_required
def section_condition(template_id: int, section_id: int):
    """Add a rule to when a whole section is shown, on questions of earlier sections."""
    template = _template(template_id)
    section = _section(template, section_id)
    earlier = [f for s in template.sections if s.position < section.position for f in s.fields]
    urls = {
        "self": url_for(".section_condition", template_id=template_id, section_id=section_id),
        "clear": url_for(
            ".clear_section_condition", template_id=template_id, section_id=section_id
        ),
    }
    return _condition_page(template, section, earlier, f"section-{section_id}", urls)


@bp.post("/<int:template_id>/sections/<int:section_id>/condition/clear")
@login_required
def clear_section_condition(template_id: int, section_id: int):
    """Show a section always again."""
    template = _template(template_id)
    section = _section(template, section_id)
    editing.set_condition(section, None, clock.utcnow())
    db.session.commit()
    flash(_("The section is now always shown."), "success")
    return _editor(template, f"section-{section.id}")

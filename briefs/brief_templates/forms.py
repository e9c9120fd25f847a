"""Forms of the template editor: one form per thing edited, shared by create and update."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from briefs.labels import FIELD_TYPE_LABELS, LANGUAGE_LABELS
from briefs.models import TemplateField
from briefs.models.types import CHOICE_TYPES, FIELD_TYPES
from briefs.template_editing import lost_answers, suggest_key, template_keys
from briefs.template_yaml import (
    KEY_PATTERN,
    LANGUAGES,
    MAX_KEY,
    MAX_LABEL,
    MAX_NAME,
    MAX_OPTION,
    MAX_OPTIONS,
    MAX_TEMPLATE_BYTES,
    MAX_TITLE,
    FieldData,
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class TemplateForm(FlaskForm):
    """A template's name, description and language."""

    name = StringField(
        _lp("title of a thing", "Name"),
        filters=[_strip],
        validators=[DataRequired(), Length(max=MAX_NAME)],
    )
    description = TextAreaField(_l("Description"), filters=[_strip])
    locale = SelectField(
        _l("Language of the questions"),
        choices=[(code, LANGUAGE_LABELS[code]) for code in LANGUAGES],
    )


class SectionForm(FlaskForm):
    """A section's title and description."""

    title = StringField(
        _l("Title"), filters=[_strip], validators=[DataRequired(), Length(max=MAX_TITLE)]
    )
    description = TextAreaField(_l("Description"), filters=[_strip])


class FieldForm(FlaskForm):
    """One question. Set `template_id` (and `field_id` when editing) before validating."""

    label = StringField(
        _l("Question"), filters=[_strip], validators=[DataRequired(), Length(max=MAX_LABEL)]
    )
    key = StringField(_l("Key"), filters=[_strip], validators=[Optional(), Length(max=MAX_KEY)])
    type = SelectField(
        _l("Type of answer"), choices=[(kind, FIELD_TYPE_LABELS[kind]) for kind in FIELD_TYPES]
    )
    required = BooleanField(_l("The client must answer this question"))
    options = TextAreaField(_l("Options"), filters=[_strip])
    help = TextAreaField(_l("Help text"), filters=[_strip])
    example = TextAreaField(_l("Example answer"), filters=[_strip])
    section_id = SelectField(_l("Section"), coerce=int, validate_choice=True)

    template_id: int
    field_id: int | None = None

    def __init__(self, *args, template_id: int, field: TemplateField | None = None, **kwargs):
        super().__init__(*args, obj=field, **kwargs)
        self.template_id = template_id
        self.edited = field
        self.field_id = field.id if field else None

    def validate(self, extra_validators=None) -> bool:
        """Also refuse, with what typed kept, a type or options that another question's
        condition could no longer be met by (template_editing.lost_answers)."""
        if not super().validate(extra_validators):
            return False
        if self.edited is None:
            return True
        lost = lost_answers(self.edited, self.type.data, self.option_list())
        choice = self.type.data in CHOICE_TYPES
        for item in lost:
            words = {"name": item.name, "value": item.value}
            if choice:
                message = _(
                    "«%(name)s» is shown when this answer is «%(value)s», which would no "
                    "longer be an option. Keep that option, or change that condition first.",
                    **words,
                )
            else:
                message = _(
                    "«%(name)s» is shown when this answer is «%(value)s», which this type of "
                    "answer cannot give. Keep the type, or change that condition first.",
                    **words,
                )
            # Said at the options when the type keeps a list, else at the type that took it.
            (self.options if choice else self.type).errors.append(message)
        return not lost

    def option_list(self) -> list[str]:
        """Return the options, one a line, without blank lines."""
        lines = (line.strip() for line in (self.options.data or "").splitlines())
        return [line for line in lines if line]

    def validate_key(self, field) -> None:
        if not field.data:
            return
        if not KEY_PATTERN.match(field.data):
            raise ValidationError(
                _("Use only lowercase Latin letters, digits and underscores, e.g. service_name.")
            )
        if field.data in template_keys(self.template_id, except_field_id=self.field_id):
            raise ValidationError(
                _(
                    "Another question in this template already uses the key %(key)s.",
                    key=field.data,
                )
            )

    def validate_options(self, field) -> None:
        options = self.option_list()
        if self.type.data in CHOICE_TYPES:
            if not options:
                raise ValidationError(_("List the options to choose from, one a line."))
            if len(options) > MAX_OPTIONS:
                raise ValidationError(_("At most %(limit)s options.", limit=MAX_OPTIONS))
            if len(set(options)) != len(options):
                raise ValidationError(_("Each option may appear only once."))
            if any(len(option) > MAX_OPTION for option in options):
                raise ValidationError(
                    _("Each option may have at most %(limit)s characters.", limit=MAX_OPTION)
                )
        elif options:
            raise ValidationError(
                _(
                    "Only one-choice and several-choices questions have options: "
                    "clear this box or change the type of answer."
                )
            )

    def values(self) -> FieldData:
        """Return what the form says, with a key made from the label when none was given."""
        key = self.key.data or suggest_key(
            self.label.data, template_keys(self.template_id, except_field_id=self.field_id)
        )
        return FieldData(
            key=key,
            label=self.label.data,
            type=self.type.data,
            required=self.required.data,
            help=self.help.data or "",
            example=self.example.data or "",
            options=tuple(self.option_list()) if self.type.data in CHOICE_TYPES else (),
        )


class ImportForm(FlaskForm):
    """A template file to import."""

    file = FileField(
        _l("Template file (YAML)"),
        validators=[
            FileRequired(_l("Choose a file to import.")),
            FileAllowed(["yaml", "yml"], _l("Choose a .yaml or .yml file.")),
            FileSize(
                MAX_TEMPLATE_BYTES,
                message=_l(
                    "The file is larger than %(limit)s KB.", limit=MAX_TEMPLATE_BYTES // 1024
                ),
            ),
        ],
    )

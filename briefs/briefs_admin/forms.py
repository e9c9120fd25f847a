"""Forms for creating a brief and reviewing its answers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from briefs.labels import LANGUAGE_LABELS
from briefs.models.brief import ACCEPTED, CHANGES_REQUESTED

#: The empty choice means "the language the template is written in".
SAME_AS_TEMPLATE = ""


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _coerce_int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _at_least_one(form, field) -> None:
    # Not DataRequired: its "required" flag would mark every checkbox as required.
    if not field.data:
        raise ValidationError(_l("Choose at least one person."))


class NewBriefForm(FlaskForm):
    """Step 2 of a new brief: the template, title, language, recipients and dates."""

    template_id = SelectField(
        _l("Template"),
        coerce=_coerce_int_or_none,
        validators=[InputRequired(message=_l("Choose a template."))],
    )
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Give the brief a title.")), Length(max=200)],
    )
    locale = SelectField(
        _l("Language of the client's form"),
        choices=[
            (SAME_AS_TEMPLATE, _l("The template's language")),
            *LANGUAGE_LABELS.items(),
        ],
        default=SAME_AS_TEMPLATE,
    )
    recipients = CheckboxListField(
        _l("Send it to"),
        coerce=int,
        validators=[_at_least_one],
    )
    launch_date = DateField(
        _l("Launch date"),
        validators=[Optional()],
        render_kw={"autocomplete": "off"},
    )
    work_days = IntegerField(
        _l("Working days the agency needs"),
        default=5,
        validators=[
            InputRequired(message=_l("Enter a number of days from 0 to 365.")),
            NumberRange(min=0, max=365, message=_l("Enter a number of days from 0 to 365.")),
        ],
        render_kw={"min": 0, "max": 365, "inputmode": "numeric"},
    )

    def validate_template_id(self, field) -> None:
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a template from the list."))


class ReviewForm(FlaskForm):
    """Accept a field's answer, or send it back with a comment for the client."""

    verdict = HiddenField(validators=[AnyOf([ACCEPTED, CHANGES_REQUESTED])])
    comment = TextAreaField(
        _l("What should the client change?"),
        validators=[Length(max=5000)],
        render_kw={"rows": 3},
    )

    def validate_comment(self, field) -> None:
        if self.verdict.data == CHANGES_REQUESTED and not (field.data or "").strip():
            raise ValidationError(_l("Say what should change, so the client knows what to do."))


class ConfirmForm(FlaskForm):
    """A button and a CSRF token: for actions that need no input."""

"""Forms of the brief pages: create a brief, review answers, assign questions, reminders."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
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

from briefs.brief_editing import BriefDetails
from briefs.extensions import db
from briefs.form_dates import within_years
from briefs.labels import LANGUAGE_LABELS, ROLE_LABELS
from briefs.models import Brief, Client, Template
from briefs.models.brief import ACCEPTED, CHANGES_REQUESTED
from briefs.workflow import Actor, create_brief

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


class BriefDetailsForm(FlaskForm):
    """A brief's details: title, language, recipients, launch date and lead.

    Creating a brief and editing one share it, so both refuse the same input.
    """

    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Give the brief a title.")), Length(max=200)],
    )
    locale = SelectField(_l("Language of the client's form"), choices=list(LANGUAGE_LABELS.items()))
    recipients = CheckboxListField(
        _l("Send it to"),
        coerce=int,
        validators=[_at_least_one],
    )
    launch_date = DateField(
        _l("Launch date"),
        validators=[Optional(), within_years],
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

    def offer_contacts(self, client: Client) -> None:
        """Offer the client's contacts as recipients."""
        self.recipients.choices = [
            (c.id, f"{c.name} · {c.email} · {ROLE_LABELS.get(c.role, c.role)}")
            for c in client.contacts
        ]


class NewBriefForm(BriefDetailsForm):
    """Step 2 of a new brief: the template, title, language, recipients and dates."""

    template_id = SelectField(
        _l("Template"),
        coerce=_coerce_int_or_none,
        validators=[InputRequired(message=_l("Choose a template."))],
    )
    locale = SelectField(
        _l("Language of the client's form"),
        choices=[
            (SAME_AS_TEMPLATE, _l("The template's language")),
            *LANGUAGE_LABELS.items(),
        ],
        default=SAME_AS_TEMPLATE,
    )

    def validate_template_id(self, field) -> None:
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a template from the list."))

    def create_brief(
        self, client: Client, *, actor: Actor, now: datetime, secret_key: str
    ) -> Brief:
        """Create the brief this validated form describes (the page and the API alike)."""
        template = db.session.get(Template, self.template_id.data)
        chosen = set(self.recipients.data)
        locale = self.locale.data
        brief, _token = create_brief(
            template=template,
            client=client,
            title=self.title.data.strip(),
            locale=template.locale if locale == SAME_AS_TEMPLATE else locale,
            recipients=[c for c in client.contacts if c.id in chosen],
            launch_date=self.launch_date.data,
            work_days=self.work_days.data,
            actor=actor,
            now=now,
            secret_key=secret_key,
        )
        return brief


def template_in_language(templates: list[Template], locale: str) -> int | None:
    """Return the id of the first template written in `locale`, or None when none is."""
    return next((t.id for t in templates if t.locale == locale), None)


#: The decision-maker choice that means "every decision-maker of the client".
EVERY_DECISION_MAKER = ""


class EditBriefForm(BriefDetailsForm):
    """Change an open brief's details; the launch date may not move into the past."""

    decision_maker = SelectField(
        _l("Decision-maker"), coerce=_coerce_int_or_none, validate_choice=True
    )

    @classmethod
    def for_brief(cls, brief: Brief, **kwargs) -> EditBriefForm:
        """Build the form on the brief's values, offering the brief's client's people.

        `kwargs` go to the form (the API passes `formdata=None`: its JSON body is read
        through `inputs.form_data`, never straight from the request).
        """
        form = cls(
            **kwargs,
            title=brief.title,
            locale=brief.locale,
            recipients=[c.id for c in brief.recipients],
            launch_date=brief.launch_date,
            work_days=brief.work_days,
            decision_maker=brief.decision_maker.id if brief.decision_maker else None,
        )
        form.offer_contacts(brief.client)
        deciders = [
            c
            for c in brief.client.contacts
            if c.role == "decision_maker" or c == brief.decision_maker
        ]
        form.decision_maker.choices = [
            (EVERY_DECISION_MAKER, _l("Every decision-maker at the client")),
            *((c.id, f"{c.name} · {c.email}") for c in deciders),
        ]
        return form

    def check_launch_date(self, brief: Brief, today: date) -> bool:
        """Refuse moving the launch date into the past; an unchanged date may have passed."""
        moved = self.launch_date.data
        if moved is not None and moved != brief.launch_date and moved < today:
            self.launch_date.errors = [
                *self.launch_date.errors,
                _l("This day has passed. Choose today or a later day."),
            ]
            return False
        return True

    def details(self, client: Client) -> BriefDetails:
        """Return the validated values as the brief's new details."""
        chosen = set(self.recipients.data)
        by_id = {c.id: c for c in client.contacts}
        return BriefDetails(
            title=self.title.data.strip(),
            launch_date=self.launch_date.data,
            work_days=self.work_days.data,
            recipients=[c for c in client.contacts if c.id in chosen],
            decision_maker=by_id.get(self.decision_maker.data),
            locale=self.locale.data,
        )


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


class RegenerateLinkForm(FlaskForm):
    """Replace the client link; colleagues' links stop too unless the box is cleared."""

    #: On by default: a link that reached the wrong person may already have handed
    #: questions to that person's "colleagues", and those links would outlive the new one.
    withdraw_handovers = BooleanField(
        _l("Also stop the colleagues' links (you can hand their questions over again)"),
        default=True,
    )


class AssignForm(FlaskForm):
    """Give a client contact a link to some questions: sections ("s-<id>") or fields ("f-<id>")."""

    contact_id = SelectField(
        _l("Client contact"), coerce=int, validators=[InputRequired(_l("Choose a contact."))]
    )
    scope = SelectMultipleField(_l("Questions"), choices=[])
    note = TextAreaField(_l("Note for them (optional)"), validators=[Length(max=2000)])


def assign_choices(brief: Brief) -> list[tuple[str, str]]:
    """Offer each section, then its questions, as things to assign."""
    choices = []
    for section in brief.sections:
        choices.append((f"s-{section.id}", section.title))
        choices += [(f"f-{field.id}", field.label) for field in section.fields]
    return choices


_OPTIONAL_DAYS = [Optional(), NumberRange(min=1, max=60, message=_l("From 1 to 60."))]


class BriefReminderForm(FlaskForm):
    """One brief's departures from the agency's reminder policy (empty = the default)."""

    reminder_first_after = IntegerField(_l("First reminder after (working days)"), _OPTIONAL_DAYS)
    reminder_every = IntegerField(_l("Then every (working days)"), _OPTIONAL_DAYS)
    reminder_max = IntegerField(
        _l("At most (reminders)"),
        [Optional(), NumberRange(min=0, max=20, message=_l("From 0 to 20."))],
    )
    reminders_paused = BooleanField(_l("Pause reminders for this brief"))
    escalation_enabled = BooleanField(_l("Tell the client's decision-maker when it stalls"))

"""Forms for clients and their contacts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from briefs.auth.forms import valid_timezone
from briefs.labels import ROLE_LABELS
from briefs.models.client import CONTACT_ROLES


class ClientForm(FlaskForm):
    name = StringField(
        _lp("title of a thing", "Name"), validators=[DataRequired(), Length(max=200)]
    )
    timezone = SelectField(_l("Time zone"), validators=[valid_timezone], default="UTC")
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)])
    escalation_enabled = BooleanField(
        _l("Tell the decision-maker when reminders go unanswered or a launch is late"),
        default=True,
    )
    weekly_digest = BooleanField(
        _l("Send the decision-maker a weekly status of all open briefs"), default=False
    )


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(),
            Email(message=_l("Enter an e-mail address like name@example.com.")),
            Length(max=254),
        ],
    )
    role = SelectField(
        _l("Role"),
        choices=[(role, ROLE_LABELS[role]) for role in CONTACT_ROLES],
        default="contact",
    )


class ContactRemoveForm(FlaskForm):
    """Nothing to fill in: the form only carries the CSRF token."""

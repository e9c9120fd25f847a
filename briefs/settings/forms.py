"""Forms for the agency's settings: its name and language, reminders, message wording."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from briefs.auth.forms import LANGUAGE_CHOICES, valid_timezone
from briefs.rules.working_days import parse_holidays

_DAYS = NumberRange(min=1, max=60, message=_l("Enter a number from 1 to 60."))


class AgencySettingsForm(FlaskForm):
    name = StringField(_l("Agency name"), validators=[DataRequired(), Length(max=200)])
    timezone = SelectField(_l("Time zone"), validators=[valid_timezone])
    default_locale = SelectField(_l("Default language"), choices=LANGUAGE_CHOICES)


class ReminderPolicyForm(FlaskForm):
    reminder_first_after = IntegerField(_l("First reminder after (working days)"), [_DAYS])
    reminder_every = IntegerField(_l("Then every (working days)"), [_DAYS])
    reminder_max = IntegerField(
        _l("At most this many reminders in a row"),
        [NumberRange(min=0, max=20, message=_l("Enter a number from 0 to 20."))],
    )
    window_start_hour = IntegerField(
        _l("Send from (hour, client's time)"),
        [NumberRange(min=0, max=23, message=_l("Enter an hour from 0 to 23."))],
    )
    window_end_hour = IntegerField(
        _l("Send until (hour, client's time)"),
        [NumberRange(min=1, max=24, message=_l("Enter an hour from 1 to 24."))],
    )
    escalate_after = IntegerField(
        _l("Tell the decision-maker after this many unanswered reminders (0 = never)"),
        [NumberRange(min=0, max=20, message=_l("Enter a number from 0 to 20."))],
    )
    holiday_country = StringField(
        _l("Public holidays of (country code)"), [Optional(), Length(min=2, max=2)]
    )
    extra_holidays = TextAreaField(_l("Other days off"))
    daily_digest = BooleanField(_l("Send the team a daily digest"))
    reply_to = EmailField(_l("Replies to e-mails go to"), [Optional(), Email()])

    def validate_window_end_hour(self, field) -> None:
        if self.window_start_hour.data is not None and field.data is not None:
            if field.data <= self.window_start_hour.data:
                raise ValidationError(_l("The end must be later than the start."))

    def validate_extra_holidays(self, field) -> None:
        _days, bad = parse_holidays(field.data or "")
        if bad:
            raise ValidationError(
                _l("Not a date (use YYYY-MM-DD): %(lines)s", lines=", ".join(bad[:3]))
            )

    def validate_holiday_country(self, field) -> None:
        import holidays

        code = (field.data or "").upper()
        if code and code not in holidays.list_supported_countries():
            raise ValidationError(_l("Unknown country code."))
        field.data = code


class WordingForm(FlaskForm):
    subject = StringField(_l("Subject"), [Length(max=300)])
    intro = TextAreaField(_l("Opening paragraph"), [Length(max=4000)])

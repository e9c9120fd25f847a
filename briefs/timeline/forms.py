"""The form for adding a contact that happened outside Briefs to the timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from briefs.form_dates import within_years
from briefs.rules.promises import promise_data
from briefs.timeline.sentences import CHANNEL_LABELS, CHANNELS

#: A note longer than this belongs in a document, not on a timeline.
NOTE_MAX = 2000

#: Clocks differ a little; a contact "now" may read a few minutes ahead.
FUTURE_SLACK = timedelta(minutes=5)


class LoggedContactForm(FlaskForm):
    """When a call, message or meeting happened, with whom, and what was said."""

    day = DateField(
        _l("Date"),
        validators=[InputRequired(message=_l("Enter the date it happened.")), within_years],
    )
    time = TimeField(
        _l("Time"), validators=[InputRequired(message=_l("Enter the time it happened."))]
    )
    channel = SelectField(
        _l("How"),
        choices=[(value, CHANNEL_LABELS[value]) for value in CHANNELS],
        validators=[DataRequired(message=_l("Choose how it happened."))],
    )
    with_whom = StringField(
        _l("With whom"),
        validators=[Optional(), Length(max=200, message=_l("Keep it under 200 characters."))],
    )
    note = TextAreaField(
        _l("What was said or agreed"),
        validators=[
            DataRequired(message=_l("Write what was said or agreed.")),
            Length(
                max=NOTE_MAX,
                message=_l("Keep the note under %(max)d characters.", max=NOTE_MAX),
            ),
        ],
    )

    promise_due = DateField(_l("Promised by (date)"), validators=[Optional(), within_years])
    promise_by = StringField(
        _l("Who promised"),
        validators=[Optional(), Length(max=200, message=_l("Keep it under 200 characters."))],
    )

    def promise(self) -> dict | None:
        """Return the promise to store with the entry, or None if no date was given."""
        if self.promise_due.data is None:
            return None
        by = (self.promise_by.data or "").strip() or (self.with_whom.data or "").strip()
        return promise_data(by, self.promise_due.data)

    def validate_promise_due(self, field) -> None:
        """Refuse a promise due before the contact in which it was made."""
        if field.data is not None and self.day.data is not None and field.data < self.day.data:
            raise ValidationError(_l("A promise is due on or after the day it was made."))

    def moment(self, zone: ZoneInfo) -> datetime:
        """Return the entered local date and time as UTC."""
        local = datetime.combine(self.day.data, self.time.data).replace(tzinfo=zone)
        return local.astimezone(UTC)

    def check_not_future(self, zone: ZoneInfo, now: datetime) -> bool:
        """Reject a moment still to come: the timeline records what happened."""
        if self.moment(zone) > now + FUTURE_SLACK:
            self.day.errors = [
                *self.day.errors,
                _l("That moment is still to come. Enter when the contact happened."),
            ]
            return False
        return True

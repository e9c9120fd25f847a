"""The form for adding a contact that happened outside Briefs to the timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from briefs.timeline.sentences import CHANNEL_LABELS, CHANNELS

#: A note longer than this belongs in a document, not on a timeline.
NOTE_MAX = 2000

#: Clocks differ a little; a contact "now" may read a few minutes ahead.
FUTURE_SLACK = timedelta(minutes=5)


class LoggedContactForm(FlaskForm):
    """When a call, message or meeting happened, with whom, and what was said."""

    day = DateField(
        _l("Date"), validators=[InputRequired(message=_l("Enter the date it happened."))]
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

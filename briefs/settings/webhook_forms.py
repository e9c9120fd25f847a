"""Forms for webhook endpoints: the URL and the events it receives."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from briefs.webhooks.endpoints import UnsafeUrl, check_url
from briefs.webhooks.events import WEBHOOK_EVENTS


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WebhookEndpointForm(FlaskForm):
    url = StringField(_l("Address (URL)"), validators=[DataRequired(), Length(max=500)])
    events = _Checkboxes(
        _l("Events"),
        choices=[(name, name) for name in WEBHOOK_EVENTS],
        validators=[DataRequired(message=_l("Choose at least one event."))],
    )

    def validate_url(self, url) -> None:
        try:
            check_url(url.data.strip(), allow_private=current_app.config["ALLOW_PRIVATE_WEBHOOKS"])
        except UnsafeUrl as error:
            raise ValidationError(str(error)) from error


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (send again, resume, delete)."""

"""Forms for setup, signing in, teammates and one's own account."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

LANGUAGE_CHOICES = [("en", "English"), ("ru", "Русский")]


@cache
def _zone_names() -> frozenset[str]:
    # The time zone database does not change while the app runs; reading it scans files.
    return frozenset(available_timezones())


def timezone_choices() -> list[tuple[str, str]]:
    """List IANA time zones for a select, UTC first."""
    zones = sorted(z for z in _zone_names() if "/" in z and not z.startswith("Etc/"))
    return [("UTC", "UTC"), *[(z, z.replace("_", " ")) for z in zones]]


def valid_timezone(form, field) -> None:
    """Refuse a time zone that is not in the IANA database."""
    if field.data not in _zone_names():
        raise ValidationError(_l("Choose a time zone from the list."))


class PasswordMixin:
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=8, message=_l("At least 8 characters."))],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class SetupForm(PasswordMixin, FlaskForm):
    agency_name = StringField(_l("Agency name"), validators=[DataRequired(), Length(max=200)])
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    timezone = SelectField(_l("Time zone"), validators=[valid_timezone], default="UTC")
    default_locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))


class TeammateForm(PasswordMixin, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])


class AccountForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    locale = SelectField(_l("Language"), choices=[("", _l("As in my browser")), *LANGUAGE_CHOICES])
    new_password = PasswordField(
        _l("New password"),
        validators=[Optional(), Length(min=8, message=_l("At least 8 characters."))],
        render_kw={"autocomplete": "new-password"},
    )
    #: Asked for only when a new password is typed (checked in the view, against the hash).
    current_password = PasswordField(
        _l("Current password"), render_kw={"autocomplete": "current-password"}
    )


class SignOutElsewhereForm(FlaskForm):
    """A button and a CSRF token: end the user's sessions on other devices."""


class ApiTokenForm(FlaskForm):
    """A new personal API token: a name to recognise it, and what it may do."""

    # Its own id: the profile form on the same page has a "name" field too.
    name = StringField(
        _l("Token name"), validators=[DataRequired(), Length(max=100)], id="token-name"
    )
    scope = SelectField(
        _l("Access"),
        choices=[("read", _l("Read only")), ("write", _l("Read and change"))],
        default="read",
    )


class RevokeTokenForm(FlaskForm):
    """Nothing to fill in: the form only carries the CSRF token."""


class TelegramChannelForm(FlaskForm):
    """Where one's agency alerts go once Telegram is linked."""

    channel = SelectField(
        _l("Send my alerts"),
        choices=[
            ("email", _l("By e-mail")),
            ("telegram", _l("In Telegram")),
            ("both", _l("By e-mail and in Telegram")),
        ],
        default="email",
    )


class TelegramActionForm(FlaskForm):
    """A button and a CSRF token: make a linking code, or unlink."""

"""Routes of the settings blueprint: agency settings, reminders and message wording."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from briefs.accounts import agency_settings
from briefs.auth.forms import timezone_choices
from briefs.brief_summaries import refresh_info_due
from briefs.extensions import db
from briefs.mail.content import DEFAULT_WORDING
from briefs.mail.due_briefs import look_again
from briefs.models import MessageWording
from briefs.settings.forms import AgencySettingsForm, ReminderPolicyForm, WordingForm
from briefs.webhooks.endpoints import paused_count

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.route("", methods=["GET", "POST"])
@login_required
def agency():
    """Edit the agency's name, time zone and default language (owner only)."""
    settings = agency_settings()
    form = AgencySettingsForm(obj=settings)
    form.timezone.choices = timezone_choices()
    if form.validate_on_submit():
        if not current_user.is_owner:
            abort(403)
        form.populate_obj(settings)
        # Chasing reads these settings: every open brief is judged anew.
        look_again()
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("settings.agency"))
    return render_template("settings/agency.html", form=form, paused_webhooks=paused_count())


@bp.route("/reminders", methods=["GET", "POST"])
@login_required
def reminder_settings():
    """Edit the agency-wide reminder policy, days off and digest (owner only)."""
    settings = agency_settings()
    form = ReminderPolicyForm(obj=settings)
    if form.validate_on_submit():
        if not current_user.is_owner:
            abort(403)
        form.populate_obj(settings)
        # Chasing reads these settings: every open brief is judged anew.
        look_again()
        # The days off move the day each brief's answers are due by (the risk filter).
        refresh_info_due()
        db.session.commit()
        flash(_("Reminder settings saved."), "success")
        return redirect(url_for("settings.reminder_settings"))
    return render_template(
        "settings/reminders.html", form=form, wording_kinds=list(DEFAULT_WORDING)
    )


@bp.route("/wording/<kind>/<locale>", methods=["GET", "POST"])
@login_required
def wording(kind: str, locale: str):
    """Edit the subject and opening of one kind of message in one language."""
    if kind not in DEFAULT_WORDING or locale not in ("en", "ru"):
        abort(404)
    custom = db.session.scalar(
        select(MessageWording).where(MessageWording.kind == kind, MessageWording.locale == locale)
    )
    default_subject, default_intro = DEFAULT_WORDING[kind]
    with force_locale(locale):
        defaults = {"subject": str(default_subject), "intro": str(default_intro)}
    form = WordingForm(obj=custom, data=None if custom else defaults)
    if form.validate_on_submit():
        if not current_user.is_owner:
            abort(403)
        if custom is None:
            custom = MessageWording(kind=kind, locale=locale)
            db.session.add(custom)
        custom.subject = form.subject.data.strip()
        custom.intro = form.intro.data.strip()
        db.session.commit()
        flash(_("Wording saved."), "success")
        return redirect(url_for("settings.wording", kind=kind, locale=locale))
    return render_template(
        "settings/wording.html",
        form=form,
        kind=kind,
        locale=locale,
        defaults=defaults,
        kinds=list(DEFAULT_WORDING),
    )

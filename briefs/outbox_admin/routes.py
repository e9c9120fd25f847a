"""Routes: the outbox, and the chasing settings."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from briefs import clock
from briefs.accounts import agency_settings
from briefs.extensions import db
from briefs.mail.content import DEFAULT_WORDING
from briefs.mail.outbox import retry
from briefs.models import Brief, Message, MessageWording
from briefs.models.outbox import FAILED, QUEUED, SENDING, SENT
from briefs.outbox_admin import bp
from briefs.outbox_admin.forms import ReminderPolicyForm, WordingForm

STATUS_FILTERS = (QUEUED, SENDING, SENT, FAILED, "cancelled")
PAGE_SIZE = 100


@bp.get("/outbox")
@login_required
def outbox():
    """List outgoing messages, newest first, with their delivery status."""
    status = request.args.get("status", "")
    query = select(Message).order_by(Message.id.desc()).limit(PAGE_SIZE)
    if status in STATUS_FILTERS:
        query = query.where(Message.status == status)
    messages = db.session.scalars(query).all()
    titles = dict(
        db.session.execute(
            select(Brief.id, Brief.title).where(
                Brief.id.in_({m.brief_id for m in messages if m.brief_id})
            )
        ).all()
    )
    from flask import current_app

    return render_template(
        "outbox_admin/outbox.html",
        messages=messages,
        titles=titles,
        status=status,
        statuses=STATUS_FILTERS,
        smtp_configured=bool(current_app.config["SMTP_URL"]),
    )


@bp.get("/outbox/<int:message_id>")
@login_required
def message(message_id: int):
    """Show one message as it was (or will be) sent."""
    item = db.get_or_404(Message, message_id)
    brief = db.session.get(Brief, item.brief_id) if item.brief_id else None
    return render_template("outbox_admin/message.html", message=item, brief=brief)


@bp.post("/outbox/<int:message_id>/retry")
@login_required
def retry_message(message_id: int):
    """Queue a failed message again; the next send-due run delivers it."""
    item = db.get_or_404(Message, message_id)
    if item.status != FAILED:
        flash(_("Only a failed message can be retried."), "warning")
    else:
        retry(item, clock.utcnow())
        db.session.commit()
        flash(_("The message is queued again."), "success")
    return redirect(url_for("outbox_admin.message", message_id=item.id))


@bp.route("/settings/reminders", methods=["GET", "POST"])
@login_required
def reminder_settings():
    """Edit the agency-wide reminder policy, days off and digest (owner only)."""
    settings = agency_settings()
    form = ReminderPolicyForm(obj=settings)
    if form.validate_on_submit():
        if not current_user.is_owner:
            abort(403)
        form.populate_obj(settings)
        db.session.commit()
        flash(_("Reminder settings saved."), "success")
        return redirect(url_for("outbox_admin.reminder_settings"))
    return render_template("outbox_admin/reminder_settings.html", form=form)


@bp.route("/settings/wording/<kind>/<locale>", methods=["GET", "POST"])
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
        return redirect(url_for("outbox_admin.wording", kind=kind, locale=locale))
    return render_template(
        "outbox_admin/wording.html",
        form=form,
        kind=kind,
        locale=locale,
        defaults=defaults,
        kinds=list(DEFAULT_WORDING),
    )

"""Routes of the outbox_admin blueprint: the outbox, one message, and retrying it."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from briefs import clock
from briefs.extensions import db
from briefs.mail.outbox import retry
from briefs.mail.smtp import parse_smtp_url
from briefs.models import Brief, Message, TelegramMessage, User
from briefs.models.outbox import BY_TELEGRAM, FAILED, QUEUED, SENDING, SENT, UNCONFIRMED
from briefs.security_headers import no_store

STATUS_FILTERS = (QUEUED, SENDING, SENT, UNCONFIRMED, FAILED, "cancelled", BY_TELEGRAM)
PAGE_SIZE = 100

bp = Blueprint("outbox_admin", __name__)


@bp.app_template_global("mail_configured")
def mail_configured() -> bool:
    """Tell pages whether e-mail can leave: without a mail server it waits in the outbox."""
    return parse_smtp_url(current_app.config["SMTP_URL"]) is not None


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
    return render_template(
        "outbox_admin/outbox.html",
        messages=messages,
        titles=titles,
        status=status,
        statuses=STATUS_FILTERS,
        smtp_configured=mail_configured(),
    )


@bp.get("/outbox/<int:message_id>")
@login_required
@no_store
def message(message_id: int):
    """Show one message as it was (or will be) sent."""
    item = db.get_or_404(Message, message_id)
    brief = db.session.get(Brief, item.brief_id) if item.brief_id else None
    # Its copies sent to teammates' Telegram chats, with whom each went to.
    telegram = db.session.execute(
        select(TelegramMessage, User.name)
        .join(User, User.id == TelegramMessage.user_id)
        .where(TelegramMessage.message_id == item.id)
        .order_by(TelegramMessage.id)
    ).all()
    return render_template(
        "outbox_admin/message.html", message=item, brief=brief, telegram=telegram
    )


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

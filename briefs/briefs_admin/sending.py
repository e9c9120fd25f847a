"""Views for sending a brief by e-mail and for its own reminder settings."""

from __future__ import annotations

from flask import current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from briefs import clock, workflow
from briefs.accounts import agency_settings
from briefs.briefs_admin.forms import BriefReminderForm, ConfirmForm
from briefs.extensions import db
from briefs.mail.chasing import invitation
from briefs.mail.outbox import queue
from briefs.mail.smtp import parse_smtp_url
from briefs.models import Brief


def _to_brief(brief: Brief, anchor: str = "chasing"):
    return redirect(url_for("briefs_admin.brief", brief_id=brief.id, _anchor=anchor))


@login_required
def send_by_email(brief_id: int):
    """Queue the invitation e-mail to the brief's contacts; send-due delivers it."""
    brief = db.get_or_404(Brief, brief_id)
    if not ConfirmForm().validate_on_submit():
        return _to_brief(brief)
    # queue() commits the invitation, so a closed brief is refused before it is drafted.
    workflow.refuse_if_closed(brief, "send")
    if not brief.recipients:
        flash(_("The brief has no contacts to send it to."), "warning")
        return _to_brief(brief)
    now = clock.utcnow()
    queued = [queue(draft, now) for draft in invitation(brief, agency_settings(), now)]
    workflow.mark_sent(brief, workflow.Actor.user(current_user), now, channel="email")
    db.session.commit()
    to = [address for message in queued if message is not None for address in message.to_addrs]
    if not to:
        flash(_("This invitation is already in the outbox."), "info")
    else:
        flash(_queued_note(", ".join(to)), "success")
    return _to_brief(brief, "client-link")


@login_required
def reminder_settings(brief_id: int):
    """Save the brief's own reminder settings."""
    brief = db.get_or_404(Brief, brief_id)
    form = BriefReminderForm()
    if form.validate_on_submit():
        form.populate_obj(brief)
        # Its reminders follow the new settings from the next send-due run on.
        brief.next_due_at = None
        db.session.commit()
        flash(_("Reminder settings for this brief saved."), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return _to_brief(brief)


def _queued_note(to: str) -> Markup:
    """Say truly when a queued invitation leaves: at the next send-due run, or not at all
    while no mail server is configured (it then waits in the Outbox)."""
    if parse_smtp_url(current_app.config["SMTP_URL"]) is not None:
        return escape(
            _("The invitation to %(to)s is queued; it goes out at the next send-due run.", to=to)
        )
    outbox = Markup('<a href="{}">{}</a>').format(url_for("outbox_admin.outbox"), _("Outbox"))
    text = _(
        "The invitation to %(to)s waits in the %(outbox)s: no mail server is configured "
        "(SMTP_URL), so nothing is sent until one is."
    )
    return escape(text) % {"to": to, "outbox": outbox}

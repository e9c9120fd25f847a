"""Views for sending a brief by e-mail and for its own reminder settings."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from briefs import clock, workflow
from briefs.accounts import agency_settings
from briefs.briefs_admin.forms import BriefReminderForm, ConfirmForm
from briefs.extensions import db
from briefs.mail.chasing import invitation
from briefs.mail.outbox import queue
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
        flash(
            _(
                "The invitation is in the outbox for %(to)s; it goes out within a minute.",
                to=", ".join(to),
            ),
            "success",
        )
    return _to_brief(brief, "client-link")


@login_required
def reminder_settings(brief_id: int):
    """Save the brief's own reminder settings."""
    brief = db.get_or_404(Brief, brief_id)
    form = BriefReminderForm()
    if form.validate_on_submit():
        form.populate_obj(brief)
        db.session.commit()
        flash(_("Reminder settings for this brief saved."), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return _to_brief(brief)

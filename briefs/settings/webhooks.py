"""The settings pages for webhooks: endpoints, their secret shown once, their delivery log."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from briefs import clock
from briefs.extensions import db
from briefs.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from briefs.settings.routes import bp
from briefs.settings.webhook_forms import ActionForm, WebhookEndpointForm
from briefs.webhooks.delivery import KEEP, send_again
from briefs.webhooks.endpoints import add_endpoint, remove_endpoint, resume

#: Deliveries the log shows, newest first.
LOG_LENGTH = 100


def _owner_only() -> None:
    if not current_user.is_owner:
        abort(403)


def _endpoints() -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


@bp.route("/webhooks", methods=["GET", "POST"])
@login_required
def webhooks():
    """List the endpoints and add one (owner only); a new one's secret is shown this once."""
    form = WebhookEndpointForm()
    if form.validate_on_submit():
        _owner_only()
        endpoint, secret = add_endpoint(
            form.url.data.strip(),
            form.events.data,
            clock.utcnow(),
            secret_key=current_app.config["SECRET_KEY"],
        )
        db.session.commit()
        # Rendered, not redirected: the secret must never sit in a flash cookie.
        return render_template(
            "settings/webhooks.html",
            form=WebhookEndpointForm(formdata=None),
            endpoints=_endpoints(),
            new_endpoint=endpoint,
            new_secret=secret,
        )
    return render_template("settings/webhooks.html", form=form, endpoints=_endpoints())


@bp.get("/webhooks/<int:endpoint_id>")
@login_required
def webhook_log(endpoint_id: int):
    """Show an endpoint's deliveries, with a button to send each again, and every attempt."""
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    deliveries = db.session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(LOG_LENGTH)
    )
    attempts = db.session.scalars(
        select(WebhookAttempt)
        .options(joinedload(WebhookAttempt.delivery))
        .where(WebhookAttempt.endpoint_id == endpoint.id)
        .order_by(WebhookAttempt.id.desc())
        .limit(KEEP)
    )
    return render_template(
        "settings/webhook_log.html",
        endpoint=endpoint,
        deliveries=list(deliveries),
        attempts=list(attempts),
        keep=KEEP,
    )


def _owner_button(change: Callable[[], None], done: str, back: str):
    """Carry out an owner's button on the log page: check it, change, commit, say so, go back."""
    if ActionForm().validate_on_submit():
        change()
        db.session.commit()
        flash(done, "success")
    return redirect(back)


@bp.post("/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/again")
@login_required
def webhook_send_again(endpoint_id: int, delivery_id: int):
    """Queue one delivery again: the next send-due run posts it, same event id."""
    _owner_only()
    delivery = db.get_or_404(WebhookDelivery, delivery_id)
    if delivery.endpoint_id != endpoint_id:
        abort(404)
    return _owner_button(
        lambda: send_again(delivery, clock.utcnow()),
        _("It will be sent again within a few minutes."),
        url_for("settings.webhook_log", endpoint_id=endpoint_id),
    )


@bp.post("/webhooks/<int:endpoint_id>/resume")
@login_required
def webhook_resume(endpoint_id: int):
    """Resume a paused endpoint: what waited for it goes with the next run."""
    _owner_only()
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    return _owner_button(
        lambda: resume(endpoint, clock.utcnow()),
        _("The endpoint is active again."),
        url_for("settings.webhook_log", endpoint_id=endpoint_id),
    )


@bp.post("/webhooks/<int:endpoint_id>/delete")
@login_required
def webhook_delete(endpoint_id: int):
    """Remove an endpoint and its log."""
    _owner_only()
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    return _owner_button(
        lambda: remove_endpoint(endpoint),
        _("The endpoint is removed."),
        url_for("settings.webhooks"),
    )

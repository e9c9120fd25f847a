"""The mail to the agency's owners when a webhook endpoint is paused after failing for days.

One mail per owner, in their language, once per pause: the key names the endpoint and the
moment it was paused, so a later pause (after a resume) is told again, a repeat never.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from briefs.extensions import db
from briefs.mail.content import render_mail
from briefs.mail.digests import user_locale
from briefs.mail.outbox import Draft
from briefs.models import AgencySettings, User, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from briefs.models.webhook import DELIVERED
from briefs.rules.whose_move import AGENCY

WEBHOOK_PAUSED = "webhook_paused"


def paused_drafts(endpoint: WebhookEndpoint, settings: AgencySettings) -> list[Draft]:
    """Draft the news of the endpoint's pause for each active owner."""
    if endpoint.paused_at is None:
        return []
    owners = db.session.scalars(
        select(User).where(User.is_owner.is_(True), User.active.is_(True)).order_by(User.id)
    ).all()
    waiting = db.session.scalar(
        select(func.count(WebhookDelivery.id)).where(
            WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status != DELIVERED
        )
    )
    last = db.session.scalar(
        select(WebhookAttempt)
        .where(WebhookAttempt.endpoint_id == endpoint.id)
        .order_by(WebhookAttempt.id.desc())
        .limit(1)
    )
    context = {
        "endpoint": endpoint,
        "waiting": waiting or 0,
        "last": last,
        "agency": settings.name,
        "link": f"{current_app.config['BASE_URL']}/settings/webhooks/{endpoint.id}",
    }
    drafts = []
    for owner in owners:
        locale = user_locale(owner, settings)
        with force_locale(locale):
            subject = _("Webhooks to %(url)s are paused", url=endpoint.url)
        drafts.append(
            Draft(
                kind=WEBHOOK_PAUSED,
                dedupe_key=(
                    f"{WEBHOOK_PAUSED}:{endpoint.id}:{endpoint.paused_at.isoformat()}:{owner.id}"
                ),
                to=[owner.email],
                rendered=render_mail(
                    WEBHOOK_PAUSED,
                    subject,
                    context,
                    locale=locale,
                    timezone=settings.timezone,
                ),
                locale=locale,
                data={"endpoint": endpoint.id},
                audience=AGENCY,
            )
        )
    return drafts

"""Which recorded events webhooks carry, and queuing them in the event's own transaction.

`workflow.record` calls `queue_event` for every event: one that maps to a public webhook
event is stored for each endpoint that asked for it, before the transaction commits, so an
event is never recorded without its deliveries nor delivered without being recorded.

The endpoints are read once per transaction (`endpoint_events`): a run that records
hundreds of events asks once, and an agency without endpoints pays one small query per
transaction, not one per event. A cache that outlived the transaction could miss an
endpoint another worker just added, and so lose its events.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from sqlalchemy import select

from briefs.api.event_names import public_name
from briefs.extensions import db
from briefs.models import Brief, Event, WebhookDelivery, WebhookEndpoint
from briefs.models.webhook import QUEUED

#: The events an endpoint can ask for, in the order the settings page lists them.
WEBHOOK_EVENTS = (
    "brief.sent",
    "brief.opened",
    "answer.saved",
    "brief.submitted",
    "answer.reviewed",
    "brief.completed",
    "reminder.sent",
    "escalation.sent",
    "brief.at_risk",
    "brief.late",
)

#: Record kinds that can become a webhook event (the rest never cost a query).
_KINDS = {
    "brief_sent",
    "link_opened",
    "answer_saved",
    "brief_submitted",
    "review_given",
    "brief_closed",
    "message_sent",
    "message_queued",
}

#: Where a transaction keeps the endpoints it read: (the transaction, [(id, events)]).
_CACHE_KEY = "briefs.webhook_endpoints"

#: Facts of the event copied into the payload's `data` (never tokens or digests).
_FACTS = ("fields", "count", "verdict", "comment", "to", "cc", "level", "late", "reminders")


def webhook_name(kind: str, data: dict) -> str | None:
    """Return the webhook event a recorded event is, or None when it is none.

    Closing a brief completes it. Chasing mail counts when it was delivered; a risk alert
    when it was queued, since the agency's endpoint is told at the moment its people are.
    """
    if kind == "brief_closed":
        return "brief.completed"
    if kind == "message_sent":
        return {"reminder": "reminder.sent", "escalation": "escalation.sent"}.get(
            data.get("message_kind", "")
        )
    if kind == "message_queued":
        if data.get("message_kind") != "risk_alert":
            return None
        return {"at_risk": "brief.at_risk", "late": "brief.late"}.get(data.get("level", ""))
    name = public_name(kind)
    return name if kind in _KINDS and name in WEBHOOK_EVENTS else None


def dedupe_key(event: Event, name: str) -> str:
    """Return what makes two events one delivery: a risk alert's level, told once a brief."""
    if name in ("brief.at_risk", "brief.late"):
        # Its keys are "risk:<brief>:<level>:<info due>:<user>": the same but for the user.
        keys = sorted(key.rsplit(":", 1)[0] for key in event.data.get("keys") or ())
        if keys:
            return f"{name}:{keys[0]}"
    return f"event:{event.id}"


def payload(event: Event, brief: Brief, name: str, uid: str, now: datetime) -> dict:
    """Return the JSON a delivery posts for an event on a brief."""
    return {
        "id": uid,
        "type": name,
        "created_at": now.isoformat().replace("+00:00", "Z"),
        "brief": {
            "id": brief.id,
            "title": brief.title,
            "status": brief.status,
            "client": {"id": brief.client_id, "name": brief.client.name},
            "launch_date": brief.launch_date.isoformat() if brief.launch_date else None,
        },
        "actor": {"kind": event.actor_kind, "label": event.actor_label},
        "data": {key: event.data[key] for key in _FACTS if key in (event.data or {})},
    }


# Built once: every recorded event asks.
_ENDPOINTS = select(WebhookEndpoint.id, WebhookEndpoint.events).order_by(WebhookEndpoint.id)


def endpoint_events() -> list[tuple[int, list[str]]]:
    """Return each endpoint's id and chosen events, read once per transaction."""
    session = db.session()  # the request's own session, behind the scoped proxy
    transaction = session.get_transaction()
    cached = session.info.get(_CACHE_KEY)
    if cached is not None and transaction is not None and cached[0] is transaction:
        return cached[1]
    rows = [
        (endpoint_id, list(events or [])) for endpoint_id, events in db.session.execute(_ENDPOINTS)
    ]
    session.info[_CACHE_KEY] = (session.get_transaction(), rows)
    return rows


def forget_endpoints() -> None:
    """Drop the transaction's copy of the endpoints (one was added, changed or removed)."""
    db.session.info.pop(_CACHE_KEY, None)


def queue_event(event: Event, brief: Brief, now: datetime) -> list[WebhookDelivery]:
    """Queue the event for every endpoint that asked for it; leave the commit to the caller."""
    if event.kind not in _KINDS:
        return []
    name = webhook_name(event.kind, event.data or {})
    if name is None:
        return []
    endpoints = [endpoint_id for endpoint_id, events in endpoint_events() if name in events]
    if not endpoints:
        return []
    key = dedupe_key(event, name)
    told = set(
        db.session.scalars(
            select(WebhookDelivery.endpoint_id).where(WebhookDelivery.dedupe_key == key)
        )
    )
    uid = f"evt_{uuid.uuid4().hex}"
    body = json.dumps(payload(event, brief, name, uid, now), ensure_ascii=False)
    deliveries = [
        WebhookDelivery(
            endpoint_id=endpoint_id,
            event_uid=uid,
            event_name=name,
            dedupe_key=key,
            brief_id=brief.id,
            body=body,
            status=QUEUED,
            attempts=0,
            next_attempt_at=now,
            claimed_by="",
            last_error="",
            created_at=now,
        )
        for endpoint_id in endpoints
        if endpoint_id not in told
    ]
    db.session.add_all(deliveries)
    return deliveries

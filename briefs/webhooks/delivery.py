"""Posting due webhook deliveries: leased claims, no transaction open during the request.

Each delivery goes through briefs.claims' short transactions around one HTTP POST made
with nothing open in the database:

1. claim: a due delivery (queued, its endpoint not paused) or one whose run's lease ran
   out.
2. the POST, signed (rules.webhook_signing), with a short timeout.
3. the outcome, recorded only while the claim is still the run's: a 2xx delivers it; any
   other answer or none queues it again with a back-off, and an endpoint failing for
   PAUSE_AFTER with no success in between is paused. Deliveries are never given up: a
   paused endpoint keeps its queue until someone resumes it. Each attempt is a line of
   the endpoint's log (WebhookAttempt); a run trims the logs it wrote to the last KEEP.

At least once: a run that dies after posting leaves the lease to run out, and the next run
posts the same body, with the same event id, again.
"""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.sql.elements import ColumnElement

from briefs import claims
from briefs.extensions import db
from briefs.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from briefs.models.webhook import DELIVERED
from briefs.outbound_http import NoAnswer, exchange
from briefs.rules.tokens import unseal
from briefs.rules.webhook_signing import SIGNATURE_HEADER, pause_due, retry_delay, signature_header
from briefs.webhooks.endpoints import UnsafeUrl, check_url

log = logging.getLogger(__name__)

#: Seconds a receiver has to answer, all of it (briefs.outbound_http).
TIMEOUT = 5
#: A claim lasts this many timeouts.
LEASE = timedelta(seconds=3 * TIMEOUT)
#: Attempts each endpoint's log keeps, newest first.
KEEP = 200


@dataclass
class Posted:
    """What one run's webhook delivery did."""

    delivered: int = 0
    failed: int = 0
    #: Ids of the endpoints this run paused.
    paused: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Attempt:
    """A delivery this run holds, with what goes on the wire."""

    delivery_id: int
    endpoint_id: int
    url: str
    #: None when the sealed secret cannot be opened (SECRET_KEY changed): not posted.
    secret: str | None
    body: bytes
    event_uid: str


def _claimable(now: datetime, moment: datetime) -> ColumnElement[bool]:
    live = WebhookDelivery.endpoint_id.in_(
        select(WebhookEndpoint.id).where(WebhookEndpoint.paused_at.is_(None))
    )
    due = claims.due(WebhookDelivery, now)
    return and_(live, or_(due, claims.lease_ran_out(WebhookDelivery, moment)))


def claim_next(now: datetime, moment: datetime, run_id: str, secret_key: str) -> Attempt | None:
    """Claim the next due delivery for this run in a short transaction, or return None."""

    def read(delivery: WebhookDelivery) -> Attempt:
        endpoint = delivery.endpoint
        return Attempt(
            delivery.id,
            endpoint.id,
            endpoint.url,
            unseal(endpoint.secret, secret_key),
            delivery.body.encode(),
            delivery.event_uid,
        )

    return claims.claim_next(WebhookDelivery, _claimable(now, moment), run_id, moment + LEASE, read)


def post(attempt: Attempt, moment: datetime, *, allow_private: bool) -> tuple[int | None, str]:
    """POST the body, signed at `moment`; return the HTTP status (None: no answer) and why."""
    try:
        # Checked again when posting: the name may point elsewhere since it was saved.
        check_url(attempt.url, allow_private=allow_private)
    except UnsafeUrl as error:
        return None, str(error)
    if attempt.secret is None:
        return None, "The endpoint's secret cannot be read: SECRET_KEY changed since it was made."
    request = urllib.request.Request(
        attempt.url,
        data=attempt.body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Briefs-Webhooks/1",
            "Briefs-Event-Id": attempt.event_uid,
            SIGNATURE_HEADER: signature_header(
                attempt.secret, int(moment.timestamp()), attempt.body
            ),
        },
    )
    try:
        # A redirect is not followed: its target would skip the address check above.
        status, _body = exchange(request, TIMEOUT, read=False, follow_redirects=False)
    except NoAnswer as error:
        return None, str(error)
    return status, ("" if 200 <= status < 300 else f"HTTP {status}")


def settle(
    attempt: Attempt,
    run_id: str,
    now: datetime,
    status: int | None,
    error: str,
    took: timedelta = timedelta(0),
) -> bool | None:
    """Record how the attempt went (and log it), if the delivery is still this run's; commit.

    Return whether it was delivered, or None when another run had taken it over.
    """
    if not claims.hold(WebhookDelivery, attempt.delivery_id, run_id, claimed_by=""):
        log.warning("Webhook delivery %s is no longer this run's", attempt.delivery_id)
        return None
    delivery = db.session.get(WebhookDelivery, attempt.delivery_id, populate_existing=True)
    endpoint = db.session.get(WebhookEndpoint, attempt.endpoint_id, populate_existing=True)
    delivery.last_status = status
    delivery.last_attempt_at = now
    ok = status is not None and 200 <= status < 300
    db.session.add(
        WebhookAttempt(
            endpoint_id=attempt.endpoint_id,
            delivery_id=attempt.delivery_id,
            attempted_at=now,
            status_code=status,
            error="" if ok else error[:2000],
            duration_ms=max(0, int(took.total_seconds() * 1000)),
        )
    )
    if ok:
        delivery.status = DELIVERED
        delivery.delivered_at = now
        delivery.last_error = ""
        endpoint.failing_since = None
    else:
        delivery.last_error = error[:2000]
        claims.retry(delivery, now, retry_delay(delivery.attempts))
        endpoint.failing_since = endpoint.failing_since or now
        if endpoint.paused_at is None and pause_due(endpoint.failing_since, now):
            endpoint.paused_at = now
    db.session.commit()
    return ok


def deliver_webhooks(
    now: datetime,
    wall: Callable[[], datetime],
    run_id: str,
    *,
    allow_private: bool,
    secret_key: str,
) -> Posted:
    """Post every webhook delivery due at `now`, one claim at a time."""
    done = Posted()
    logged: set[int] = set()
    while (attempt := claim_next(now, wall(), run_id, secret_key)) is not None:
        started = wall()
        status, error = post(attempt, started, allow_private=allow_private)
        took = wall() - started
        was_paused = db.session.scalar(
            select(WebhookEndpoint.paused_at).where(WebhookEndpoint.id == attempt.endpoint_id)
        )
        outcome = settle(attempt, run_id, now, status, error, took)
        logged.add(attempt.endpoint_id)
        if outcome is None:
            continue
        if outcome:
            done.delivered += 1
            continue
        done.failed += 1
        log.warning("Webhook %s to %s failed: %s", attempt.event_uid, attempt.url, error)
        if was_paused is None and db.session.scalar(
            select(WebhookEndpoint.paused_at).where(WebhookEndpoint.id == attempt.endpoint_id)
        ):
            done.paused.append(attempt.endpoint_id)
    for endpoint_id in sorted(logged):
        trim_log(endpoint_id)
    db.session.commit()
    return done


def trim_log(endpoint_id: int, keep: int = KEEP) -> None:
    """Delete the endpoint's attempts older than its last `keep`."""
    oldest_kept = db.session.scalar(
        select(WebhookAttempt.id)
        .where(WebhookAttempt.endpoint_id == endpoint_id)
        .order_by(WebhookAttempt.id.desc())
        .offset(keep - 1)
        .limit(1)
    )
    if oldest_kept is not None:
        db.session.execute(
            delete(WebhookAttempt).where(
                WebhookAttempt.endpoint_id == endpoint_id, WebhookAttempt.id < oldest_kept
            )
        )


def send_again(delivery: WebhookDelivery, now: datetime) -> None:
    """Queue a delivery to be posted by the next run, whatever became of it (a person asked)."""
    claims.release(delivery, now)

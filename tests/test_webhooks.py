"""Webhooks: queued with their event, posted signed to a real receiver, retried, paused."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import func, select

from briefs import workflow
from briefs.accounts import agency_settings, create_user
from briefs.extensions import db
from briefs.mail import send_due
from briefs.mail.webhook_paused import paused_drafts
from briefs.models import Message, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from briefs.models.webhook import DELIVERED, QUEUED
from briefs.rules.tokens import unseal
from briefs.rules.webhook_signing import SIGNATURE_HEADER, signature, signature_header, verify
from briefs.webhooks import delivery as webhook_delivery
from briefs.webhooks.delivery import deliver_webhooks, trim_log
from briefs.webhooks.endpoints import UnsafeUrl, add_endpoint, check_url, resume
from briefs.webhooks.events import WEBHOOK_EVENTS
from tests.conftest import login
from tests.factories import (
    IVAN,
    NOW,
    PASSWORD,
    answer_fields,
    make_brief,
    make_client,
    make_template,
)

HOUR = timedelta(hours=1)


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1 that checks signatures and fails while told to."""

    url: str = ""
    secret: str = ""
    #: How many requests to answer 500 before answering 200.
    fail_first: int = 0
    #: (event id, body, signature valid, status answered) per request, in order.
    seen: list[tuple[str, bytes, bool, int]] = field(default_factory=list)

    def accepted(self) -> list[str]:
        return [uid for uid, _body, _valid, status in self.seen if status == 200]


@pytest.fixture
def receiver(app) -> Iterator[Receiver]:
    """Serve a Receiver in a thread; webhooks to this machine are allowed for it."""
    app.config["ALLOW_PRIVATE_WEBHOOKS"] = True
    state = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            parts = dict(p.split("=", 1) for p in self.headers[SIGNATURE_HEADER].split(","))
            valid = parts["v1"] == signature(state.secret, int(parts["t"]), body)
            with lock:
                status = 500 if len(state.seen) < state.fail_first else 200
                state.seen.append((json.loads(body)["id"], body, valid, status))
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    server.shutdown()
    server.server_close()


def _endpoint(receiver: Receiver, events=WEBHOOK_EVENTS) -> WebhookEndpoint:
    endpoint, receiver.secret = add_endpoint(receiver.url, list(events), NOW, secret_key="test")
    db.session.commit()
    return endpoint


def _play(user) -> None:
    """Send a brief, open it, answer two questions, submit, close it: five webhook events."""
    brief, _token = make_brief(make_template(), make_client(), user=user)
    olga = workflow.Actor.user(user)
    workflow.mark_sent(brief, olga, NOW)
    workflow.note_link_opened(brief, NOW + HOUR)
    answer_fields(brief, ["name", "what"], NOW + 2 * HOUR)
    workflow.submit(brief, IVAN, NOW + 3 * HOUR, missing=[])
    workflow.close(brief, olga, NOW + 4 * HOUR)
    db.session.commit()


def _deliver(now, app) -> None:
    deliver_webhooks(now, lambda: now, "test-run", allow_private=True, secret_key="test")


def test_it_signs_like_stripe_and_refuses_another_secret_or_an_old_stamp():
    body = b'{"id":"evt_1"}'
    stamp = int(NOW.timestamp())
    header = signature_header("whsec_right", stamp, body)
    assert header.startswith(f"t={stamp},v1=")
    assert verify("whsec_right", header, body, NOW + timedelta(minutes=1))
    assert not verify("whsec_wrong", header, body, NOW)
    assert not verify("whsec_right", header, body + b" ", NOW)
    assert not verify("whsec_right", header, body, NOW + timedelta(minutes=10))


def test_it_queues_only_the_chosen_events_in_the_events_transaction(app, user, receiver):
    _endpoint(receiver, ["brief.submitted", "brief.completed"])
    _play(user)
    names = db.session.scalars(select(WebhookDelivery.event_name).order_by(WebhookDelivery.id))
    assert list(names) == ["brief.submitted", "brief.completed"]
    brief, _token = make_brief(make_template(name="Other"), make_client("Other"), user=user)
    db.session.commit()
    workflow.submit(brief, IVAN, NOW, missing=[])
    db.session.rollback()
    # Rolled back with its event: no delivery for an event that never happened.
    assert db.session.scalar(select(func.count(WebhookDelivery.id))) == 2


def test_it_loses_no_event_through_failures_and_repeats_only_the_same_id(app, user, receiver):
    _endpoint(receiver)
    receiver.fail_first = 7
    _play(user)
    queued = {d.event_uid: d.event_name for d in db.session.scalars(select(WebhookDelivery))}
    assert sorted(queued.values()) == sorted(
        ["brief.sent", "brief.opened", "answer.saved", "brief.submitted", "brief.completed"]
    )
    now = NOW + 5 * HOUR
    for _run in range(12):
        _deliver(now, app)
        now += HOUR
    assert len(receiver.seen) > len(queued)
    # Every event arrived, each accepted once; the failures were retried with the same id.
    assert sorted(receiver.accepted()) == sorted(queued)
    assert {uid for uid, *_rest in receiver.seen} == set(queued)
    bodies: dict[str, bytes] = {}
    for uid, body, valid, _status in receiver.seen:
        assert valid
        assert bodies.setdefault(uid, body) == body
    assert all(d.status == DELIVERED for d in db.session.scalars(select(WebhookDelivery)))
    submitted = json.loads(next(b for b in bodies.values() if b'"brief.submitted"' in b))
    assert submitted["brief"]["status"] == "submitted"
    assert submitted["brief"]["client"]["name"] == "Acme Dental"


def test_it_backs_off_and_does_not_post_before_the_retry_is_due(app, user, receiver):
    _endpoint(receiver, ["brief.completed"])
    receiver.fail_first = 1
    _play(user)
    _deliver(NOW + 5 * HOUR, app)
    _deliver(NOW + 5 * HOUR, app)
    assert len(receiver.seen) == 1
    delivery = db.session.scalar(select(WebhookDelivery))
    assert (delivery.status, delivery.attempts, delivery.last_status) == (QUEUED, 1, 500)
    assert delivery.next_attempt_at > NOW + 5 * HOUR
    _deliver(delivery.next_attempt_at, app)
    assert receiver.accepted() == [delivery.event_uid]


def test_it_pauses_an_endpoint_failing_for_three_days_and_resumes_it(
    app, user, receiver, auth_client
):
    endpoint = _endpoint(receiver, ["brief.completed"])
    receiver.fail_first = 10**6
    _play(user)
    now = NOW + 5 * HOUR
    _deliver(now, app)
    for _run in range(3 * 24 // 4 + 1):
        now += 4 * HOUR
        _deliver(now, app)
    db.session.refresh(endpoint)
    assert endpoint.is_paused and endpoint.paused_at >= endpoint.failing_since + timedelta(days=3)
    tries = len(receiver.seen)
    _deliver(now + timedelta(days=1), app)
    assert len(receiver.seen) == tries
    assert "1 paused" in auth_client.get("/settings").get_data(as_text=True)
    assert "Paused" in auth_client.get("/settings/webhooks").get_data(as_text=True)
    receiver.fail_first = 0
    resume(endpoint, now + timedelta(days=1))
    db.session.commit()
    _deliver(now + timedelta(days=1), app)
    assert len(receiver.accepted()) == 1
    db.session.refresh(endpoint)
    assert not endpoint.is_paused and endpoint.failing_since is None


def test_send_due_posts_the_webhooks_after_the_mail(app, user, receiver):
    _endpoint(receiver, ["brief.sent"])
    _play(user)
    report = send_due.run(NOW + 5 * HOUR)
    assert (report.webhooks.delivered, report.webhooks.failed) == (1, 0)
    assert len(receiver.accepted()) == 1


def test_it_refuses_private_and_non_http_addresses():
    for url in ("ftp://example.com/x", "http://127.0.0.1/x", "http://10.1.2.3/", "http://[::1]/"):
        with pytest.raises(UnsafeUrl):
            check_url(url, allow_private=False)
    check_url("http://127.0.0.1:9/x", allow_private=True)
    with pytest.raises(UnsafeUrl):
        check_url("file:///etc/passwd", allow_private=True)


def test_it_adds_an_endpoint_showing_its_secret_once(auth_client, app):
    refused = auth_client.post(
        "/settings/webhooks", data={"url": "http://127.0.0.1/x", "events": ["brief.sent"]}
    )
    assert "private network" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(WebhookEndpoint.id))) == 0
    app.config["ALLOW_PRIVATE_WEBHOOKS"] = True
    page = auth_client.post(
        "/settings/webhooks",
        data={"url": "http://127.0.0.1/x", "events": ["brief.sent", "brief.late"]},
    ).get_data(as_text=True)
    endpoint = db.session.scalar(select(WebhookEndpoint))
    assert endpoint.events == ["brief.sent", "brief.late"]
    # Stored sealed with SECRET_KEY; shown once, in the clear, on the page that made it.
    secret = unseal(endpoint.secret, "test")
    assert secret.startswith("whsec_") and secret in page
    assert not endpoint.secret.startswith("whsec_") and endpoint.secret not in page
    assert secret not in auth_client.get("/settings/webhooks").get_data(as_text=True)


def test_the_log_shows_attempts_and_sends_again_with_the_same_id(
    app, user, receiver, auth_client, frozen_clock
):
    frozen_clock(NOW + 5 * HOUR)
    endpoint = _endpoint(receiver, ["brief.completed"])
    _play(user)
    _deliver(NOW + 5 * HOUR, app)
    delivery = db.session.scalar(select(WebhookDelivery))
    page = auth_client.get(f"/settings/webhooks/{endpoint.id}").get_data(as_text=True)
    assert delivery.event_uid in page and "200" in page and "brief.completed" in page
    response = auth_client.post(
        f"/settings/webhooks/{endpoint.id}/deliveries/{delivery.id}/again", follow_redirects=True
    )
    assert response.status_code == 200
    _deliver(NOW + 6 * HOUR, app)
    assert receiver.accepted() == [delivery.event_uid, delivery.event_uid]
    db.session.refresh(delivery)
    assert delivery.attempts == 2


def test_the_log_keeps_one_line_per_attempt(app, user, receiver, auth_client, frozen_clock):
    frozen_clock(NOW + 5 * HOUR)
    endpoint = _endpoint(receiver, ["brief.completed"])
    receiver.fail_first = 2
    _play(user)
    now = NOW + 5 * HOUR
    for _run in range(12):
        _deliver(now, app)
        now += HOUR
    attempts = db.session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id)).all()
    assert [a.status_code for a in attempts] == [500, 500, 200]
    assert [a.error for a in attempts] == ["HTTP 500", "HTTP 500", ""]
    assert attempts[1].attempted_at > attempts[0].attempted_at
    assert all(a.duration_ms >= 0 and a.delivery.event_name == "brief.completed" for a in attempts)
    page = auth_client.get(f"/settings/webhooks/{endpoint.id}").get_data(as_text=True)
    assert page.count("HTTP 500") == 2 and "Every attempt" in page and " ms" in page
    trim_log(endpoint.id, keep=2)
    kept = db.session.scalars(select(WebhookAttempt.id).order_by(WebhookAttempt.id)).all()
    assert kept == [attempts[1].id, attempts[2].id]
    auth_client.post(f"/settings/webhooks/{endpoint.id}/delete")
    assert db.session.scalar(select(func.count(WebhookAttempt.id))) == 0


def test_it_tells_the_owners_once_when_an_endpoint_is_paused(app, user, receiver):
    create_user(email="ann@agency.example", name="Ann", password=PASSWORD, now=NOW)
    db.session.commit()
    endpoint = _endpoint(receiver, ["brief.completed"])
    receiver.fail_first = 10**6
    _play(user)
    now = NOW + 5 * HOUR
    for _run in range(3 * 24 // 4 + 4):
        send_due.run(now)
        now += 4 * HOUR
    db.session.refresh(endpoint)
    assert endpoint.is_paused
    told = db.session.scalars(select(Message).where(Message.kind == "webhook_paused")).all()
    assert [m.to_addrs for m in told] == [[user.email]]
    assert receiver.url in told[0].subject and "1 event is waiting" in told[0].text_body
    # Resumed and paused again: a new pause is told again.
    resume(endpoint, now)
    db.session.commit()
    for _run in range(3 * 24 // 4 + 4):
        send_due.run(now)
        now += 4 * HOUR
    assert (
        db.session.scalar(select(func.count(Message.id)).where(Message.kind == "webhook_paused"))
        == 2
    )


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_pause_mail_matches_its_golden_file(app, user, lang, assert_golden):
    user.locale = lang
    endpoint, _secret = add_endpoint(
        "https://203.0.113.7:8443/hooks/briefs", ["brief.completed"], NOW, secret_key="test"
    )
    db.session.commit()
    _play(user)
    delivery = db.session.scalar(select(WebhookDelivery))
    endpoint.failing_since, endpoint.paused_at = NOW + 5 * HOUR, NOW + timedelta(days=3, hours=6)
    db.session.add(
        WebhookAttempt(
            endpoint_id=endpoint.id,
            delivery_id=delivery.id,
            attempted_at=endpoint.paused_at,
            status_code=502,
            error="HTTP 502",
            duration_ms=120,
        )
    )
    db.session.commit()
    [draft] = paused_drafts(endpoint, agency_settings())
    assert draft.locale == lang and draft.to == [user.email]
    assert_golden(
        f"email/webhook_paused.{lang}.txt", f"Subject: {draft.subject}\n\n{draft.rendered.text}"
    )
    assert_golden(f"email/webhook_paused.{lang}.html", draft.rendered.html)


def test_it_posts_nothing_when_the_secret_cannot_be_opened(app, user, receiver):
    _endpoint(receiver, ["brief.completed"])
    _play(user)
    now = NOW + 5 * HOUR
    deliver_webhooks(now, lambda: now, "test-run", allow_private=True, secret_key="changed")
    assert receiver.seen == []
    attempt = db.session.scalar(select(WebhookAttempt))
    assert attempt.status_code is None and "SECRET_KEY changed" in attempt.error


def test_it_reads_the_endpoints_once_per_transaction(app, user, receiver, count_queries):
    brief, _token = make_brief(make_template(), make_client(), user=user)
    olga = workflow.Actor.user(user)

    def endpoint_reads(statements):
        return sum("FROM webhook_endpoint" in s for s in statements)

    with count_queries() as statements:
        workflow.mark_sent(brief, olga, NOW)
        answer_fields(brief, ["name"], NOW + HOUR)
        answer_fields(brief, ["what"], NOW + 2 * HOUR)
    assert endpoint_reads(statements) == 1
    db.session.commit()
    # An endpoint added since is seen by the next transaction, read once there too.
    _endpoint(receiver, ["answer.saved"])
    with count_queries() as statements:
        answer_fields(brief, ["price"], NOW + 3 * HOUR)
        workflow.submit(brief, IVAN, NOW + 4 * HOUR, missing=[])
    assert endpoint_reads(statements) == 1
    db.session.commit()
    names = db.session.scalars(select(WebhookDelivery.event_name)).all()
    assert names == ["answer.saved"]


def test_the_log_buttons_are_the_owners(app, user, auth_client):
    endpoint, _secret = add_endpoint(
        "https://crm.example/hook", ["brief.sent"], NOW, secret_key="t"
    )
    endpoint.failing_since, endpoint.paused_at = NOW, NOW + timedelta(days=3)
    create_user(email="ann@agency.example", name="Ann", password=PASSWORD, now=NOW)
    db.session.commit()
    resumed = auth_client.post(f"/settings/webhooks/{endpoint.id}/resume", follow_redirects=True)
    assert "The endpoint is active again." in resumed.get_data(as_text=True)
    db.session.refresh(endpoint)
    assert not endpoint.is_paused
    # The tests' app context outlives requests and Flask-Login keeps its user in g: forget
    # the owner, so that Ann's requests load her from her own cookie.
    g.pop("_login_user", None)
    ann = app.test_client()
    login(ann, "ann@agency.example")
    refused = ann.post(f"/settings/webhooks/{endpoint.id}/delete")
    assert refused.status_code == 403, refused.location
    assert db.session.get(WebhookEndpoint, endpoint.id) is not None


@pytest.mark.parametrize("mode", ["not_http", "long_header", "trickle"])
def test_a_receiver_answering_badly_fails_only_its_own_deliveries_and_in_time(
    app, user, receiver, bad_http, monkeypatch, mode
):
    monkeypatch.setattr(webhook_delivery, "TIMEOUT", 0.4)
    bad_http.mode = mode
    # Added first, so its deliveries are claimed before the good endpoint's.
    bad, _secret = add_endpoint(
        f"{bad_http.url}/hook", list(WEBHOOK_EVENTS), NOW, secret_key="test"
    )
    _endpoint(receiver)
    _play(user)
    started = time.monotonic()
    _deliver(NOW + 5 * HOUR, app)
    # Five deliveries each given 0.4 s in all, though the trickle never stops.
    assert time.monotonic() - started < 5 * 0.4 + 2
    assert len(receiver.accepted()) == 5
    assert bad_http.requests == 5
    failed = db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.endpoint_id == bad.id)
    )
    assert {(d.status, d.last_status) for d in failed} == {(QUEUED, None)}
    errors = db.session.scalars(
        select(WebhookAttempt.error).where(WebhookAttempt.endpoint_id == bad.id)
    ).all()
    assert len(errors) == 5 and all(errors)
    if mode == "trickle":
        assert set(errors) == {"no complete answer within 0.4 s"}


def test_a_receiver_redirecting_elsewhere_is_not_followed(app, user, receiver, bad_http):
    """A redirect's target skipped the address check (it could be a private address)."""
    bad_http.mode = "redirect"
    bad, _secret = add_endpoint(
        f"{bad_http.url}/hook", list(WEBHOOK_EVENTS), NOW, secret_key="test"
    )
    _endpoint(receiver)
    _play(user)
    _deliver(NOW + 5 * HOUR, app)
    assert len(receiver.accepted()) == 5
    # One request a delivery: none went on to /elsewhere.
    assert bad_http.requests == 5
    attempts = db.session.scalars(
        select(WebhookAttempt).where(WebhookAttempt.endpoint_id == bad.id)
    ).all()
    assert {(a.status_code, a.error) for a in attempts} == {(302, "HTTP 302")}


def test_a_paused_endpoint_is_marked_as_a_warning_wherever_it_shows(app, user, auth_client):
    endpoint, _secret = add_endpoint(
        "https://crm.example/hook", ["brief.sent"], NOW, secret_key="t"
    )
    endpoint.failing_since, endpoint.paused_at = NOW, NOW + timedelta(days=3)
    db.session.commit()
    css = (Path(app.static_folder) / "css" / "app.css").read_text()
    assert ".badge.warn {" in css
    for path in ("/settings", "/settings/webhooks", f"/settings/webhooks/{endpoint.id}"):
        page = auth_client.get(path).get_data(as_text=True)
        # The paused badge wears the warning colours the stylesheet defines, not a plain grey.
        assert re.search(r'<span class="badge warn">[^<]*paused', page, re.IGNORECASE), path

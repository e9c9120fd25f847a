"""/metrics in Prometheus' text format, kept from strangers; JSON logs when configured."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

from briefs import create_app
from briefs.extensions import db
from briefs.workflow import SYSTEM, mark_sent
from tests.factories import NOW, make_brief, make_template

OUTSIDE = {"REMOTE_ADDR": "203.0.113.5"}


def metric(text: str, name: str, **labels: str) -> float:
    """One sample's value, read back with prometheus_client's own parser."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    raise AssertionError(f"{name} {labels} not in:\n{text}")


def test_metrics_count_requests_and_their_latency(client):
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    client.get("/no/such/page")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    healthz = {"method": "GET", "route": "/healthz"}
    assert metric(text, "briefs_http_requests_total", **healthz, status="200") >= 3
    assert metric(text, "briefs_http_request_duration_seconds_count", **healthz) >= 3
    assert metric(text, "briefs_http_request_duration_seconds_bucket", **healthz, le="+Inf") >= 3
    unmatched = {"method": "GET", "route": "(unmatched)", "status": "404"}
    assert metric(text, "briefs_http_requests_total", **unmatched) >= 1
    assert "# TYPE briefs_http_request_duration_seconds histogram" in text
    assert "_created" not in text  # the same series as under gunicorn's summed counts


def test_metrics_show_the_outbox_and_the_last_send_due_run(app, client, runner, frozen_clock):
    brief, _token = make_brief(make_template(), now=NOW)
    mark_sent(brief, SYSTEM, NOW)
    db.session.commit()
    result = runner.invoke(args=["send-due", "--now", "2026-11-05T09:05:00+03:00"])
    assert "queued reminder" in result.output
    frozen_clock(NOW + timedelta(days=2, hours=21, minutes=35))  # an hour after that run
    text = client.get("/metrics").get_data(as_text=True)
    assert metric(text, "briefs_outbox_messages", status="queued") >= 1
    assert metric(text, "briefs_outbox_oldest_queued_seconds") == 3600
    assert metric(text, "briefs_send_due_last_run_messages", outcome="queued") >= 1
    assert metric(text, "briefs_send_due_last_run_messages", outcome="delivered") == 0
    assert metric(text, "briefs_send_due_last_run_seconds") > 0


def test_metrics_are_hidden_from_other_machines_unless_they_bring_the_token(app, client):
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 404
    app.config["METRICS_TOKEN"] = "s3cret-token"
    assert client.get("/metrics").status_code == 404  # a token set: even this machine needs it
    wrong = {"Authorization": "Bearer guess"}
    assert client.get("/metrics", environ_base=OUTSIDE, headers=wrong).status_code == 404
    right = {"Authorization": "Bearer s3cret-token"}
    assert client.get("/metrics", environ_base=OUTSIDE, headers=right).status_code == 200


def test_behind_a_proxy_a_stranger_is_not_taken_for_this_machine(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
            "PROXY_COUNT": 1,
        }
    )
    # nginx on this machine passes the request on: the real client is the forwarded one.
    response = app.test_client().get("/metrics", headers={"X-Forwarded-For": "203.0.113.5"})
    assert response.status_code == 404


def test_json_logs_name_the_route_never_a_client_links_token(tmp_path, capsys, monkeypatch):
    logger = logging.getLogger("briefs")  # the app's logger: put back as it was after
    for name in ("handlers", "propagate", "level"):
        monkeypatch.setattr(logger, name, getattr(logger, name))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'j.sqlite'}",
            "LOG_FORMAT": "json",
        }
    )
    with app.app_context():
        db.create_all()
    client = app.test_client()
    client.get("/c/secret-token-abc")
    capsys.readouterr()
    app.logger.warning("Disk %s full", "uploads")
    client.get("/c/secret-token-abc")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert lines[0]["level"] == "WARNING" and lines[0]["message"] == "Disk uploads full"
    request = lines[-1]
    assert request["logger"] == "briefs.request" and request["message"] == "request"
    assert request["route"] == "/c/<token>" and request["method"] == "GET"
    assert request["status"] == 404 and request["duration_ms"] >= 0
    assert "secret-token-abc" not in json.dumps(lines)

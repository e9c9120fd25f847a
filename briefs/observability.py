"""What an operator sees: JSON logs when LOG_FORMAT=json, and `/metrics` for Prometheus.

`/metrics` answers in Prometheus' text format, written by prometheus_client: requests and
their latency, the outbox by status, the age of the oldest queued message, and the last
`send-due` run on this machine (its duration and outcomes, which the command leaves in
instance/send_due_last.json). Under gunicorn, deploy/gunicorn.conf.py sets
PROMETHEUS_MULTIPROC_DIR: every worker then writes its counts to files there and any worker
answers with the sum over all of them (workers that have exited included). Without it
(`make run`, the tests) the counts are this process's. It answers a request with
`Authorization: Bearer <METRICS_TOKEN>`, or without a token only one from this machine.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import time
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from briefs import clock
from briefs.extensions import db
from briefs.models import Message
from briefs.models.outbox import QUEUED

bp = Blueprint("observability", __name__)

#: Upper bounds of the latency histogram, in seconds.
BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LAST_RUN_FILE = "send_due_last.json"
#: Set (by deploy/gunicorn.conf.py) to a folder shared by the workers: counts are summed.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_LOCAL = {"127.0.0.1", "::1"}

# No `_created` series: gunicorn's summed counts have none, so one process has none either.
disable_created_metrics()
# This process's request metrics; under gunicorn each worker's land in MULTIPROC_ENV.
_registry = CollectorRegistry(auto_describe=True)
_requests = Counter(
    "briefs_http_requests",
    "HTTP requests answered.",
    ("method", "route", "status"),
    registry=_registry,
)
_latency = Histogram(
    "briefs_http_request_duration_seconds",
    "Time to answer.",
    ("method", "route"),
    buckets=BUCKETS,
    registry=_registry,
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the request's facts."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def init_app(app: Flask) -> None:
    """Count requests, log them as JSON when configured, serve /metrics."""
    if app.config["LOG_FORMAT"] == "json":
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        for logger in (app.logger, logging.getLogger("briefs")):
            logger.handlers[:] = [handler]
            logger.setLevel(logging.INFO)
            logger.propagate = False
    app.before_request(_start)
    app.after_request(_finish)
    app.register_blueprint(bp)


def _start() -> None:
    g.started = time.perf_counter()


def _finish(response: Response) -> Response:
    started = g.pop("started", None)
    if started is None:
        return response
    seconds = time.perf_counter() - started
    route = request.url_rule.rule if request.url_rule else "(unmatched)"
    _requests.labels(request.method, route, str(response.status_code)).inc()
    _latency.labels(request.method, route).observe(seconds)
    if current_app.config["LOG_FORMAT"] == "json":
        # Paths of client links hold their token: log the route, never the path.
        fields = {
            "method": request.method,
            "route": route,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1),
            "remote_addr": request.remote_addr,
        }
        logging.getLogger("briefs.request").info("request", extra={"fields": fields})
    return response


def record_send_due(instance_path: str, *, seconds: float, finished_at, report) -> None:
    """Leave the facts of a finished send-due run for /metrics on this machine."""
    facts = {
        "duration_seconds": round(seconds, 3),
        "finished_at": finished_at.timestamp(),
        "queued": len(report.queued),
        "delivered": report.delivered,
        "failed": report.failed,
        "unconfirmed": report.unconfirmed,
    }
    path = Path(instance_path) / LAST_RUN_FILE
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(facts))
    partial.replace(path)


@bp.get("/metrics")
def metrics():
    """The Prometheus text exposition; 404 to anyone not allowed to see it."""
    token = current_app.config["METRICS_TOKEN"]
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    allowed = (
        hmac.compare_digest(given.encode(), token.encode())
        if token
        else request.remote_addr in _LOCAL
    )
    if not allowed:
        return Response("Not found\n", status=404, mimetype="text/plain")
    return Response(_exposition(), mimetype="text/plain; version=0.0.4; charset=utf-8")


def _exposition() -> bytes:
    if os.environ.get(MULTIPROC_ENV):
        requests = CollectorRegistry()
        MultiProcessCollector(requests)  # every worker's files, summed
    else:
        requests = _registry
    state = CollectorRegistry()
    state.register(_InstanceState(current_app.instance_path))
    return generate_latest(requests) + generate_latest(state)


class _InstanceState:
    """The outbox and the last send-due run, read afresh at each scrape."""

    def __init__(self, instance_path: str) -> None:
        self.instance_path = instance_path

    def collect(self):
        by_status = GaugeMetricFamily(
            "briefs_outbox_messages",
            "Messages in the outbox, by delivery status.",
            labels=["status"],
        )
        counts = db.session.execute(
            select(Message.status, func.count()).group_by(Message.status)
        ).all()
        for status, count in sorted(counts):
            by_status.add_metric([status], count)
        yield by_status
        oldest = db.session.scalar(
            select(func.min(Message.created_at)).where(Message.status == QUEUED)
        )
        age = (clock.utcnow() - oldest).total_seconds() if oldest else 0
        yield GaugeMetricFamily(
            "briefs_outbox_oldest_queued_seconds",
            "Age of the oldest message waiting to go.",
            value=round(max(age, 0)),
        )
        yield from self._last_send_due()

    def _last_send_due(self):
        try:
            facts = json.loads((Path(self.instance_path) / LAST_RUN_FILE).read_text())
        except (OSError, ValueError):
            return
        yield GaugeMetricFamily(
            "briefs_send_due_last_run_seconds",
            "How long the last send-due run took.",
            value=facts["duration_seconds"],
        )
        yield GaugeMetricFamily(
            "briefs_send_due_last_run_timestamp_seconds",
            "When the last send-due run ended.",
            value=facts["finished_at"],
        )
        outcomes = GaugeMetricFamily(
            "briefs_send_due_last_run_messages",
            "What the last send-due run did, by outcome.",
            labels=["outcome"],
        )
        for outcome in ("queued", "delivered", "failed", "unconfirmed"):
            outcomes.add_metric([outcome], facts[outcome])
        yield outcomes

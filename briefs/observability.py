"""What an operator sees: JSON logs when LOG_FORMAT=json, and `/metrics` for Prometheus.

`/metrics` answers in Prometheus' text format: requests and their latency (counted by each
worker process, labelled with its pid: sum them), the outbox by status, the age of the
oldest queued message, and the last `send-due` run on this machine (its duration and
outcomes, which the command leaves in instance/send_due_last.json). It answers a request
with `Authorization: Bearer <METRICS_TOKEN>`, or without a token only one from this machine.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import time
from collections import defaultdict
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, g, request
from sqlalchemy import func, select

from briefs import clock
from briefs.extensions import db
from briefs.models import Message
from briefs.models.outbox import QUEUED

bp = Blueprint("observability", __name__)

#: Upper bounds of the latency histogram, in seconds.
BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LAST_RUN_FILE = "send_due_last.json"
_LOCAL = {"127.0.0.1", "::1"}

# This worker's counts: (method, route, status) → requests; (method, route) → histogram.
_requests: dict[tuple[str, str, str], int] = defaultdict(int)
_latency: dict[tuple[str, str], list[float]] = {}


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
    _requests[(request.method, route, str(response.status_code))] += 1
    counts = _latency.setdefault((request.method, route), [0.0] * (len(BUCKETS) + 2))
    for i, bound in enumerate(BUCKETS):
        if seconds <= bound:
            counts[i] += 1
    counts[-2] += 1  # +Inf
    counts[-1] += seconds  # sum
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


def _exposition() -> str:
    pid = os.getpid()
    lines = [
        "# HELP briefs_http_requests_total HTTP requests answered by this worker.",
        "# TYPE briefs_http_requests_total counter",
    ]
    for (method, route, status), count in sorted(_requests.items()):
        labels = f'method="{method}",route="{_escape(route)}",status="{status}",pid="{pid}"'
        lines.append(f"briefs_http_requests_total{{{labels}}} {count}")
    lines += [
        "# HELP briefs_http_request_duration_seconds Time to answer, by this worker.",
        "# TYPE briefs_http_request_duration_seconds histogram",
    ]
    for (method, route), counts in sorted(_latency.items()):
        base = f'method="{method}",route="{_escape(route)}",pid="{pid}"'
        for bound, count in zip((*BUCKETS, "+Inf"), counts[:-1], strict=True):
            lines.append(
                f'briefs_http_request_duration_seconds_bucket{{{base},le="{bound}"}} {count:g}'
            )
        lines.append(f"briefs_http_request_duration_seconds_count{{{base}}} {counts[-2]:g}")
        lines.append(f"briefs_http_request_duration_seconds_sum{{{base}}} {counts[-1]:.6f}")
    by_status = dict(
        db.session.execute(select(Message.status, func.count()).group_by(Message.status)).all()
    )
    lines += [
        "# HELP briefs_outbox_messages Messages in the outbox, by delivery status.",
        "# TYPE briefs_outbox_messages gauge",
    ]
    for status in sorted(by_status):
        lines.append(f'briefs_outbox_messages{{status="{status}"}} {by_status[status]}')
    oldest = db.session.scalar(select(func.min(Message.created_at)).where(Message.status == QUEUED))
    age = (clock.utcnow() - oldest).total_seconds() if oldest else 0
    lines += [
        "# HELP briefs_outbox_oldest_queued_seconds Age of the oldest message waiting to go.",
        "# TYPE briefs_outbox_oldest_queued_seconds gauge",
        f"briefs_outbox_oldest_queued_seconds {max(age, 0):.0f}",
    ]
    lines += _last_send_due()
    return "\n".join(lines) + "\n"


def _last_send_due() -> list[str]:
    path = Path(current_app.instance_path) / LAST_RUN_FILE
    try:
        facts = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    lines = [
        "# HELP briefs_send_due_last_run_seconds How long the last send-due run took.",
        "# TYPE briefs_send_due_last_run_seconds gauge",
        f"briefs_send_due_last_run_seconds {facts['duration_seconds']}",
        "# HELP briefs_send_due_last_run_timestamp_seconds When the last send-due run ended.",
        "# TYPE briefs_send_due_last_run_timestamp_seconds gauge",
        f"briefs_send_due_last_run_timestamp_seconds {facts['finished_at']}",
        "# HELP briefs_send_due_last_run_messages What the last send-due run did, by outcome.",
        "# TYPE briefs_send_due_last_run_messages gauge",
    ]
    for outcome in ("queued", "delivered", "failed", "unconfirmed"):
        lines.append(f'briefs_send_due_last_run_messages{{outcome="{outcome}"}} {facts[outcome]}')
    return lines


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

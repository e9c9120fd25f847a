"""Gunicorn settings for Briefs: `gunicorn -c deploy/gunicorn.conf.py app:app`.

Every setting can be changed from the environment without editing this file:
BIND (default 127.0.0.1:8000, behind nginx or Caddy), WEB_CONCURRENCY (workers; default
two per CPU plus one, at most 8), GUNICORN_TIMEOUT (seconds a request may take; uploads
of 25 MB over a slow line need the default 120), FORWARDED_ALLOW_IPS (the proxy's
address), PROMETHEUS_MULTIPROC_DIR (below).

/metrics sums its request counts and latencies over all workers: each worker writes them
to files in PROMETHEUS_MULTIPROC_DIR (a fresh temporary folder unless set; emptied when
gunicorn starts), and whichever worker answers /metrics adds them all up, the counts of
workers that have exited included, so totals never go back when a worker is replaced.
"""

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

# Set before any worker imports the app (and prometheus_client), so all of them share it.
_own_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="briefs-metrics-")

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or min(multiprocessing.cpu_count() * 2 + 1, 8))
# Sync workers: each request has a worker to itself; a slow client is buffered by the proxy.
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (spread out), so a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
# The proxy in front sets X-Forwarded-*; the app trusts PROXY_COUNT of them (ProxyFix).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# With LOG_FORMAT=json the app logs each request as JSON itself (route, status, duration).
accesslog = None if os.environ.get("LOG_FORMAT") == "json" else "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Client address, time, request, status, size, referrer, agent, and the duration in ms.
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(B)s "%(f)s" "%(a)s" %(M)sms'


def on_starting(server):
    """Start the counts from nothing: files left by an earlier run are not this run's."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    """A worker has gone: its live gauges stop counting (its counters stay in the sums)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)

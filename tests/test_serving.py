"""Production serving: gunicorn with the repo's config, /healthz, the deploy files."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from briefs import create_app

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> tuple[int, bytes]:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return get(url)
        except OSError:  # not listening yet, or a worker still booting
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def gunicorn(app, tmp_path: Path, **extra_env: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run gunicorn with the repo's config and two workers on a free port, over the app's
    database; yield its base URL and process, and stop it on the way out.

    Its output goes to tmp_path / "gunicorn.log"; `extra_env` adds to its environment.
    """
    port = free_port()
    env = {
        **os.environ,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "BRIEFS_INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test",
        **extra_env,
    }
    with open(tmp_path / "gunicorn.log", "wb") as out:
        server = subprocess.Popen(
            [BIN / "gunicorn", "-c", "deploy/gunicorn.conf.py", "app:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_gunicorn_serves_healthz_with_the_repo_config(app, tmp_path):
    with gunicorn(app, tmp_path) as (base, server):
        status, body = wait_for(f"{base}/healthz", server)
        assert (status, json.loads(body)) == (200, {"status": "ok"})
    text = (tmp_path / "gunicorn.log").read_text()
    assert "Booting worker" in text and text.count("Booting worker") == 2
    # The access log line: request, status and the duration in milliseconds.
    assert '"GET /healthz HTTP/1.1" 200' in text
    assert "ms\n" in text


def healthz_count(metrics_text: str) -> float:
    for family in text_string_to_metric_families(metrics_text):
        for sample in family.samples:
            wanted = {"method": "GET", "route": "/healthz", "status": "200"}
            if sample.name == "briefs_http_requests_total" and sample.labels == wanted:
                return sample.value
    return 0


def test_metrics_sum_the_requests_of_every_gunicorn_worker(app, tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"left by an earlier run")  # emptied at start

    def took_healthz(worker_file: Path) -> bool:
        return b'"/healthz"' in worker_file.read_bytes()

    with gunicorn(app, tmp_path, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)) as (base, server):

        def healthz() -> int:
            return get(f"{base}/healthz", timeout=60)[0]  # never retried: each one counts once

        wait_for(f"{base}/metrics", server)  # serving; /metrics' own requests don't count here
        sent, deadline = 0, time.monotonic() + 120
        # Requests at once, in rounds, until both workers (booted by now) have taken some.
        while True:
            with ThreadPoolExecutor(8) as pool:
                assert list(pool.map(lambda _: healthz(), range(16))) == [200] * 16
            sent += 16
            workers = sorted(metrics_dir.glob("counter_*.db"))
            if sum(map(took_healthz, workers)) >= 2 or time.monotonic() > deadline:
                break
        # One file per worker, each with /healthz requests in it; the stale file is gone.
        assert len(workers) == 2 and all(map(took_healthz, workers)), workers
        status, body = get(f"{base}/metrics", timeout=60)
        assert status == 200 and healthz_count(body.decode()) == sent

        # A worker that exits (gunicorn starts another) keeps its requests in the sum.
        os.kill(int(workers[0].stem.removeprefix("counter_")), signal.SIGTERM)
        deadline = time.monotonic() + 60
        while len(list(metrics_dir.glob("counter_*.db"))) < 3 and time.monotonic() < deadline:
            assert healthz() == 200
            sent += 1
        assert len(list(metrics_dir.glob("counter_*.db"))) == 3  # the new worker's
        for _ in range(5):
            assert healthz() == 200
        sent += 5
        assert healthz_count(get(f"{base}/metrics", timeout=60)[1].decode()) == sent


def test_healthz_answers_503_when_the_schema_is_missing(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite'}",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unavailable"}

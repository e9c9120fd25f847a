"""Two app servers share one database and one Redis: a limit reached through one holds
on the other (with `memory://` each server would count on its own)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import redis

from tests.redis_server import free_port

ROOT = Path(__file__).resolve().parent.parent


def start_server(app, redis_url: str, tmp_path: Path, name: str):
    port = free_port()
    env = {
        **os.environ,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "BRIEFS_INSTANCE_PATH": str(tmp_path / name),
        "SECRET_KEY": "shared-secret",
        "RATELIMIT_STORAGE_URI": redis_url,
    }
    log = open(tmp_path / f"{name}.log", "wb")  # closed with the server
    command = [Path(sys.executable).parent / "gunicorn", "-c", "deploy/gunicorn.conf.py", "app:app"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=5).close()
            return server, log, base
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_sign_in_limits_count_across_two_app_servers(app, user, redis_url, tmp_path):
    redis.Redis.from_url(redis_url).flushdb()
    servers = [start_server(app, redis_url, tmp_path, name) for name in ("one", "two")]
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    def attempt(base: str) -> int:
        page = opener.open(f"{base}/login", timeout=10).read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = {"csrf_token": token, "email": user.email, "password": "a wrong guess"}
        try:
            with opener.open(f"{base}/login", urllib.parse.urlencode(form).encode(), timeout=10):
                return 200
        except urllib.error.HTTPError as error:
            return error.code

    try:
        bases = [base for _server, _log, base in servers]
        # Ten wrong passwords for one account, five through each server: the limit is 10.
        assert [attempt(bases[i % 2]) for i in range(10)] == [200] * 10
        assert attempt(bases[0]) == 429
        assert attempt(bases[1]) == 429
        assert any(b"LIMITS" in key for key in redis.Redis.from_url(redis_url).keys())
    finally:
        for server, log, _base in servers:
            server.terminate()
            server.wait(timeout=30)
            log.close()

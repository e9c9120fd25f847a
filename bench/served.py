"""`make bench`'s rows under gunicorn: the app as deployed against a bare app as deployed.

Each side is its own gunicorn, started from deploy/gunicorn.conf.py with two sync workers
on a free port; requests go over HTTP from a few threads, so the figures include what a
server, sockets and two processes sharing the machine cost. The app runs against the
bench's SQLite database, the bare app (run.bare_page_app and run.bare_write_app in one)
against its own.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
THREADS = 4
WORKERS = 2


def bare_app(size: int, path: str):
    """The bare baselines in one app for gunicorn: GET / (a page of `size` bytes) and
    POST /rows/1 (a validated one-row write)."""
    import run  # the bench's own module; imported here so gunicorn can load this one

    app = run.bare_write_app(Path(path))
    page = run.bare_page_app(size)
    app.add_url_rule("/", "page", page.view_functions["index"])
    return app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(spec: str, log: Path) -> Iterator[tuple[int, int]]:
    """Serve `spec` (module:factory(...)) with deploy/gunicorn.conf.py; yield port and pid."""
    port = _free_port()
    env = {
        **os.environ,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(WORKERS),
        "LOG_LEVEL": "warning",
        "SECRET_KEY": "bench",
    }
    command = [
        str(GUNICORN), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--pythonpath", f"{ROOT},{ROOT / 'bench'}", "--access-logfile", "/dev/null", spec,
    ]  # fmt: skip
    with log.open("ab") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _body = request(port, "GET", "/healthz-bench-probe")
                if status:
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; see {log}") from None
                time.sleep(0.2)
        yield port, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def request(
    port: int,
    method: str,
    path: str,
    form: dict | None = None,
    headers: dict | None = None,
) -> tuple[int, bytes]:
    """Send one request on a new connection (sync workers close it); return status, body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        body = urlencode(form).encode() if form is not None else None
        sent = dict(headers or {})
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=sent)
        reply = conn.getresponse()
        return reply.status, reply.read()
    finally:
        conn.close()


def volley(calls: list[Callable[[], None]], requests_per_call: int = 1) -> float:
    """Run the calls from THREADS threads at once; return the seconds per request."""
    start = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        for result in [pool.submit(call) for call in calls]:
            result.result()
    return (time.perf_counter() - start) / (len(calls) * requests_per_call)


def workers_of(master: int) -> list[int]:
    """Return the pids of a gunicorn master's workers."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    return pids


def memory(pid: int) -> tuple[float, float]:
    """Return a process's resident memory now and at its peak, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def app_spec(database: Path) -> str:
    """The app as make_app configures it, as a gunicorn factory call."""
    config = {
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "UPLOAD_FOLDER": str(database.parent / "uploads"),
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "SMTP_URL": "",
        "BASE_URL": "http://127.0.0.1:5000",
    }
    return f"briefs:create_app({config!r})"


def rows_served(
    database: Path, facts: dict, tmp: Path, count: int, report, password: str, quick: bool
) -> None:
    """Print the gunicorn rows: client page GET, autosave POST, a worker's memory."""
    log = tmp / "gunicorn.log"
    page_url = f"/c/{facts['token']}"
    saves = [
        (f"/c/{facts['typed_token']}/fields/{field_id}", f"f-{field_id}")
        for field_id in facts["text_field_ids"][:THREADS]
    ]
    own_saves = [
        (f"/c/{token}/fields/{field_id}", f"f-{field_id}")
        for token, field_id in facts["own_saves"][:THREADS]
    ]
    per_volley = 24 if quick else 60
    per_lane = per_volley // THREADS
    with gunicorn(app_spec(database), log) as (app_port, app_pid):
        status, page = request(app_port, "GET", page_url)
        assert status == 200, status
        bare_db = tmp / "bare-served.sqlite"
        bare_app(len(page), str(bare_db))  # made here, once, not by both workers at once
        spec = f"served:bare_app({len(page)}, {str(bare_db)!r})"
        with gunicorn(spec, log) as (bare_port, _bare_pid):
            status, bare_page = request(bare_port, "GET", "/")
            assert status == 200, status
            counter = {"n": 0}

            def app_get() -> None:
                assert request(app_port, "GET", page_url)[0] == 200

            def bare_get() -> None:
                assert request(bare_port, "GET", "/")[0] == 200

            def app_saves(n: int, lanes: list[tuple[str, str]] = saves) -> Callable[[], None]:
                # One thread per question, saving it again and again as a client types:
                # two saves of one question at once would be a conflict, not a save.
                url, key = lanes[n]

                def save() -> None:
                    for _ in range(per_lane):
                        counter["n"] += 1
                        status, body = request(
                            app_port,
                            "POST",
                            url,
                            {key: f"Ответ номер {counter['n']}"},
                            {"Accept": "application/json"},
                        )
                        assert status == 200, (status, body[:200])

                return save

            def bare_save() -> None:
                counter["n"] += 1
                status, _ = request(
                    bare_port, "POST", "/rows/1", {"value": f"Ответ {counter['n']}"}
                )
                assert status == 200, status

            # Warm both servers' workers (imports, templates, connections).
            volley([app_get, bare_get] * THREADS * 2)
            times = {"page": ([], []), "save": ([], []), "own": ([], [])}
            for _ in range(count):
                times["page"][0].append(volley([app_get] * per_volley))
                times["page"][1].append(volley([bare_get] * per_volley))
                lanes = [app_saves(n) for n in range(len(saves))]
                times["save"][0].append(volley(lanes, per_lane))
                times["save"][1].append(volley([bare_save] * per_volley))
                own = [app_saves(n, own_saves) for n in range(len(own_saves))]
                times["own"][0].append(volley(own, per_lane))
                times["own"][1].append(volley([bare_save] * per_volley))
            report(
                f"gunicorn ({WORKERS} sync workers, {THREADS} client threads): client page GET "
                f"({len(page):,} bytes) vs a bare page of {len(bare_page):,} bytes",
                *times["page"],
                ratio="b/a",
                goal="≥ 0.3× now, 0.5× the aim",
                note=f"(time per request; {per_volley} requests per timing)",
            )
            report(
                f"gunicorn ({WORKERS} sync workers, {THREADS} client threads): autosave POST "
                "vs a bare validated one-row write",
                *times["save"],
                ratio="b/a",
                goal="≥ 0.5×",
                note=f"(time per request; {per_volley} saves per timing)",
            )
            report(
                f"gunicorn ({WORKERS} sync workers, {THREADS} client threads): autosave POST, "
                "each client in a brief of their own, vs a bare validated one-row write",
                *times["own"],
                ratio="b/a",
                goal="none (tells saves into one brief at once from saves apart)",
                note=f"(time per request; {per_volley} saves per timing)",
            )
        row_memory(app_port, app_pid, password)


def sign_in(port: int, password: str) -> str:
    """Sign the bench's owner in; return the session cookie to send back."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        form = urlencode({"email": "owner@pixel.example", "password": password})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        conn.request("POST", "/login", body=form, headers=headers)
        reply = conn.getresponse()
        reply.read()
        cookies = reply.headers.get_all("Set-Cookie") or []
    finally:
        conn.close()
    session = [c.split(";", 1)[0] for c in cookies if c.startswith("session=")]
    assert session, "could not sign in"
    return session[0]


def row_memory(port: int, master: int, password: str) -> None:
    """Print each worker's memory after the dashboard, against after the client page."""
    before = {pid: memory(pid) for pid in workers_of(master)}
    cookie = sign_in(port, password)
    start = time.perf_counter()
    for _ in range(WORKERS * 2):  # each worker serves it at least once, most likely
        status, page = request(port, "GET", "/", headers={"Cookie": cookie})
        assert status == 200, status
    took = (time.perf_counter() - start) / (WORKERS * 2)
    after = {pid: memory(pid) for pid in workers_of(master)}
    print("\ngunicorn worker memory after the dashboard (4 loads, each worker)")
    for pid in sorted(after):
        rss, peak = after[pid]
        was = before.get(pid, (float("nan"), float("nan")))[0]
        print(
            f"  worker {pid}: {rss:,.0f} MB now, peak {peak:,.0f} MB "
            f"(after client pages and saves: {was:,.0f} MB; ratio {rss / was:.2f}×)"
        )
    worst = max(peak for _rss, peak in after.values())
    print(
        f"  dashboard {took * 1000:,.0f} ms per load, {len(page) // 1024:,} KB; "
        f"worst peak / 150 MB = {worst / 150:.2f}× (goal ≤ 1×)"
    )

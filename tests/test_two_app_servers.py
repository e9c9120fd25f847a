"""Two gunicorn app servers on different ports share one PostgreSQL, one Redis and, with
UPLOAD_STORAGE=database, the uploads: a client's answers and files go through both in
turn, a file uploaded through one downloads through the other byte for byte, and
`send-due` run on both nodes at once delivers every reminder exactly once."""

from __future__ import annotations

import hashlib
import http.cookiejar
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from datetime import time as dt_time
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from briefs import clock, create_app
from briefs.accounts import agency_settings
from briefs.extensions import db
from briefs.models import Answer, Message, StoredFile, Upload
from briefs.models.outbox import SENT
from briefs.workflow import SYSTEM, mark_sent
from tests.factories import (
    ALL_TYPES,
    PDF,
    PNG,
    docx_bytes,
    fields_by_key,
    make_brief,
    make_client,
    make_template,
)
from tests.redis_server import free_port

pytestmark = pytest.mark.stress

ROOT = Path(__file__).resolve().parent.parent
BRIEFS = 4


@pytest.fixture
def shared_app(app, postgres_url):
    """A fresh schema on the session's PostgreSQL, uploads stored in it. Its app context
    is pushed over `app`'s (which smtp_server needs), so the test works on PostgreSQL."""
    pg_app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": postgres_url,
            "UPLOAD_STORAGE": "database",
        }
    )
    with pg_app.app_context():
        db.drop_all()
        db.create_all()
        agency_settings().timezone = "Europe/Moscow"
        db.session.commit()
        yield pg_app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def node_env(database_url: str, redis_url: str, instance: Path, **extra: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": redis_url,
        "UPLOAD_STORAGE": "database",
        "SECRET_KEY": "test",
        "BRIEFS_INSTANCE_PATH": str(instance),  # each node its own disk: nothing shared there
        **extra,
    }


def start_server(env: dict, log_path: Path):
    port = free_port()
    log = open(log_path, "wb")  # closed with the server
    command = [Path(sys.executable).parent / "gunicorn", "-c", "deploy/gunicorn.conf.py", "app:app"]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
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


def multipart(fields: dict[str, str], name: str, content: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(12)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), boundary


class Client:
    """One person's browser: a cookie jar and the page's CSRF token, any server."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.csrf = ""

    def open_form(self, base: str) -> None:
        page = self.opener.open(f"{base}/c/{self.token}", timeout=30).read().decode()
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)

    def post(self, url: str, body: bytes, content_type: str) -> dict:
        request = urllib.request.Request(
            url,
            body,
            headers={
                "Content-Type": content_type,
                "Accept": "application/json",
                "X-CSRFToken": self.csrf,
            },
        )
        with self.opener.open(request, timeout=30) as response:
            assert response.status == 200
            return json.loads(response.read())

    def answer(self, base: str, field_id: int, value: str) -> dict:
        body = urllib.parse.urlencode({f"f-{field_id}": value}).encode()
        url = f"{base}/c/{self.token}/fields/{field_id}"
        return self.post(url, body, "application/x-www-form-urlencoded")

    def upload(self, base: str, field_id: int, name: str, content: bytes) -> dict:
        body, boundary = multipart({}, name, content)
        url = f"{base}/c/{self.token}/fields/{field_id}/files"
        return self.post(url, body, f"multipart/form-data; boundary={boundary}")

    def download(self, base: str, upload_id: int) -> bytes:
        with self.opener.open(f"{base}/c/{self.token}/files/{upload_id}", timeout=30) as got:
            return got.read()


def test_two_app_servers_share_answers_files_and_send_due_exactly_once(
    shared_app, redis_url, smtp_server, tmp_path
):
    redis.Redis.from_url(redis_url).flushdb()
    # send-due runs as of the next working morning in Moscow (reminders wait for working
    # hours); the briefs were sent a week before it, the answers come in now.
    moscow = timezone(timedelta(hours=3))
    day = clock.utcnow().astimezone(moscow).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    due = datetime.combine(day, dt_time(9, 5), tzinfo=moscow)
    week_ago = due.astimezone(UTC) - timedelta(days=7)
    template = make_template("Every type", ALL_TYPES)
    made = []
    for number in range(BRIEFS):
        customer = make_client(f"Client {number}")
        customer.contacts[0].email = f"contact{number}@client{number}.example"
        brief, token = make_brief(
            template, customer, now=week_ago, launch_date=(week_ago + timedelta(days=90)).date()
        )
        mark_sent(brief, SYSTEM, week_ago)
        made.append((brief.id, token, fields_by_key(brief)))
    db.session.commit()
    # The first brief's client is the one who answers; the others stay silent.
    _brief_id, token, fields = made[0]
    field_ids = {key: fields[key].id for key in ("name", "what", "email", "photos")}
    db.session.remove()

    url = shared_app.config["SQLALCHEMY_DATABASE_URI"]
    servers = [
        start_server(node_env(url, redis_url, tmp_path / name), tmp_path / f"{name}.log")
        for name in ("one", "two")
    ]
    bases = [base for _server, _log, base in servers]
    try:
        person = Client(token)
        person.open_form(bases[0])  # the CSRF token of one server holds on the other
        answers = {
            "name": "Whitening",
            "what": "Two visits, one week apart.",
            "email": "a@b.example",
        }
        for turn, (key, value) in enumerate(answers.items()):
            saved = person.answer(bases[turn % 2], field_ids[key], value)
            assert saved["ok"] and saved["value"] == value
        files = {"photo.png": PNG, "prices.pdf": PDF, "terms.docx": docx_bytes()}
        for turn, (name, content) in enumerate(files.items()):
            assert person.upload(bases[turn % 2], field_ids["photos"], name, content)
        uploads = {
            u.original_name: (u.id, u.stored_name)
            for u in db.session.scalars(select(Upload).order_by(Upload.id))
        }
        db.session.remove()
        assert set(uploads) == set(files)
        for turn, (name, content) in enumerate(files.items()):
            # Uploaded through bases[turn % 2], downloaded through the other one.
            assert person.download(bases[(turn + 1) % 2], uploads[name][0]) == content

        env = [
            node_env(
                url, redis_url, tmp_path / name, SMTP_URL=f"smtp://127.0.0.1:{smtp_server.port}"
            )
            for name in ("one", "two")
        ]
        runs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "flask",
                    "--app",
                    "app",
                    "send-due",
                    "--now",
                    due.isoformat(),
                ],
                cwd=ROOT,
                env=node,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for node in env
        ]
        for run in runs:
            out, err = run.communicate(timeout=120)
            assert run.returncode == 0, err.decode()
    finally:
        for server, log, _base in servers:
            server.terminate()
            server.wait(timeout=30)
            log.close()

    # Every answer exactly once: one revision per field, the value sent.
    answered = db.session.execute(
        select(Answer.field_id, Answer.value).where(
            Answer.field_id.in_([field_ids[k] for k in answers])
        )
    ).all()
    assert sorted(answered) == sorted((field_ids[k], v) for k, v in answers.items())
    # Every file exactly once: one upload and one stored row each, the same bytes.
    stored = {
        row.name: hashlib.sha256(row.data).hexdigest()
        for row in db.session.execute(select(StoredFile.name, StoredFile.data))
    }
    assert stored == {
        uploads[name][1]: hashlib.sha256(content).hexdigest() for name, content in files.items()
    }
    assert db.session.scalar(select(func.count(Upload.id))) == len(files)
    # Every mail exactly once: each queued message arrived once, each silent brief chased.
    messages = list(db.session.scalars(select(Message).order_by(Message.id)))
    assert len(messages) >= BRIEFS - 1
    assert [m.status for m in messages] == [SENT] * len(messages)
    arrived = Counter(mail["Message-ID"] for _rcpt, mail in smtp_server.messages)
    assert arrived == {m.message_id: 1 for m in messages}
    chased = {rcpt for rcpts, _mail in smtp_server.messages for rcpt in rcpts}
    assert {f"contact{n}@client{n}.example" for n in range(1, BRIEFS)} <= chased

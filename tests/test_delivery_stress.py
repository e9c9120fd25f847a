"""send-due as a real process against a slow or failing SMTP server: killed mid-run, run
over itself on SQLite and PostgreSQL, and beside a web app that autosaves all the while.
Every message arrives at least once and none twice (counted by Message-ID)."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest

from briefs import create_app
from briefs.accounts import agency_settings
from briefs.extensions import db
from briefs.models import Message
from briefs.models.outbox import SENT, UNCONFIRMED
from briefs.workflow import SYSTEM, mark_sent
from tests.factories import fields_by_key, make_brief, make_client, make_template

pytestmark = pytest.mark.stress

MONDAY = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)
#: Thursday 09:05 in Moscow: each brief sent on Monday has a reminder due.
DUE = "2026-11-05T09:05:00+03:00"
ROOT = Path(__file__).resolve().parent.parent


def briefs_with_reminders_due(count: int) -> list[tuple]:
    """Make `count` sent briefs, each for a contact of its own; return (brief, token)s."""
    template = make_template()
    made = []
    for number in range(count):
        client = make_client(f"Client {number}")
        client.contacts[0].email = f"contact{number}@client{number}.example"
        brief, token = make_brief(template, client, now=MONDAY)
        mark_sent(brief, SYSTEM, MONDAY)
        made.append((brief, token))
    db.session.commit()
    return made


def send_due_process(database_url: str, smtp_url: str, instance: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test",
        "SMTP_URL": smtp_url,
        "MAIL_FROM": "briefs@pixel.example",
        "BRIEFS_INSTANCE_PATH": str(instance),
    }
    command = [sys.executable, "-m", "flask", "--app", "app", "send-due", "--now", DUE]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def finished(run: subprocess.Popen) -> str:
    out, err = run.communicate(timeout=120)
    assert run.returncode == 0, err.decode()
    return out.decode()


def outbox() -> list[Message]:
    db.session.expire_all()
    messages = list(db.session.scalars(db.select(Message).order_by(Message.id)))
    db.session.commit()
    return messages


def test_a_run_killed_mid_way_is_recovered_by_the_next_run_with_nothing_sent_twice(
    app, faulty_smtp, tmp_path
):
    briefs_with_reminders_due(8)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    # Half a second per message; each answer waited for up to 2 s, so a claim's lease is 6 s.
    faulty_smtp.mode, faulty_smtp.delay = "slow", 0.5
    smtp_url = f"smtp://127.0.0.1:{faulty_smtp.port}?timeout=2"
    killed = send_due_process(url, smtp_url, tmp_path / "instance")
    deadline = time.monotonic() + 60
    while len(faulty_smtp.received) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    # The third message's content is in; its 250 has not been answered yet.
    os.kill(killed.pid, signal.SIGKILL)
    killed.communicate(timeout=10)
    assert len(faulty_smtp.received) == 3
    time.sleep(6.5)  # the killed run's lease runs out
    faulty_smtp.mode = "ok"
    out = finished(send_due_process(url, smtp_url, tmp_path / "instance"))
    messages = outbox()
    assert len(messages) == 8
    # The one in flight may have arrived: unconfirmed, not sent again; the rest sent.
    assert [m.status for m in messages] == [SENT, SENT, UNCONFIRMED] + [SENT] * 5
    assert "delivered 5, failed 0, unconfirmed 1" in out
    assert faulty_smtp.counts() == {m.message_id: 1 for m in messages}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, app):
    """The app's SQLite file, or a fresh schema on the session's throwaway PostgreSQL."""
    if request.param == "sqlite":
        yield app.config["SQLALCHEMY_DATABASE_URI"]
        return
    url = request.getfixturevalue("postgres_url")
    pg_app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url})
    with pg_app.app_context():
        db.drop_all()
        db.create_all()
        agency_settings().timezone = "Europe/Moscow"
        db.session.commit()
        yield url
        db.session.remove()
        db.engine.dispose()


def test_overlapping_runs_deliver_every_message_exactly_once(database_url, faulty_smtp, tmp_path):
    briefs_with_reminders_due(15)
    # A slow server: each run still holds a message when the next one starts.
    faulty_smtp.mode, faulty_smtp.delay = "slow", 0.2
    smtp_url = f"smtp://127.0.0.1:{faulty_smtp.port}?timeout=2"
    runs = []
    for _ in range(3):  # cron every minute, squeezed
        runs.append(send_due_process(database_url, smtp_url, tmp_path / "instance"))
        time.sleep(0.7)
    outputs = [finished(run) for run in runs]
    messages = outbox()
    assert len(messages) == 15
    assert [(m.status, m.attempts) for m in messages] == [(SENT, 1)] * 15
    assert faulty_smtp.counts() == {m.message_id: 1 for m in messages}
    delivered = [int(out.split("delivered ")[1].split(",")[0]) for out in outputs]
    assert sum(delivered) == 15


def test_autosaves_never_fail_while_send_due_talks_to_a_slow_server(
    app, faulty_smtp, live_server, tmp_path
):
    # Four briefs are reminded; clients type into four others all the while (a client
    # who types is not reminded, so these may or may not get a reminder in this run).
    made = briefs_with_reminders_due(8)[4:]
    app.config["WTF_CSRF_ENABLED"] = False  # the form's token is not what is tested here
    targets = [(token, fields_by_key(brief)["name"].id) for brief, token in made]
    faulty_smtp.mode, faulty_smtp.delay = "slow", 2.0  # 8 s of SMTP in all
    smtp_url = f"smtp://127.0.0.1:{faulty_smtp.port}?timeout=5"
    errors: list[str] = []
    acknowledged: dict[int, str] = {}
    stop = threading.Event()

    def autosave(token: str, field_id: int) -> None:
        number = 0
        while not stop.is_set():
            number += 1
            value = f"Answer {number}"
            body = urlencode({f"f-{field_id}": value}).encode()
            try:
                with urlopen(f"{live_server}/c/{token}/fields/{field_id}", body, timeout=30):
                    acknowledged[field_id] = value
            except HTTPError as error:
                errors.append(f"{error.code} {error.read()[:200]!r}")
            time.sleep(0.05)

    savers = [threading.Thread(target=autosave, args=target) for target in targets]
    for saver in savers:
        saver.start()
    try:
        run = send_due_process(
            app.config["SQLALCHEMY_DATABASE_URI"], smtp_url, tmp_path / "instance"
        )
        out = finished(run)
    finally:
        stop.set()
        for saver in savers:
            saver.join(timeout=30)
    assert errors == []
    messages = outbox()
    assert len(messages) >= 4 and {m.status for m in messages} == {SENT}
    assert f"delivered {len(messages)}, failed 0, unconfirmed 0" in out
    assert faulty_smtp.counts() == {m.message_id: 1 for m in messages}
    # Every acknowledged save is there, the last one as the field's value.
    db.session.expire_all()
    for brief, _token in made:
        field = fields_by_key(brief)["name"]
        assert field.value == acknowledged[field.id]
    assert len(acknowledged) == 4

"""Two send-due processes started together deliver every message exactly once."""

import os
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from briefs.extensions import db
from briefs.models import Event, Message
from briefs.models.outbox import SENT
from briefs.workflow import SYSTEM, mark_sent
from tests.factories import make_brief, make_client, make_template

MONDAY = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


def test_two_overlapping_runs_deliver_each_message_once(app, smtp_server, tmp_path):
    template = make_template()
    for number in range(12):
        client = make_client(f"Client {number}")
        # A contact of their own each: one contact's reminders would go as one mail.
        client.contacts[0].email = f"contact{number}@client{number}.example"
        brief, _token = make_brief(template, client, now=MONDAY)
        mark_sent(brief, SYSTEM, MONDAY)
    db.session.commit()
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "test",
        "SMTP_URL": app.config["SMTP_URL"],
        "MAIL_FROM": "briefs@pixel.example",
        "BRIEFS_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    command = [
        sys.executable, "-m", "flask", "--app", "app", "send-due",
        "--now", "2026-11-05T09:05:00+03:00",
    ]  # fmt: skip
    runs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err.decode()
    db.session.expire_all()
    messages = db.session.scalars(db.select(Message).order_by(Message.id)).all()
    assert len(messages) == 12
    # The SMTP server got each message exactly once, and nothing else.
    received = Counter(mail["Message-ID"] for _rcpt, mail in smtp_server.messages)
    assert received == Counter({m.message_id: 1 for m in messages})
    # Each outbox row was sent on its first and only attempt, by one of the two runs.
    assert [(m.status, m.attempts) for m in messages] == [(SENT, 1)] * 12
    run_of = {str(run.pid): run for run in runs}
    sent_by = Counter(run_of[m.claimed_by.split("-")[0]].pid for m in messages)
    # Each run's own count of deliveries matches the rows it claimed: no message was
    # delivered by both, which a second claim of a row would show as a total above 12.
    reported = {
        run.pid: int(re.search(r"delivered (\d+), failed 0", out.decode()).group(1))
        for run, (out, _err) in zip(runs, outputs, strict=True)
    }
    assert reported == {run.pid: sent_by[run.pid] for run in runs}
    # And each message is on its brief's record as sent once.
    sent_events = Counter(
        event.data["message"]
        for event in db.session.scalars(db.select(Event).where(Event.kind == "message_sent"))
    )
    assert sent_events == Counter({m.id: 1 for m in messages})

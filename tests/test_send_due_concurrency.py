"""Two send-due processes started together deliver every message exactly once."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from briefs.extensions import db
from briefs.models import Message
from briefs.workflow import SYSTEM, mark_sent
from tests.factories import make_brief, make_client, make_template

MONDAY = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


def test_two_overlapping_runs_deliver_each_message_once(app, smtp_server, tmp_path):
    template = make_template()
    for number in range(12):
        brief, _token = make_brief(template, make_client(f"Client {number}"), now=MONDAY)
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
    messages = db.session.scalars(db.select(Message)).all()
    assert len(messages) == 12
    assert {m.status for m in messages} == {"sent"}
    received_ids = [mail["Message-ID"] for _rcpt, mail in smtp_server.messages]
    assert len(received_ids) == 12
    assert sorted(received_ids) == sorted(m.message_id for m in messages)
    delivered_by = [out.decode().count("delivered") for out, _err in outputs]
    assert delivered_by == [1, 1]

"""Two send-due processes started together deliver every message exactly once."""

import os
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from briefs.extensions import db
from briefs.mail import outbox
from briefs.mail.content import Rendered
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


def test_a_step_another_run_overlaps_is_queued_again_one_by_one_and_nothing_twice(app, monkeypatch):
    brief, _token = make_brief(make_template(), make_client(), now=MONDAY)
    db.session.commit()

    def draft(key: str) -> outbox.Draft:
        text = Rendered(subject=f"About {key}", text="Hello\n", html="<p>Hello</p>")
        return outbox.Draft(
            kind="reminder", dedupe_key=key, to=["ivan@acme.example"], rendered=text,
            locale="en", brief=brief,
        )  # fmt: skip

    store = outbox._store
    overlapped = []

    def store_after_another_run(d, now):
        # Another run commits the second message after this step read the stored keys.
        if not overlapped:
            overlapped.append(True)
            other = db.engine.connect()
            other.execute(
                Message.__table__.insert().values(
                    kind="reminder", dedupe_key="b", to_addrs=[], cc_addrs=[], subject="b",
                    text_body="", html_body="", message_id="<other@x>", locale="en",
                    status="queued", attempts=0, last_error="", claimed_by="",
                    next_attempt_at=MONDAY, created_at=MONDAY, data={},
                )
            )  # fmt: skip
            other.commit()
            other.close()
        return store(d, now)

    monkeypatch.setattr(outbox, "_store", store_after_another_run)
    queued = outbox.queue_all([draft("a"), draft("b"), draft("c")], MONDAY)
    assert [m.dedupe_key for m in queued] == ["a", "c"]
    keys = db.session.scalars(db.select(Message.dedupe_key).order_by(Message.dedupe_key))
    assert list(keys) == ["a", "b", "c"]
    # Each message this run stored is on the brief's record once.
    told = [
        e.data["message"]
        for e in db.session.scalars(db.select(Event).where(Event.kind == "message_queued"))
    ]
    assert sorted(told) == sorted(m.id for m in queued)

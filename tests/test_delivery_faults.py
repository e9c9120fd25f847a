"""Delivery against an SMTP server that fails on purpose: nothing lost, nothing twice.

The server (tests/faulty_smtp.py) counts what it took by Message-ID; the client gives up
on an answer after one second (SMTP_URL ?timeout=1).
"""

import os
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import refresh

from briefs.extensions import db
from briefs.mail import send_due
from briefs.mail.delivery import claim_next, redact_links, stamp_data_sent
from briefs.models import Brief, Event, Message
from briefs.models.outbox import QUEUED, SENDING, SENT, UNCONFIRMED
from briefs.workflow import SYSTEM, mark_sent
from tests.factories import make_brief, make_client, make_template, own_token

MONDAY = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)
THURSDAY = datetime(2026, 11, 5, 6, 5, tzinfo=UTC)  # 09:05 in Moscow: a reminder is due
LATER = THURSDAY + timedelta(minutes=30)


def reminders_due(count: int = 1) -> None:
    template = make_template()
    for number in range(count):
        client = make_client(f"Client {number}")
        client.contacts[0].email = f"contact{number}@client{number}.example"
        brief, _token = make_brief(template, client, now=MONDAY)
        mark_sent(brief, SYSTEM, MONDAY)
    db.session.commit()


def queue_only(app) -> None:
    """Queue what is due without delivering it (a run with no SMTP_URL)."""
    smtp_url, app.config["SMTP_URL"] = app.config["SMTP_URL"], ""
    send_due.run(THURSDAY)
    app.config["SMTP_URL"] = smtp_url


def stored() -> list[Message]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Message).order_by(Message.id)))


def test_a_421_at_quit_after_the_250_counts_as_delivered_and_is_not_sent_again(app, faulty_smtp):
    reminders_due(2)
    faulty_smtp.mode = "quit421"
    report = send_due.run(THURSDAY)
    assert (report.delivered, report.failed, report.unconfirmed) == (2, 0, 0)
    send_due.run(LATER)
    messages = stored()
    assert [m.status for m in messages] == [SENT, SENT]
    assert faulty_smtp.counts() == {m.message_id: 1 for m in messages}


def test_a_250_after_the_timeout_is_unconfirmed_never_resent_and_shown_so(
    app, faulty_smtp, auth_client, user
):
    reminders_due()
    faulty_smtp.mode, faulty_smtp.delay = "late250", 2.5
    report = send_due.run(THURSDAY)
    assert (report.delivered, report.failed, report.unconfirmed) == (0, 0, 1)
    faulty_smtp.mode = "ok"
    for hours in range(1, 30):  # a day of hourly runs, far past every back-off
        send_due.run(THURSDAY + timedelta(hours=hours))
    [message] = stored()
    assert message.status == UNCONFIRMED and message.attempts == 1
    assert "timed out" in message.last_error
    assert faulty_smtp.counts() == {message.message_id: 1}
    body = auth_client.get("/outbox?status=unconfirmed").get_data(as_text=True)
    assert message.subject in body and "Delivered, unconfirmed" in body
    detail = auth_client.get(f"/outbox/{message.id}").get_data(as_text=True)
    assert "its answer never came" in detail
    assert "Retry delivery" not in detail
    sent = db.session.scalar(db.select(Event).where(Event.kind == "message_sent"))
    assert sent.data["unconfirmed"] is True
    timeline = auth_client.get(f"/briefs/{sent.brief_id}/timeline").get_data(as_text=True)
    assert "went to the mail server; delivery is not confirmed" in timeline
    user.locale = "ru"
    db.session.commit()
    refresh()  # the tests share one app context, where Babel keeps the language it chose
    detail = auth_client.get(f"/outbox/{message.id}").get_data(as_text=True)
    assert "Отправлено, без подтверждения" in detail and "ответ не пришёл" in detail
    timeline = auth_client.get(f"/briefs/{sent.brief_id}/timeline").get_data(as_text=True)
    assert "передано почтовому серверу, доставка не подтверждена" in timeline


def test_a_connection_dropped_after_the_content_is_unconfirmed_not_resent(app, faulty_smtp):
    reminders_due(2)
    faulty_smtp.mode = "drop"
    report = send_due.run(THURSDAY)
    assert report.unconfirmed == 2
    faulty_smtp.mode = "ok"
    send_due.run(LATER)
    messages = stored()
    assert [m.status for m in messages] == [UNCONFIRMED, UNCONFIRMED]
    assert faulty_smtp.counts() == {m.message_id: 1 for m in messages}


def test_a_server_that_stalls_before_the_content_is_retried_with_the_same_message_id(
    app, faulty_smtp
):
    reminders_due()
    faulty_smtp.mode, faulty_smtp.delay = "stall", 2.5
    report = send_due.run(THURSDAY)
    assert report.failed == 1
    [message] = stored()
    assert message.status == QUEUED and message.attempts == 1 and message.data_sent_at is None
    assert faulty_smtp.counts() == {}
    faulty_smtp.mode = "ok"
    assert send_due.run(LATER).delivered == 1
    [message] = stored()
    assert message.status == SENT and message.attempts == 2
    assert faulty_smtp.counts() == {message.message_id: 1}


@pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="SQLite's whole-file write lock (make test runs it); PostgreSQL locks rows",
)
def test_no_database_write_lock_is_held_while_the_server_is_talked_to(app, faulty_smtp):
    """On SQLite, the embedded default, where one writer locks the whole file."""
    reminders_due(3)
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    writes = []

    def write_meanwhile(_mail) -> None:
        # What an autosave does, with no patience at all for a lock held by send-due.
        connection = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("UPDATE agency_settings SET name = name")
            connection.execute("COMMIT")
            writes.append("ok")
        except sqlite3.OperationalError as error:
            writes.append(str(error))
        finally:
            connection.close()

    faulty_smtp.on_data = write_meanwhile
    assert send_due.run(THURSDAY).delivered == 3
    assert writes == ["ok", "ok", "ok"]


def test_the_stored_copy_loses_the_live_link_once_delivered(app, faulty_smtp, auth_client):
    reminders_due()
    queue_only(app)
    brief_token = own_token(db.session.scalar(db.select(Brief)), "contact0@client0.example")
    [message] = stored()
    assert brief_token in message.text_body  # the queued copy carries it until it goes
    assert send_due.run(THURSDAY).delivered == 1
    [message] = stored()
    assert message.status == SENT
    for body in (message.text_body, message.html_body):
        assert brief_token not in body and "/c/•••" in body
    detail = auth_client.get(f"/outbox/{message.id}").get_data(as_text=True)
    assert "personal link" in detail and brief_token not in detail
    # The link in the mail itself still opens the form.
    assert auth_client.get(f"/c/{brief_token}").status_code == 200


def test_redacting_keeps_the_address_and_drops_only_the_secret():
    token = "a" * 43
    text = f"Open http://x.example/c/{token} or https://x.example/s/{token}-_Z9."
    redacted, count = redact_links(text)
    assert count == 2 and token not in redacted
    assert redacted == "Open http://x.example/c/••• or https://x.example/s/•••."
    assert redact_links("http://x.example/briefs/12") == ("http://x.example/briefs/12", 0)


def test_a_claim_whose_lease_ran_out_before_the_content_is_taken_over_once(app, faulty_smtp):
    reminders_due()
    queue_only(app)
    lease = timedelta(seconds=3)
    first = claim_next(THURSDAY, THURSDAY, "111-aaaa", lease, ("briefs@pixel.example", ""))
    # The first run stalls past its lease; the next cron run takes the message over.
    report = send_due.run(THURSDAY + timedelta(minutes=1))
    assert report.delivered == 1
    # The first run comes back: its claim is gone, so it does not send the content.
    assert stamp_data_sent(first, THURSDAY + timedelta(minutes=1), lease) is False
    [message] = stored()
    assert message.status == SENT and message.claimed_by != "111-aaaa"
    assert faulty_smtp.counts() == {message.message_id: 1}


def test_a_run_that_died_after_sending_the_content_leaves_it_unconfirmed(app, faulty_smtp):
    reminders_due(2)
    queue_only(app)
    lease = timedelta(seconds=3)
    dead = claim_next(THURSDAY, THURSDAY, "222-bbbb", lease, ("briefs@pixel.example", ""))
    assert stamp_data_sent(dead, THURSDAY, lease)
    # Still within the lease: the next run leaves it alone and sends the other one.
    assert send_due.run(THURSDAY).delivered == 1
    assert stored()[0].status == SENDING
    report = send_due.run(THURSDAY + timedelta(minutes=1))
    assert (report.delivered, report.unconfirmed) == (0, 1)
    first, second = stored()
    assert first.status == UNCONFIRMED and second.status == SENT
    assert faulty_smtp.counts() == {second.message_id: 1}

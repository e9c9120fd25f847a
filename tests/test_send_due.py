"""send-due against a real SMTP server: reminders on schedule, read back from the wire."""

from datetime import UTC, datetime

from briefs.extensions import db
from briefs.mail import send_due
from briefs.models import Event, Message
from briefs.workflow import SYSTEM, mark_sent
from tests.factories import make_brief

MONDAY_MORNING = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # 10:00 in Moscow


def sent_brief():
    brief, token = make_brief(now=MONDAY_MORNING)
    mark_sent(brief, SYSTEM, MONDAY_MORNING)
    db.session.commit()
    return brief, token


def test_reminder_is_delivered_over_smtp_with_both_bodies(app, client, smtp_server):
    brief, token = sent_brief()
    thursday = datetime(2026, 11, 5, 6, 5, tzinfo=UTC)  # 09:05 in Moscow
    report = send_due.run(thursday)
    assert report.delivered == 1 and report.failed == 0
    [(rcpt, mail)] = smtp_server.messages
    assert rcpt == ["ivan@acme.example"]
    assert mail["To"] == "ivan@acme.example"
    assert mail["Subject"] == "Reminder: a few answers for “Teeth whitening page”"
    assert mail["From"] == "Pixel & Co <briefs@pixel.example>"
    stored = db.session.scalar(db.select(Message))
    assert mail["Message-ID"] == stored.message_id and stored.status == "sent"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Service name" in body and "Who it is for" in body
        assert "Price" not in body  # optional, so not missing
        assert "we need the answers by" in body
    link = f"http://127.0.0.1:5000/c/{token}"
    assert link in text and link in html
    kinds = [e.kind for e in db.session.scalars(db.select(Event).order_by(Event.id))]
    assert kinds[-2:] == ["message_queued", "message_sent"]
    assert client.get(link.removeprefix("http://127.0.0.1:5000")).status_code == 200


def test_nothing_goes_out_before_the_schedule_or_outside_the_window(app, smtp_server):
    sent_brief()
    assert send_due.run(datetime(2026, 11, 4, 10, 0, tzinfo=UTC)).queued == []
    evening = datetime(2026, 11, 5, 16, 0, tzinfo=UTC)  # 19:00 in Moscow
    assert send_due.run(evening).queued == []
    assert smtp_server.messages == []


def test_a_second_run_does_not_send_the_same_reminder_again(app, smtp_server):
    sent_brief()
    thursday = datetime(2026, 11, 5, 6, 5, tzinfo=UTC)
    send_due.run(thursday)
    send_due.run(thursday.replace(minute=10))
    assert len(smtp_server.messages) == 1


def test_without_smtp_messages_wait_in_the_outbox(app):
    app.config["SMTP_URL"] = ""
    sent_brief()
    report = send_due.run(datetime(2026, 11, 5, 6, 5, tzinfo=UTC))
    assert [m.kind for m in report.queued] == ["reminder"]
    assert db.session.scalar(db.select(Message.status)) == "queued"


def test_smtp_down_keeps_the_message_and_retries_until_it_is_back(app, smtp_server):
    sent_brief()
    port = smtp_server.port
    smtp_server.controller.stop()
    thursday = datetime(2026, 11, 5, 6, 5, tzinfo=UTC)
    report = send_due.run(thursday)
    assert report.failed == 1
    message = db.session.scalar(db.select(Message))
    assert message.status == "queued" and message.attempts == 1 and message.last_error
    assert message.next_attempt_at > thursday
    # Not retried before the backoff has passed.
    assert send_due.run(thursday.replace(minute=5, second=30)).failed == 0
    from aiosmtpd.controller import Controller

    smtp_server.controller = Controller(smtp_server, hostname="127.0.0.1", port=port)
    smtp_server.controller.start()
    report = send_due.run(thursday.replace(minute=20))
    assert report.delivered == 1
    assert len(smtp_server.messages) == 1
    db.session.refresh(message)
    assert message.status == "sent" and message.attempts == 2


def test_dry_run_lists_and_changes_nothing(app, runner):
    sent_brief()
    result = runner.invoke(args=["send-due", "--dry-run", "--now", "2026-11-05T09:05:00+03:00"])
    assert result.exit_code == 0, result.output
    assert "would queue reminder to ivan@acme.example" in result.output
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 0


def test_send_due_rejects_a_bad_time(runner):
    result = runner.invoke(args=["send-due", "--now", "next tuesday"])
    assert result.exit_code == 2
    assert "not an ISO time" in result.output


def test_risk_is_told_once_to_the_briefs_owner_and_late_reaches_the_director(
    app, user, smtp_server
):
    from datetime import date

    brief, _token = make_brief(launch_date=date(2026, 11, 16), user=user, now=MONDAY_MORNING)
    mark_sent(brief, SYSTEM, MONDAY_MORNING)
    db.session.commit()
    # Launch Mon 16 Nov minus 5 working days: answers due Mon 9 Nov; at risk from Wed 4 Nov.
    assert send_due.run(datetime(2026, 11, 3, 7, 0, tzinfo=UTC)).queued == []
    wednesday = datetime(2026, 11, 4, 7, 0, tzinfo=UTC)
    kinds = [m.kind for m in send_due.run(wednesday).queued]
    assert kinds == ["risk_alert", "agency_digest"]  # the digest lists it too
    assert send_due.run(wednesday.replace(hour=8)).queued == []
    [alert] = [m for r, m in smtp_server.messages if m["Subject"].startswith("At risk")]
    assert alert["To"] == user.email
    assert alert["Subject"] == "At risk: “Teeth whitening page” for Acme Dental"
    assert "are needed by November 9, 2026 and 4 are still missing" in alert.get_body(
        ("plain",)
    ).get_content().replace("\n", " ")
    tuesday = datetime(2026, 11, 10, 7, 0, tzinfo=UTC)
    kinds = sorted(m.kind for m in send_due.run(tuesday).queued)
    assert "risk_alert" in kinds and "escalation" in kinds
    late = [m for r, m in smtp_server.messages if m["Subject"].startswith("Late:")]
    assert len(late) == 1
    director = [m for r, m in smtp_server.messages if m["To"] == "daria@acme.example"]
    assert any(
        "The launch on November 16, 2026 depends on these answers arriving by November 9, 2026."
        in m.get_body(("plain",)).get_content().replace("\n", " ")
        for m in director
    )


def test_weekly_digest_goes_to_the_decision_maker_on_monday(app, smtp_server):
    brief, _token = sent_brief()
    brief.client.weekly_digest = True
    db.session.commit()
    next_monday = datetime(2026, 11, 9, 6, 30, tzinfo=UTC)  # 09:30 in Moscow
    digests = [m for m in send_due.run(next_monday).queued if m.kind == "client_digest"]
    assert [d.to_addrs for d in digests] == [["daria@acme.example"]]
    assert "Teeth whitening page" in digests[0].text_body
    assert "0 of 4 answered, 4 missing" in digests[0].text_body
    tuesday = next_monday.replace(day=10)
    assert not [m for m in send_due.run(tuesday).queued if m.kind == "client_digest"]


def test_without_smtp_each_queued_message_is_logged_once(app, caplog):
    app.config["SMTP_URL"] = ""
    sent_brief()
    with caplog.at_level("WARNING", logger="briefs.mail.send_due"):
        send_due.run(datetime(2026, 11, 5, 6, 5, tzinfo=UTC))
        send_due.run(datetime(2026, 11, 5, 6, 10, tzinfo=UTC))
    lines = [r.getMessage() for r in caplog.records if r.name == "briefs.mail.send_due"]
    assert lines == [
        "No SMTP_URL, so this waits in the outbox: reminder to ivan@acme.example: "
        "Reminder: a few answers for “Teeth whitening page”"
    ]

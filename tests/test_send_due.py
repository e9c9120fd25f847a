"""send-due against a real SMTP server: reminders on schedule, read back from the wire."""

from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

from briefs.extensions import db
from briefs.mail import send_due
from briefs.models import Contact, Event, Message
from briefs.rules.tokens import unseal
from briefs.workflow import SYSTEM, Actor, mark_sent, record
from tests.factories import make_brief, make_client, own_token

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
    # Ivan's own link rather than the shared one, so his answers are credited to him.
    link = f"http://127.0.0.1:5000/c/{own_token(brief, 'ivan@acme.example')}"
    assert link in text and link in html and token not in text
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


def test_dry_run_previews_one_line_per_mail_folded_as_a_real_run(app, runner, user):
    from briefs.accounts import agency_settings
    from briefs.mail.chasing import invitation
    from briefs.mail.outbox import queue
    from briefs.models.brief import CHANGES_REQUESTED
    from briefs.workflow import review
    from tests.factories import answer_fields, fields_by_key

    acme = make_client()
    titles = ("Teeth whitening page", "Braces page")
    briefs = [make_brief(client=acme, title=t, user=user, now=MONDAY_MORNING)[0] for t in titles]
    for brief in briefs:
        for draft in invitation(brief, agency_settings(), MONDAY_MORNING):
            queue(draft, MONDAY_MORNING)
        mark_sent(brief, SYSTEM, MONDAY_MORNING)
    db.session.commit()
    result = runner.invoke(args=["send-due", "--dry-run", "--now", "2026-11-02T10:01:00+03:00"])
    assert result.exit_code == 0, result.output
    # Two invitations wait for Ivan; a real run sends him one mail about both.
    [line] = [line for line in result.output.splitlines() if "invitation" in line]
    assert line == (
        "would deliver invitation to ivan@acme.example: Questions for 2 briefs from Pixel & Co"
        " [2 briefs: Teeth whitening page; Braces page]"
    )
    # Answers sent back on both briefs: one mail to Ivan, listing both.
    send_due.run(MONDAY_MORNING + timedelta(minutes=1))
    later = MONDAY_MORNING + timedelta(days=1)
    for brief in briefs:
        answer_fields(brief, ["name", "what", "channels", "who"], later)
        review(fields_by_key(brief)["what"], CHANGES_REQUESTED, "Shades?", Actor.user(user), later)
    db.session.commit()
    result = runner.invoke(args=["send-due", "--dry-run", "--now", "2026-11-03T10:30:00+03:00"])
    [line] = [line for line in result.output.splitlines() if "changes_requested" in line]
    assert line == (
        "would queue changes_requested to ivan@acme.example: A few answers to add to in 2 briefs"
        " [2 briefs: Teeth whitening page; Braces page]"
    )
    queued = send_due.run(datetime(2026, 11, 3, 7, 30, tzinfo=UTC)).queued
    assert [m.kind for m in queued if m.kind == "changes_requested"] == ["changes_requested"]


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
    # Late: it says so and asks the director for a decision.
    [text] = [m.get_body(("plain",)).get_content().replace("\n", " ") for m in director]
    assert (
        "The answers were needed by November 9, 2026 and not all of them have arrived, so the "
        "launch cannot take place on November 16, 2026 as planned." in text
    )
    assert "A decision is needed on your side" in text


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


def test_weekly_digest_links_each_decision_maker_through_a_link_of_their_own(
    app, client, smtp_server
):
    acme = make_client()
    acme.weekly_digest = True
    oleg = Contact(name="Oleg Owner", email="oleg@acme.example", role="decision_maker")
    acme.contacts.append(oleg)
    db.session.commit()
    # Oleg decides and also fills in the brief; Daria only decides.
    ivan = next(c for c in acme.contacts if c.role == "contact")
    brief, token = make_brief(client=acme, now=MONDAY_MORNING, recipients=[ivan, oleg])
    mark_sent(brief, SYSTEM, MONDAY_MORNING)
    db.session.commit()
    send_due.run(datetime(2026, 11, 9, 6, 30, tzinfo=UTC))  # the next Monday, 09:30 in Moscow
    digests = {
        mail["To"]: mail.get_body(("plain",)).get_content()
        for _rcpt, mail in smtp_server.messages
        if mail["Subject"].startswith("Weekly status")
    }
    assert set(digests) == {"daria@acme.example", "oleg@acme.example"}
    own = f"http://127.0.0.1:5000/c/{own_token(brief, 'oleg@acme.example')}"
    assert own in digests["oleg@acme.example"]
    # Daria is not a recipient: her line opens the read-only status page, not the form.
    status = f"http://127.0.0.1:5000/s/{unseal(brief.status_token_sealed, 'test')}"
    assert status in digests["daria@acme.example"] and "/c/" not in digests["daria@acme.example"]
    assert f"/c/{token}" not in "".join(digests.values())
    assert client.get(status.removeprefix("http://127.0.0.1:5000")).status_code == 200


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


def test_a_promise_holds_chasing_back_until_its_day_then_reminders_resume(
    app, auth_client, user, smtp_server, frozen_clock
):
    brief, _token = make_brief(user=user, now=MONDAY_MORNING)
    mark_sent(brief, SYSTEM, MONDAY_MORNING)
    db.session.commit()
    moment = MONDAY_MORNING
    while moment < datetime(2026, 11, 20, 7, 0, tzinfo=UTC):
        if moment == datetime(2026, 11, 3, 9, 0, tzinfo=UTC):
            # Tuesday: Ivan said on the phone that Pavel sends everything by the 11th.
            frozen_clock(moment)
            response = auth_client.post(
                f"/briefs/{brief.id}/timeline",
                data={"day": "2026-11-03", "time": "11:30", "channel": "call",
                      "with_whom": "Ivan", "note": "Pavel collects the prices.",
                      "promise_due": "2026-11-11", "promise_by": "Pavel"},
            )  # fmt: skip
            assert response.status_code == 302
        send_due.run(moment)
        moment += timedelta(hours=1)
    days = [
        mail["Date"].datetime.astimezone(ZoneInfo("Europe/Moscow")).date()
        for _rcpt, mail in smtp_server.messages
        if mail["Subject"].startswith("Reminder:")
    ]
    # Without the promise: the 5th, 10th, 13th, 18th. With it: from Thursday the 12th,
    # then every three working days as usual.
    assert days == [date(2026, 11, 12), date(2026, 11, 17), date(2026, 11, 20)]
    statuses = [m for _r, m in smtp_server.messages if m["Subject"].startswith("Status")]
    assert [m["Date"].datetime.date() for m in statuses] == [date(2026, 11, 17)]
    event = db.session.scalar(db.select(Event).where(Event.kind == "contact_logged"))
    assert event.data["promise"] == {"by": "Pavel", "due": "2026-11-11"}


def test_a_brief_late_over_the_weekend_reaches_the_director_on_monday(app, user, smtp_server):
    brief, _token = make_brief(launch_date=date(2026, 11, 13), user=user, now=MONDAY_MORNING)
    mark_sent(brief, SYSTEM, MONDAY_MORNING)
    db.session.commit()
    # Launch Fri 13 Nov minus 5 working days: answers due Fri 6 Nov, late from Saturday.
    saturday = datetime(2026, 11, 7, 8, 0, tzinfo=UTC)  # 11:00 in Moscow
    assert "escalation" not in [m.kind for m in send_due.run(saturday).queued]
    assert "escalation" not in [m.kind for m in send_due.run(saturday.replace(day=8)).queued]
    monday = datetime(2026, 11, 9, 6, 30, tzinfo=UTC)  # 09:30 in Moscow
    escalations = [m for m in send_due.run(monday).queued if m.kind == "escalation"]
    assert [(m.to_addrs, m.data.get("late")) for m in escalations] == [
        (["daria@acme.example"], True)
    ]


def test_a_pending_promise_holds_back_the_late_status_until_its_day(app, user, smtp_server):
    brief, _token = make_brief(launch_date=date(2026, 11, 16), user=user, now=MONDAY_MORNING)
    mark_sent(brief, SYSTEM, MONDAY_MORNING)
    # Answers due Monday the 9th; on Friday the 6th Ivan promised them by Thursday the 12th.
    record(
        brief, "contact_logged", Actor.user(user), datetime(2026, 11, 6, 9, 0, tzinfo=UTC),
        occurred_at="2026-11-06T09:00:00+00:00", channel="call", with_whom="Ivan",
        note="All by Thursday", promise={"by": "Ivan", "due": "2026-11-12"},
    )  # fmt: skip
    db.session.commit()
    tuesday = datetime(2026, 11, 10, 7, 0, tzinfo=UTC)
    assert "escalation" not in [m.kind for m in send_due.run(tuesday).queued]
    friday = datetime(2026, 11, 13, 6, 0, tzinfo=UTC)  # 09:00 in Moscow
    escalations = [m for m in send_due.run(friday).queued if m.kind == "escalation"]
    assert [m.data.get("late") for m in escalations] == [True]
    assert "escalation" not in [m.kind for m in send_due.run(friday.replace(hour=7)).queued]


def test_it_tells_each_teammate_once_per_run_about_every_brief_that_needs_them(
    app, user, auth_client, smtp_server, frozen_clock
):
    birch = make_client("Birch Clinic")

    def owned(title, launch, client=None):
        return make_brief(
            client=client, title=title, launch_date=launch, user=user, now=MONDAY_MORNING
        )[0]

    briefs = [
        # Answers due Mon 9 Nov (launch Mon 16 Nov), so late from Tue 10 Nov.
        owned("Whitening", date(2026, 11, 16)),
        # Answers due Tue 10 Nov (launch Tue 17 Nov): still at risk on the 10th.
        owned("Implants", date(2026, 11, 17)),
        owned("Braces", date(2026, 11, 17), birch),
    ]
    for brief in briefs:
        mark_sent(brief, SYSTEM, MONDAY_MORNING)
    db.session.commit()

    def alerts_over_the_wire() -> list:
        mails = [message_from_bytes(raw, policy=policy.default) for raw in smtp_server.raw]
        smtp_server.raw.clear()
        # The owner's daily digest lists the briefs too; the alert is the other mail.
        return [m for m in mails if m["To"] == user.email and "Briefs today" not in m["Subject"]]

    monday = datetime(2026, 11, 9, 7, 0, tzinfo=UTC)
    frozen_clock(monday)
    send_due.run(monday)
    [alert] = alerts_over_the_wire()
    assert alert["Subject"] == "3 briefs need attention"
    text = alert.get_body(("plain",)).get_content()
    for brief in briefs:
        assert f"At risk: “{brief.title}” for {brief.client.name}" in text
        assert f"http://127.0.0.1:5000/briefs/{brief.id}" in text
    assert text.count("are needed by") == 3 and "Launch date: November 17, 2026." in text

    # A second run, even the same minute, tells nothing again.
    assert send_due.run(monday).queued == []
    assert alerts_over_the_wire() == []

    tuesday = monday + timedelta(days=1)
    frozen_clock(tuesday)
    send_due.run(tuesday)
    [late] = alerts_over_the_wire()
    assert late["Subject"] == "Late: “Whitening” for Acme Dental"
    assert "were needed by November 9, 2026" in late.get_body(("plain",)).get_content()

    # Each brief's record says its owner was told, once per alert.
    for brief, told in zip(briefs, (2, 1, 1), strict=True):
        events = db.session.scalars(
            db.select(Event).where(Event.brief_id == brief.id, Event.kind == "message_sent")
        ).all()
        assert [e.data["to"] for e in events if e.data["message_kind"] == "risk_alert"] == [
            [user.email]
        ] * told
        body = auth_client.get(f"/briefs/{brief.id}/timeline").get_data(as_text=True)
        assert body.count("Risk alert to") == told, brief.title


def test_an_agency_without_a_name_still_gets_its_digest(app, user, smtp_server):
    from briefs.accounts import agency_settings

    agency_settings().name = ""
    brief, _token = make_brief(launch_date=date(2026, 11, 16), user=user, now=MONDAY_MORNING)
    mark_sent(brief, SYSTEM, MONDAY_MORNING)
    db.session.commit()
    wednesday = datetime(2026, 11, 4, 7, 0, tzinfo=UTC)
    report = send_due.run(wednesday)
    [digest] = [m for m in report.queued if m.kind == "agency_digest"]
    assert report.delivered == len(report.queued)
    [received] = [m for _r, m in smtp_server.messages if m["Message-ID"] == digest.message_id]
    assert "Sent by Briefs." in received.get_body(("html",)).get_content()

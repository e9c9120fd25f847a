"""Telegram: agency alerts go to each teammate's chat, by their choice, through the outbox.

The Bot API is a real HTTP server on 127.0.0.1 (tests/fake_telegram.py) that can fail on
purpose; e-mail goes to the aiosmtpd server. Each test submits a brief and lets send-due
tell its owner.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from briefs.accounts import agency_settings
from briefs.extensions import db
from briefs.mail import send_due
from briefs.models import Event, Message, TelegramLink, TelegramMessage
from briefs.models.outbox import BY_TELEGRAM, SENT
from briefs.models.outbox import QUEUED as MAIL_QUEUED
from briefs.models.telegram import FAILED, QUEUED
from briefs.rules.whose_move import AGENCY, CLIENT
from briefs.telegram import delivery, linking
from briefs.telegram.alerts import route
from briefs.workflow import SYSTEM, mark_sent, submit
from tests.factories import IVAN, NOW, answer_fields, fields_by_key, make_brief, make_client
from tests.fake_telegram import TOKEN

MONDAY = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
WEDNESDAY = datetime(2026, 11, 4, 9, 0, tzinfo=UTC)
EVERY_KEY = ["name", "what", "price", "channels", "who"]
CHAT = 5550001


@pytest.fixture(autouse=True)
def _no_digest(app):
    """The daily digest is news of its own; only its own test asks for it."""
    agency_settings().daily_digest = False
    db.session.commit()


def _link(user, channel: str) -> TelegramLink:
    """Connect the bot and link the user's chat, as the linking flow would."""
    linking.connect(TOKEN, "pixel_briefs_bot", MONDAY)
    link = TelegramLink(user_id=user.id, chat_id=CHAT, linked_at=MONDAY, channel=channel)
    db.session.add(link)
    db.session.commit()
    return link


def _submitted(user, title: str = "Teeth whitening page", when: datetime = WEDNESDAY):
    brief, _token = make_brief(client=make_client(), title=title, user=user, now=MONDAY)
    mark_sent(brief, SYSTEM, MONDAY)
    answer_fields(brief, EVERY_KEY, when, IVAN)
    submit(brief, IVAN, when, missing=[])
    db.session.commit()
    return brief


def _mails_to(mailbox, address: str) -> list:
    return [mail for rcpt, mail in mailbox.messages if address in rcpt]


def test_a_teammate_who_chose_telegram_gets_the_alert_there_only(
    app, user, smtp_server, fake_telegram
):
    _link(user, "telegram")
    brief = _submitted(user)
    send_due.run(WEDNESDAY + timedelta(minutes=5))
    assert fake_telegram.delivered() == [
        (
            CHAT,
            "Answers submitted: “Teeth whitening page” for Acme Dental\n"
            f"http://127.0.0.1:5000/briefs/{brief.id}",
        )
    ]
    assert _mails_to(smtp_server, user.email) == []
    message = db.session.scalar(select(Message).where(Message.kind == "submitted"))
    # Kept for dedupe and the record, never e-mailed.
    assert message.status == BY_TELEGRAM and message.to_addrs == []
    assert message.data["telegram"] == [user.id]
    # A second run sends nothing again.
    send_due.run(WEDNESDAY + timedelta(minutes=10))
    assert len(fake_telegram.sent) == 1


def test_the_alert_is_worded_in_the_teammates_language(app, user, smtp_server, fake_telegram):
    user.locale = "ru"
    _link(user, "telegram")
    brief = _submitted(user)
    send_due.run(WEDNESDAY + timedelta(minutes=5))
    assert fake_telegram.delivered() == [
        (
            CHAT,
            "Ответы отправлены: «Teeth whitening page» (Acme Dental)\n"
            f"http://127.0.0.1:5000/briefs/{brief.id}",
        )
    ]


def test_several_briefs_make_one_message_listing_each_with_its_link(
    app, user, smtp_server, fake_telegram
):
    _link(user, "telegram")
    first = _submitted(user, "Teeth whitening page")
    second = _submitted(user, "Braces page")
    send_due.run(WEDNESDAY + timedelta(minutes=5))
    assert fake_telegram.delivered() == [
        (
            CHAT,
            "Answers submitted on 2 briefs\n"
            "\n• Teeth whitening page (Acme Dental)\n"
            f"http://127.0.0.1:5000/briefs/{first.id}\n"
            "\n• Braces page (Acme Dental)\n"
            f"http://127.0.0.1:5000/briefs/{second.id}",
        )
    ]


def test_both_sends_the_mail_and_the_telegram_message(app, user, smtp_server, fake_telegram):
    _link(user, "both")
    _submitted(user)
    send_due.run(WEDNESDAY + timedelta(minutes=5))
    assert len(fake_telegram.delivered()) == 1
    [mail] = _mails_to(smtp_server, user.email)
    assert mail["Subject"] == "Answers submitted: “Teeth whitening page” for Acme Dental"
    message = db.session.scalar(select(Message).where(Message.kind == "submitted"))
    assert message.status == SENT and message.to_addrs == [user.email]


def test_e_mail_stays_the_default_for_a_linked_teammate(app, user, smtp_server, fake_telegram):
    _link(user, "email")
    _submitted(user)
    send_due.run(WEDNESDAY + timedelta(minutes=5))
    assert fake_telegram.sent == []
    assert len(_mails_to(smtp_server, user.email)) == 1
    assert db.session.scalar(select(TelegramMessage)) is None


def test_the_daily_digest_goes_to_telegram_with_the_dashboard_link(
    app, user, smtp_server, fake_telegram
):
    agency_settings().daily_digest = True
    _link(user, "telegram")
    _submitted(user)
    # Wednesday noon in Moscow, the window open: the submission is also the digest's news.
    send_due.run(WEDNESDAY + timedelta(minutes=5))
    texts = [text for _chat, text in fake_telegram.delivered()]
    [digest] = [text for text in texts if text.startswith("Briefs today:")]
    assert digest == (
        "Briefs today: 0 late, 0 at risk, 0 waiting long, 1 with news\nhttp://127.0.0.1:5000/"
    )
    assert not [m for m in _mails_to(smtp_server, user.email) if "Briefs today" in m["Subject"]]


def test_a_failing_telegram_is_tried_again_with_back_off_and_sent_once(
    app, user, smtp_server, fake_telegram
):
    _link(user, "telegram")
    _submitted(user)
    fake_telegram.failures = [500]
    first_run = WEDNESDAY + timedelta(minutes=5)
    report = send_due.run(first_run)
    assert report.telegram.failed == 1 and fake_telegram.delivered() == []
    row = db.session.scalar(select(TelegramMessage))
    assert row.status == QUEUED and row.attempts == 1
    assert row.next_attempt_at == first_run + timedelta(minutes=1)
    assert "Internal Server Error" in row.last_error
    send_due.run(first_run + timedelta(seconds=30))  # not due yet
    assert len(fake_telegram.sent) == 1
    send_due.run(first_run + timedelta(minutes=1))
    send_due.run(first_run + timedelta(minutes=2))
    assert len(fake_telegram.delivered()) == 1
    assert [status for _c, _t, status in fake_telegram.sent] == [500, 200]


def test_telegram_asking_to_wait_is_waited_for(app, user, smtp_server, fake_telegram):
    _link(user, "telegram")
    _submitted(user)
    fake_telegram.failures = [429]
    fake_telegram.retry_after = 600
    first_run = WEDNESDAY + timedelta(minutes=5)
    send_due.run(first_run)
    row = db.session.scalar(select(TelegramMessage))
    assert row.next_attempt_at == first_run + timedelta(seconds=600)
    send_due.run(first_run + timedelta(minutes=5))
    assert fake_telegram.delivered() == []
    send_due.run(first_run + timedelta(minutes=10))
    assert len(fake_telegram.delivered()) == 1


def test_a_blocked_bot_breaks_the_link_and_the_next_alert_is_mailed(
    app, user, auth_client, smtp_server, fake_telegram
):
    link = _link(user, "telegram")
    _submitted(user, "Teeth whitening page")
    fake_telegram.failures = [403]
    report = send_due.run(WEDNESDAY + timedelta(minutes=5))
    assert report.telegram.broken == [user.id]
    row = db.session.scalar(select(TelegramMessage))
    assert row.status == FAILED and "blocked" in row.last_error
    db.session.refresh(link)
    assert link.broken_at == WEDNESDAY + timedelta(minutes=5)
    assert "perhaps the bot was blocked" in auth_client.get("/account").get_data(as_text=True)
    # Failed for good: not tried again.
    send_due.run(WEDNESDAY + timedelta(hours=1))
    assert len(fake_telegram.sent) == 1
    _submitted(user, "Braces page", when=WEDNESDAY + timedelta(hours=2))
    send_due.run(WEDNESDAY + timedelta(hours=2, minutes=5))
    # The alert that met the block came by e-mail after it; the next one is e-mailed.
    assert [mail["Subject"] for mail in _mails_to(smtp_server, user.email)] == [
        "Answers submitted: “Teeth whitening page” for Acme Dental",
        "Answers submitted: “Braces page” for Acme Dental",
    ]
    assert len(fake_telegram.sent) == 1


def _events(brief) -> list[Event]:
    return list(
        db.session.scalars(select(Event).where(Event.brief_id == brief.id).order_by(Event.id))
    )


def _text(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


def test_the_alert_that_met_a_blocked_bot_is_mailed_to_the_teammate(
    app, user, smtp_server, fake_telegram
):
    _link(user, "telegram")
    brief = _submitted(user)
    fake_telegram.failures = [403]
    first_run = WEDNESDAY + timedelta(minutes=5)
    send_due.run(first_run)
    # The alert (Telegram only: no address), then its copy queued with the failure.
    alert, copy = db.session.scalars(select(Message).order_by(Message.id)).all()
    assert alert.to_addrs == [] and alert.status == BY_TELEGRAM
    # Queued through the outbox with the failure, the alert's own wording, for them alone.
    assert (copy.status, copy.to_addrs, copy.kind) == (MAIL_QUEUED, [user.email], "submitted")
    assert (copy.subject, copy.text_body, copy.html_body) == (
        alert.subject,
        alert.text_body,
        alert.html_body,
    )
    assert copy.brief_id == brief.id and copy.next_attempt_at == first_run
    assert _mails_to(smtp_server, user.email) == []
    send_due.run(first_run + timedelta(minutes=1))
    [mail] = _mails_to(smtp_server, user.email)
    assert mail["Subject"] == "Answers submitted: “Teeth whitening page” for Acme Dental"
    assert f"http://127.0.0.1:5000/briefs/{brief.id}" in _text(mail)
    assert [event.kind for event in _events(brief) if event.data.get("message") == copy.id] == [
        "message_queued",
        "message_sent",
    ]
    # Once: neither the copy nor the Telegram message goes again.
    send_due.run(first_run + timedelta(hours=1))
    assert len(_mails_to(smtp_server, user.email)) == 1 and len(fake_telegram.sent) == 1


def test_an_alert_about_several_briefs_is_mailed_in_the_teammates_language(
    app, user, smtp_server, fake_telegram
):
    user.locale = "ru"
    _link(user, "telegram")
    first = _submitted(user, "Teeth whitening page")
    second = _submitted(user, "Braces page")
    fake_telegram.failures = [403]
    send_due.run(WEDNESDAY + timedelta(minutes=5))
    send_due.run(WEDNESDAY + timedelta(minutes=6))
    [mail] = _mails_to(smtp_server, user.email)
    [alert] = db.session.scalars(select(Message).where(Message.status == BY_TELEGRAM))
    assert mail["Subject"] == alert.subject and alert.subject.startswith("Ответы отправлены")
    text = _text(mail)
    assert f"/briefs/{first.id}" in text and f"/briefs/{second.id}" in text
    # Each brief's record says the mail went, as for any mail about several briefs.
    for brief in (first, second):
        kinds = [event.kind for event in _events(brief) if event.data.get("message") != alert.id]
        assert kinds[-2:] == ["message_queued", "message_sent"]


def test_a_teammate_who_chose_both_is_not_mailed_the_blocked_alert_twice(
    app, user, smtp_server, fake_telegram
):
    _link(user, "both")
    _submitted(user)
    fake_telegram.failures = [403]
    send_due.run(WEDNESDAY + timedelta(minutes=5))
    send_due.run(WEDNESDAY + timedelta(minutes=6))
    assert len(_mails_to(smtp_server, user.email)) == 1
    assert db.session.scalar(select(func.count(Message.id))) == 1


def test_alerts_wait_for_the_bot_and_follow_a_disconnection(app, user, smtp_server, fake_telegram):
    _link(user, "telegram")
    linking.disconnect()
    db.session.commit()
    _submitted(user)
    send_due.run(WEDNESDAY + timedelta(minutes=5))
    # No bot: the teammate is e-mailed, and nothing is queued for Telegram.
    assert len(_mails_to(smtp_server, user.email)) == 1
    assert db.session.scalar(select(TelegramMessage)) is None
    assert fake_telegram.calls == []


def test_unlinking_sends_alerts_by_e_mail_again(app, user, smtp_server, fake_telegram):
    _link(user, "telegram")
    linking.unlink(user)
    db.session.commit()
    _submitted(user)
    send_due.run(WEDNESDAY + timedelta(minutes=5))
    assert len(_mails_to(smtp_server, user.email)) == 1
    assert fake_telegram.sent == []


def test_a_comment_from_the_client_reaches_telegram_and_client_mail_stays_mail(
    app, auth_client, user, smtp_server, fake_telegram, frozen_clock
):
    _link(user, "telegram")
    brief, token = make_brief(user=user)
    name = fields_by_key(brief)["name"]
    auth_client.post(f"/briefs/{brief.id}/fields/{name.id}/comments", data={"body": "Full name?"})
    frozen_clock(NOW + timedelta(minutes=1))
    auth_client.post(f"/c/{token}", data={"comment": str(name.id), f"comment-{name.id}": "Pro"})
    send_due.run(NOW + timedelta(minutes=10))
    assert fake_telegram.delivered() == [
        (CHAT, f"New comments on “{brief.title}”\nhttp://127.0.0.1:5000/briefs/{brief.id}")
    ]
    # The client's copy is the client's mail, whatever the team chose.
    assert [rcpt for rcpt, _mail in smtp_server.messages] == [["ivan@acme.example"]]


def test_route_sends_the_teams_copy_of_comment_mail_to_telegram(app, user, fake_telegram):
    _link(user, "telegram")
    routing = route("comment_digest", AGENCY, [user.email])
    assert routing.email == []
    assert routing.chats == [(user.id, CHAT)]
    assert routing.in_telegram == [user.email]


@pytest.mark.parametrize("kind", ["comment_digest", "submitted"])
def test_route_keeps_mail_for_the_client_side_as_mail_without_asking(
    app, user, fake_telegram, count_queries, kind
):
    _link(user, "telegram")
    address = user.email
    with count_queries() as statements:
        routing = route(kind, CLIENT, [address])
    assert (routing.email, routing.chats, routing.in_telegram) == ([address], [], [])
    assert statements == []


def test_a_message_claimed_by_one_run_is_not_sent_by_another(app, user, fake_telegram):
    _link(user, "telegram")
    _submitted(user)
    fake_telegram.failures = [500]
    first_run = WEDNESDAY + timedelta(minutes=5)
    send_due.run(first_run)
    due = first_run + timedelta(minutes=1)
    claim = delivery.claim_next(due, due, "run-a")
    assert claim is not None
    # While run A's lease lasts, run B finds nothing and cannot settle A's message.
    assert delivery.claim_next(due, due, "run-b") is None
    assert delivery.settle(claim, "run-b", due, None) is None
    # Run A died: after the lease, run B takes it over and sends it once.
    later = due + delivery.LEASE + timedelta(seconds=1)
    api = linking.bot_api(linking.current_bot())
    assert delivery.deliver_telegram(later, lambda: later, "run-b", api).sent == 1
    assert delivery.settle(claim, "run-a", later, None) is None
    assert len(fake_telegram.delivered()) == 1


def test_the_outbox_shows_the_telegram_copies(app, user, auth_client, fake_telegram):
    _link(user, "telegram")
    _submitted(user)
    send_due.run(WEDNESDAY + timedelta(minutes=5))
    message = db.session.scalar(select(Message).where(Message.kind == "submitted"))
    listing = auth_client.get("/outbox?status=telegram").get_data(as_text=True)
    assert "Not e-mailed: in Telegram" in listing and message.subject in listing
    page = auth_client.get(f"/outbox/{message.id}").get_data(as_text=True)
    assert 'id="telegram-copies"' in page and "Olga Owner" in page


def test_at_risk_and_late_reach_telegram_and_the_director_keeps_her_mail(
    app, user, smtp_server, fake_telegram
):
    _link(user, "telegram")
    brief, _token = make_brief(launch_date=date(2026, 11, 16), user=user, now=MONDAY)
    mark_sent(brief, SYSTEM, MONDAY)
    db.session.commit()
    # Launch Mon 16 Nov: answers due Mon 9 Nov; at risk from Wed 4 Nov, late from Tue 10.
    send_due.run(datetime(2026, 11, 4, 7, 0, tzinfo=UTC))
    send_due.run(datetime(2026, 11, 10, 7, 0, tzinfo=UTC))
    link = f"http://127.0.0.1:5000/briefs/{brief.id}"
    assert fake_telegram.delivered() == [
        (CHAT, f"At risk: “Teeth whitening page” for Acme Dental\n{link}"),
        (CHAT, f"Late: “Teeth whitening page” for Acme Dental\n{link}"),
    ]
    assert _mails_to(smtp_server, user.email) == []
    assert [mail["To"] for mail in _mails_to(smtp_server, "daria@acme.example")] == [
        "daria@acme.example"
    ]


def test_telegram_goes_out_even_without_a_mail_server(app, runner, user, fake_telegram):
    _link(user, "telegram")
    _submitted(user)
    result = runner.invoke(args=["send-due", "--now", "2026-11-04T09:05:00+00:00"])
    assert result.exit_code == 0, result.output
    assert "telegram sent 1, failed 0, chats linked 0" in result.output
    assert len(fake_telegram.delivered()) == 1


def test_a_dry_run_names_who_would_be_told_in_telegram(app, runner, user, fake_telegram):
    _link(user, "both")
    _submitted(user)
    result = runner.invoke(args=["send-due", "--dry-run", "--now", "2026-11-04T09:05:00+00:00"])
    assert (
        "would queue submitted to owner@agency.example, owner@agency.example (Telegram): "
        "Answers submitted: “Teeth whitening page” for Acme Dental"
    ) in result.output
    assert db.session.scalar(select(TelegramMessage)) is None and fake_telegram.sent == []


def test_an_alert_telegram_refuses_for_good_is_mailed_and_the_link_kept(
    app, user, smtp_server, fake_telegram
):
    """ "Chat not found" is not a blocked bot: the link stays, and the alert is e-mailed."""
    link = _link(user, "telegram")
    _submitted(user, "Teeth whitening page")
    fake_telegram.failures = [400]
    first_run = WEDNESDAY + timedelta(minutes=5)
    send_due.run(first_run)
    row = db.session.scalar(select(TelegramMessage))
    assert row.status == FAILED and "chat not found" in row.last_error
    db.session.refresh(link)
    assert link.broken_at is None
    send_due.run(first_run + timedelta(minutes=1))
    [mail] = _mails_to(smtp_server, user.email)
    assert mail["Subject"] == "Answers submitted: “Teeth whitening page” for Acme Dental"


def test_an_alert_given_up_after_every_attempt_is_mailed_once(
    app, user, smtp_server, fake_telegram
):
    _link(user, "telegram")
    _submitted(user, "Teeth whitening page")
    fake_telegram.failures = [500] * delivery.MAX_ATTEMPTS
    when = WEDNESDAY + timedelta(minutes=5)
    for _ in range(delivery.MAX_ATTEMPTS):
        send_due.run(when)
        row = db.session.scalar(select(TelegramMessage))
        if row.status != QUEUED:
            break
        assert _mails_to(smtp_server, user.email) == []  # not while it may still go
        when = row.next_attempt_at
    assert row.status == FAILED and row.attempts == delivery.MAX_ATTEMPTS
    send_due.run(when + timedelta(minutes=1))
    send_due.run(when + timedelta(hours=1))
    [mail] = _mails_to(smtp_server, user.email)
    assert mail["Subject"] == "Answers submitted: “Teeth whitening page” for Acme Dental"
    assert fake_telegram.delivered() == []

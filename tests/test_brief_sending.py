"""Sending a brief by e-mail and its own reminder settings, from the brief page."""

from datetime import UTC, datetime

from briefs import clock
from briefs.extensions import db
from briefs.mail import send_due
from briefs.models import Event, Message
from tests.factories import make_brief, make_template, own_token

MONDAY = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)


def test_send_by_email_queues_the_invitation_and_send_due_delivers_it(
    app, auth_client, smtp_server, frozen_clock
):
    frozen_clock(MONDAY)
    brief, token = make_brief(now=MONDAY)
    response = auth_client.post(f"/briefs/{brief.id}/send")
    assert response.status_code == 302
    db.session.refresh(brief)
    assert brief.status == "sent" and brief.sent_at == MONDAY
    message = db.session.scalar(db.select(Message))
    assert message.kind == "invitation" and message.status == "queued"
    assert smtp_server.messages == []  # nothing is sent from the request
    sent = db.session.scalar(db.select(Event).where(Event.kind == "brief_sent"))
    assert sent.data["channel"] == "email"

    assert send_due.run(MONDAY).delivered == 1
    [(rcpt, mail)] = smtp_server.messages
    assert rcpt == ["ivan@acme.example"]
    assert mail["Subject"] == "Questions for the brief “Teeth whitening page”"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Pixel &amp; Co" in body or "Pixel & Co" in body
        assert "Questions in the form: 5." in body
        assert "To launch on December 15, 2026 we need the answers by December 8, 2026." in body
        # Ivan's own link, so what he does through it is credited to him.
        assert f"/c/{own_token(brief, 'ivan@acme.example')}" in body
        assert f"/c/{token}" not in body


def test_invitation_is_in_the_briefs_language(app, auth_client, smtp_server):
    template = make_template(locale="ru")
    brief, _token = make_brief(template, title="Отбеливание", locale="ru")
    auth_client.post(f"/briefs/{brief.id}/send")
    send_due.run(clock.utcnow())
    [(_rcpt, mail)] = smtp_server.messages
    assert mail["Subject"] == "Вопросы по брифу «Отбеливание»"
    assert "Вопросов в форме: 5." in mail.get_body(("plain",)).get_content()


def test_a_brief_without_contacts_or_closed_is_not_sent(app, auth_client):
    brief, _token = make_brief()
    brief.recipients = []
    db.session.commit()
    auth_client.post(f"/briefs/{brief.id}/send")
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 0
    assert auth_client.post("/briefs/999/send").status_code == 404


def page_text(auth_client, brief) -> str:
    # Babel puts a narrow no-break space before AM/PM.
    return auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True).replace("\u202f", " ")


def test_brief_page_shows_next_reminder_and_saves_overrides(app, auth_client, frozen_clock):
    frozen_clock(MONDAY)
    brief, _token = make_brief(now=MONDAY)
    auth_client.post(f"/briefs/{brief.id}/sent")
    body = page_text(auth_client, brief)
    # Three working days after Monday, 09:00 in Moscow.
    assert "11/5/26, 9:00 AM to ivan@acme.example" in body
    assert "On track" in body and "December 8, 2026" in body
    response = auth_client.post(
        f"/briefs/{brief.id}/reminders",
        data={"reminder_first_after": "1", "reminder_every": "", "reminder_max": "2"},
    )
    assert response.status_code == 302
    db.session.refresh(brief)
    assert (brief.reminder_first_after, brief.reminder_every, brief.reminder_max) == (1, None, 2)
    assert brief.reminders_paused is False and brief.escalation_enabled is False
    body = page_text(auth_client, brief)
    assert "11/3/26, 9:00 AM to ivan@acme.example" in body
    auth_client.post(f"/briefs/{brief.id}/reminders", data={"reminders_paused": "y"})
    assert "Paused for this brief" in auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    response = auth_client.post(f"/briefs/{brief.id}/reminders", data={"reminder_every": "99"})
    db.session.refresh(brief)
    assert brief.reminders_paused is True  # refused input changes nothing


def test_brief_sending_routes_refuse_anonymous_visitors(client):
    for url in ("/briefs/1/send", "/briefs/1/reminders"):
        response = client.post(url)
        assert response.status_code == 302 and "/login" in response.location


def test_the_flash_says_truly_when_the_invitation_leaves(app, auth_client, user):
    brief, _token = make_brief(make_template(), user=user)
    app.config["SMTP_URL"] = ""
    page = auth_client.post(f"/briefs/{brief.id}/send", follow_redirects=True).get_data(
        as_text=True
    )
    assert "within a minute" not in page
    assert (
        'The invitation to ivan@acme.example waits in the <a href="/outbox">Outbox</a>: '
        "no mail server is configured (SMTP_URL), so nothing is sent until one is."
    ) in page
    other, _token = make_brief(make_template("Other"), user=user)
    app.config["SMTP_URL"] = "smtp://127.0.0.1:2525"
    user.locale = "ru"
    db.session.commit()
    page = auth_client.post(f"/briefs/{other.id}/send", follow_redirects=True).get_data(
        as_text=True
    )
    assert (
        "Приглашение (кому: ivan@acme.example) поставлено в очередь и уйдёт при следующем "
        "запуске send-due."
    ) in page

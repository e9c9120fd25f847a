"""The Outbox page, retrying a failed message, and the chasing settings."""

import re
from datetime import UTC, datetime

from briefs.accounts import agency_settings
from briefs.extensions import db
from briefs.mail import send_due
from briefs.models import Message
from briefs.models.outbox import FAILED
from briefs.workflow import SYSTEM, mark_sent
from tests.factories import make_brief

MONDAY = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)
THURSDAY = datetime(2026, 11, 5, 6, 5, tzinfo=UTC)


def queued_reminder(app) -> Message:
    app.config["SMTP_URL"] = ""
    brief, _token = make_brief(now=MONDAY)
    mark_sent(brief, SYSTEM, MONDAY)
    db.session.commit()
    [message] = send_due.run(THURSDAY).queued
    return message


def test_outbox_pages_refuse_anonymous_visitors(client):
    for url in ("/outbox", "/outbox/1", "/settings/reminders", "/settings/wording/reminder/en"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location, url


def test_outbox_lists_waiting_messages_and_explains_why(app, auth_client):
    message = queued_reminder(app)
    body = auth_client.get("/outbox").get_data(as_text=True)
    assert message.subject in body and "ivan@acme.example" in body
    assert "No SMTP server is configured" in body
    detail = auth_client.get(f"/outbox/{message.id}").get_data(as_text=True)
    assert "Service name" in detail and message.message_id.strip("<>") in detail
    assert auth_client.get("/outbox/999").status_code == 404


def test_a_message_page_is_not_stored_by_the_browser(app, auth_client):
    message = queued_reminder(app)  # its text carries the client's live link
    response = auth_client.get(f"/outbox/{message.id}")
    assert "/c/" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_failed_message_can_be_retried(app, auth_client):
    message = queued_reminder(app)
    message.status, message.last_error, message.attempts = FAILED, "Connection refused", 8
    db.session.commit()
    assert "Connection refused" in auth_client.get("/outbox").get_data(as_text=True)
    response = auth_client.post(f"/outbox/{message.id}/retry")
    assert response.status_code == 302
    db.session.refresh(message)
    assert message.status == "queued" and message.attempts == 0


def test_reminder_settings_show_the_defaults_before_the_first_save(auth_client):
    # An owner made by `flask users create` has no agency settings stored yet.
    db.session.delete(agency_settings())
    db.session.commit()
    body = auth_client.get("/settings/reminders").get_data(as_text=True)
    inputs = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', body))
    assert inputs["reminder_first_after"] == "3"
    assert inputs["window_end_hour"] == "18"


def test_reminder_settings_validate_and_keep_input(auth_client):
    response = auth_client.post(
        "/settings/reminders",
        data={
            "reminder_first_after": "2",
            "reminder_every": "4",
            "reminder_max": "3",
            "window_start_hour": "18",
            "window_end_hour": "9",
            "escalate_after": "2",
            "holiday_country": "RU",
            "extra_holidays": "2026-12-31 New Year's Eve\nsoon",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The end must be later than the start." in body
    assert "Not a date (use YYYY-MM-DD): soon" in body
    assert "New Year&#39;s Eve" in body
    response = auth_client.post(
        "/settings/reminders",
        data={
            "reminder_first_after": "2",
            "reminder_every": "4",
            "reminder_max": "3",
            "window_start_hour": "10",
            "window_end_hour": "17",
            "escalate_after": "0",
            "holiday_country": "ru",
            "extra_holidays": "2026-12-31",
        },
    )
    assert response.status_code == 302
    settings = agency_settings()
    assert (settings.reminder_first_after, settings.window_start_hour) == (2, 10)
    assert settings.holiday_country == "RU" and not settings.daily_digest


def test_custom_wording_is_used_in_reminders(app, auth_client):
    response = auth_client.post(
        "/settings/wording/reminder/en",
        data={"subject": "Still waiting on {title}", "intro": "Hi from {agency}!"},
    )
    assert response.status_code == 302
    message = queued_reminder(app)
    assert message.subject == "Still waiting on Teeth whitening page"
    assert message.text_body.startswith("Hi from Pixel & Co!")
    assert auth_client.get("/settings/wording/nonsense/en").status_code == 404


def test_message_events_read_as_sentences_on_the_brief_page(app, auth_client):
    message = queued_reminder(app)
    body = auth_client.get(f"/briefs/{message.brief_id}").get_data(as_text=True)
    assert (
        "Reminder 1 to ivan@acme.example queued; still missing: "
        "“Service name”, “What exactly is done”, “Where customers come from”, “Who it is for”"
    ) in body.replace("&#34;", '"')

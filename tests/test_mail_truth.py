"""Queued is not delivered: pages say an e-mail waits when no mail server is configured."""

from __future__ import annotations

from briefs.extensions import db
from tests.factories import make_brief


def _send_by_email(auth_client, brief):
    return auth_client.post(f"/briefs/{brief.id}/send", follow_redirects=True)


def test_without_a_mail_server_every_page_says_the_mail_waits(app, auth_client, frozen_clock):
    app.config["SMTP_URL"] = ""
    brief, _token = make_brief()
    flash = _send_by_email(auth_client, brief).get_data(as_text=True)
    assert "waits in the" in flash and "no mail server is configured" in flash
    db.session.refresh(brief)
    dashboard = auth_client.get("/").get_data(as_text=True)
    assert "No mail server is configured (SMTP_URL): invitations and reminders wait" in dashboard
    page = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert "No mail server is configured (SMTP_URL), so e-mails only wait" in page
    timeline = auth_client.get(f"/briefs/{brief.id}/timeline").get_data(as_text=True)
    for body in (page, timeline):
        assert "queued the link for e-mail to ivan@acme.example" in body
        assert "e-mailed the link" not in body


def test_with_a_mail_server_the_dashboard_does_not_warn(app, auth_client, frozen_clock):
    app.config["SMTP_URL"] = "smtp://127.0.0.1:2525"
    brief, _token = make_brief()
    _send_by_email(auth_client, brief)
    assert "No mail server is configured" not in auth_client.get("/").get_data(as_text=True)

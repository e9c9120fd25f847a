"""In Chromium: the dashboard fits 1280 px and the team page 375 px with long names."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from briefs import workflow
from briefs.accounts import create_user
from briefs.extensions import db
from briefs.models import Contact
from tests.factories import NOW, PASSWORD, make_brief, make_client

pytestmark = pytest.mark.browser

LONG_MAILBOX = "very.long.mailbox.name.{}@stomatologiya-ulybka-nikitskaya.example"


def _sign_in(page, live_server, user) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_dashboard_fits_1280_and_names_each_recipient_once(page, live_server, user):
    client = make_client("Стоматологическая клиника «Улыбка» на Большой Никитской улице")
    # Two contacts share one mailbox: the reminder goes to it once, and says so once.
    for i in (0, 1, 1):
        client.contacts.append(Contact(name=f"P{i}", email=LONG_MAILBOX.format(i), role="contact"))
    db.session.commit()
    brief, _token = make_brief(
        client=client,
        recipients=[c for c in client.contacts if c.role == "contact"],
        title="Отбеливание зубов и профессиональная гигиена полости рта",
        user=user,
    )
    workflow.mark_sent(brief, workflow.Actor.user(user), NOW)
    db.session.commit()
    _sign_in(page, live_server, user)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server + "/")
    reminder = page.locator(".dashboard-table .next-reminder").first
    expect(reminder).to_contain_text(LONG_MAILBOX.format(1))
    assert reminder.inner_text().count(LONG_MAILBOX.format(1)) == 1
    table = page.locator(".dashboard-table").bounding_box()
    assert table is not None and table["x"] + table["width"] <= 1280 - 16
    assert _overflow(page) <= 0


def test_team_page_fits_375(page, live_server, user):
    create_user(
        email="anna.very.long.address@pixel-agency.example",
        name="Anna Karenina-Vronskaya",
        password="x" * 12,
        now=NOW,
    )
    db.session.commit()
    _sign_in(page, live_server, user)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server + "/team")
    expect(page.get_by_text("anna.very.long.address@pixel-agency.example")).to_be_visible()
    assert _overflow(page) <= 0

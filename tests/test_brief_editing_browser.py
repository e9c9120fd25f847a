"""In Chromium: move a brief's launch date on its page, and it is no longer at risk."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from briefs import workflow
from briefs.extensions import db
from tests.factories import PASSWORD, make_brief

pytestmark = pytest.mark.browser


def test_moving_the_launch_date_on_the_page(page, live_server, user, frozen_clock):
    # Launch Tue 10 Nov minus 5 working days: answers due Tue 3 Nov, so at risk on 2 Nov.
    brief, _token = make_brief(launch_date=date(2026, 11, 10), user=user)
    workflow.mark_sent(brief, workflow.SYSTEM, brief.created_at)
    db.session.commit()

    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server}/briefs/{brief.id}")
    expect(page.locator("#chasing")).to_contain_text("At risk")
    page.get_by_role("link", name="Edit details").click()
    expect(page.get_by_role("heading", name="Edit details", level=1)).to_be_visible()

    page.get_by_label("Launch date").fill("2026-10-01")
    page.get_by_role("button", name="Save the details").click()
    expect(page.get_by_role("alert").filter(has_text="This day has passed")).to_be_visible()

    page.get_by_label("Launch date").fill("2027-01-20")
    page.get_by_role("button", name="Save the details").click()
    expect(page.get_by_text("Details saved.")).to_be_visible()
    expect(page.locator("#chasing")).not_to_contain_text("At risk")
    expect(page.locator("#chasing")).to_contain_text("On track")
    expect(page.locator(".facts").first).to_contain_text("Jan 20, 2027")
    expect(page.locator(".events")).to_contain_text(
        "Olga Owner moved the launch date from Nov 10, 2026 to Jan 20, 2027"
    )

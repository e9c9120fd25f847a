"""In Chromium: the decision-maker's status link, taken from the brief page, on a phone."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from briefs.extensions import db
from briefs.workflow import SYSTEM, mark_sent
from tests.factories import IVAN, NOW, PASSWORD, answer_fields, make_brief

pytestmark = pytest.mark.browser


def test_the_status_link_shows_where_a_late_brief_stands_on_a_phone(
    browser, page, live_server, user, frozen_clock
):
    # Launch Fri 6 Nov minus 5 working days: the answers were due Fri 30 Oct, so it is late.
    brief, _token = make_brief(user=user, launch_date=date(2026, 11, 6))
    mark_sent(brief, SYSTEM, NOW)
    answer_fields(brief, ["name"], NOW, IVAN)
    db.session.commit()

    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/briefs/{brief.id}")
    field = page.get_by_label("Status page for the decision-maker")
    expect(field).to_have_value(re.compile(rf"^{re.escape(live_server)}/s/[\w-]{{40,}}$"))
    url = field.input_value()

    # The decision-maker is not signed in, and reads it on a phone.
    phone = browser.new_context(viewport={"width": 375, "height": 740}, locale="en-US")
    try:
        status = phone.new_page()
        status.goto(url)
        expect(status.get_by_role("heading", name="Teeth whitening page", level=1)).to_be_visible()
        expect(status.get_by_text("Client: Acme Dental")).to_be_visible()
        progress = status.locator(".status-progress")
        expect(progress).to_contain_text("Done: 1 of 4 required questions answered.")
        expect(progress).to_contain_text("Still missing (3):")
        expect(progress.locator(".missing li")).to_have_count(3)
        expect(progress).to_contain_text("On your side the form's link is with: Ivan Contact.")
        launch = status.locator(".status-risk")
        expect(launch).to_contain_text(
            "The answers were needed by October 30, 2026 and not all of them have arrived, "
            "so the launch cannot take place on November 6, 2026 as planned."
        )
        # Read-only: nothing to fill in or press, and no answer's content.
        assert status.locator("form, input, textarea, select, button").count() == 0
        expect(status.locator("body")).not_to_contain_text("Answer to")
        # Fits the phone: no horizontal scroll.
        width = status.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], width
    finally:
        phone.close()

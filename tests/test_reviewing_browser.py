"""In Chromium: review ten answers in one screen and two clicks; close after a dialog."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from briefs import workflow
from briefs.extensions import db
from tests.factories import IVAN, NOW, PASSWORD, answer_fields, make_long_brief

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parent.parent / "instance" / "screenshots"


def _sign_in(page, live_server, user) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _answered_brief(count: int):
    brief, _token = make_long_brief(count)
    workflow.mark_sent(brief, IVAN, NOW)
    answer_fields(brief, [f"q{i}" for i in range(count)], NOW + timedelta(hours=1))
    db.session.commit()
    return brief


def test_ten_answers_reviewed_in_one_screen_and_two_clicks(page, live_server, user):
    brief = _answered_brief(10)
    _sign_in(page, live_server, user)
    page.goto(f"{live_server}/briefs/{brief.id}")

    page.get_by_role("link", name="Review 10 answers").click()  # click 1
    expect(page.get_by_role("heading", name="10 answers wait for review")).to_be_visible()
    expect(page.locator(".review-mode .field-card")).to_have_count(10)
    accept = page.get_by_role("button", name="Accept all 10 answers shown")
    box = accept.bounding_box()
    assert box is not None and box["y"] + box["height"] <= page.viewport_size["height"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "review-mode-1280.png"), full_page=True)
    accept.click()  # click 2

    expect(page.get_by_text("10 answers accepted.")).to_be_visible()
    expect(page.locator("details.accepted-answer")).to_have_count(10)
    expect(page.get_by_role("button", name="Close the brief").first).to_be_visible()


def test_closing_asks_in_a_dialog_first(page, live_server, user):
    brief = _answered_brief(2)
    _sign_in(page, live_server, user)
    page.goto(f"{live_server}/briefs/{brief.id}?review=1")
    page.get_by_role("button", name="Accept all 2 answers shown").click()
    expect(page.get_by_text("2 answers accepted.")).to_be_visible()

    bar = page.locator(".action-bar")
    bar.get_by_role("button", name="Close the brief").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Close the brief “Teeth whitening page”?")
    page.screenshot(path=str(SHOTS / "confirm-dialog-1280.png"))
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".brief-status .badge")).not_to_have_text("Closed")

    bar.get_by_role("button", name="Close the brief").click()
    dialog.get_by_role("button", name="Close the brief").click()
    expect(page.locator(".brief-status .badge")).to_have_text("Closed")
    expect(page.get_by_text("The brief is closed.")).to_be_visible()

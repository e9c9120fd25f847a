"""The timeline and its print view in a real browser: the bar, the day groups, the form."""

import pytest

from briefs.extensions import db
from briefs.models import Event
from tests.factories import PASSWORD, story


def sign_in(page, live_server):
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", "owner@agency.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")


@pytest.mark.browser
def test_timeline_and_print_view_in_chromium(page, live_server, user):
    brief = story(user)
    sign_in(page, live_server)
    page.goto(f"{live_server}/briefs/{brief.id}/timeline")
    bar = page.locator("svg.whose-move-bar")
    assert bar.count() == 1 and bar.bounding_box()["width"] > 500
    assert page.locator("svg.whose-move-bar rect.wait-client").count() == 2
    assert page.locator("svg.whose-move-bar rect.wait-agency").count() == 1
    assert page.locator(".tl-day").count() == 6
    assert page.locator(".tl-event.by-hand").count() == 1

    # Add a call through the form (CSRF on), then find it marked on the timeline.
    page.fill("#day", "2026-11-10")
    page.fill("#time", "15:45")
    page.select_option("#channel", "call")
    page.fill("#with_whom", "Daria")
    page.fill("#note", "Launch moved to Monday")
    page.get_by_role("button", name="Add to the timeline").click()
    page.wait_for_selector("text=Added to the timeline.")
    marked = page.locator(".tl-event.by-hand", has_text="Launch moved to Monday")
    assert "added by hand by Olga Owner" in marked.inner_text()
    assert (
        db.session.scalar(db.select(db.func.count(Event.id)).where(Event.kind == "contact_logged"))
        == 2
    )

    page.goto(f"{live_server}/briefs/{brief.id}/timeline/print")
    assert page.locator(".topbar").count() == 0
    assert page.locator("svg.whose-move-bar").count() == 1
    assert page.locator(".tl-day").count() == 7
    page.emulate_media(media="print")
    assert page.locator(".tl-print-note").is_hidden()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")

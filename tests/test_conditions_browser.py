"""Questions that appear as the client answers, at 375 px, with JavaScript and without."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from briefs.extensions import db
from tests.factories import fields_by_key, make_brief, make_template

pytestmark = pytest.mark.browser

HOME = "At the customer's home"
ONLINE = "Online"


def where(value: str) -> dict:
    return {"all": [{"key": "place", "op": "equals", "value": value}]}


def service_brief():
    template = make_template(
        sections=[
            (
                "The service",
                [
                    {
                        "key": "place",
                        "label": "Where is the service provided?",
                        "type": "single_choice",
                        "options": [HOME, ONLINE],
                    },
                    {"key": "area", "label": "Which districts?", "condition": where(HOME)},
                    {"key": "tool", "label": "Which video tool?", "condition": where(ONLINE)},
                    {"key": "name", "label": "Service name"},
                ],
            )
        ]
    )
    return make_brief(template)


def small_page(browser, **options):
    context = browser.new_context(viewport={"width": 375, "height": 740}, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_an_answer_reveals_and_hides_questions_as_the_client_types(browser, live_server):
    brief, token = service_brief()
    f = fields_by_key(brief)
    context, page = small_page(browser)
    try:
        page.goto(f"{live_server}/c/{token}")
        area, tool = page.locator(f"#field-{f['area'].id}"), page.locator(f"#field-{f['tool'].id}")
        expect(area).to_be_hidden()
        expect(tool).to_be_hidden()
        expect(page.locator("#progress-text")).to_have_text("0 of 2 required questions answered")

        place = page.locator(f"#field-{f['place'].id}")
        top = place.evaluate("e => e.getBoundingClientRect().top + window.scrollY")
        page.check(f"input[name='f-{f['place'].id}'][value='{ONLINE}']")
        # At once, before any reply: no reload, and the question answered does not move.
        expect(tool).to_be_visible()
        expect(area).to_be_hidden()
        assert place.evaluate("e => e.getBoundingClientRect().top + window.scrollY") == top
        expect(page.locator("#progress-text")).to_have_text("1 of 3 required questions answered")
        expect(page.locator("#missing-list")).to_contain_text("Which video tool?")

        page.fill(f"#f-{f['tool'].id}", "Zoom")
        expect(page.locator(f"#status-{f['tool'].id}")).to_contain_text("Saved")
        page.check(f"input[name='f-{f['place'].id}'][value=\"{HOME}\"]")
        expect(area).to_be_visible()
        expect(tool).to_be_hidden()
        expect(page.locator("#missing-list")).to_contain_text("Which districts?")
        expect(page.locator("#missing-list")).not_to_contain_text("Which video tool?")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()
    db.session.expire_all()
    assert fields_by_key(brief)["tool"].value == "Zoom"  # hidden, its answer kept


def test_without_javascript_save_shows_the_questions_that_now_apply(browser, live_server):
    brief, token = service_brief()
    f = fields_by_key(brief)
    context, page = small_page(browser, java_script_enabled=False)
    try:
        page.goto(f"{live_server}/c/{token}")
        area, tool = page.locator(f"#field-{f['area'].id}"), page.locator(f"#field-{f['tool'].id}")
        expect(area).to_be_hidden()
        expect(tool).to_be_hidden()
        page.check(f"input[name='f-{f['place'].id}'][value=\"{HOME}\"]")
        expect(area).to_be_hidden()  # nothing runs until Save
        page.click("button.button:not(.primary)[value=save]")
        expect(page.locator(".flash")).to_have_text("Saved.")
        expect(area).to_be_visible()
        expect(tool).to_be_hidden()
        expect(page.locator("#progress-text")).to_have_text("1 of 3 required questions answered")
        page.fill(f"#f-{f['area'].id}", "North")
        page.check(f"input[name='f-{f['place'].id}'][value='{ONLINE}']")
        page.click("button.button:not(.primary)[value=save]")
        expect(tool).to_be_visible()
        expect(area).to_be_hidden()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()
    db.session.expire_all()
    fields = fields_by_key(brief)
    assert fields["area"].value == "North" and fields["place"].value == ONLINE

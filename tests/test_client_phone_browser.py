"""The client's form on a phone: the first question above the fold, what is asked at a glance."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from briefs.extensions import db
from briefs.starters import install_starter
from tests.factories import NOW, make_brief

pytestmark = pytest.mark.browser


def russian_starter_brief():
    template = install_starter("ru", NOW)
    db.session.add(template)
    db.session.commit()
    return make_brief(template, locale="ru")


def phone(browser, width=375, height=800, **options):
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def first_input(page):
    return page.locator("#brief-form .q:not([hidden])").first.locator(
        "input:not([type=hidden]), textarea"
    ).first


@pytest.mark.parametrize("javascript", [True, False])
def test_the_first_question_of_the_russian_starter_is_above_the_fold(
    browser, live_server, javascript
):
    brief, token = russian_starter_brief()
    context, page = phone(browser, java_script_enabled=javascript)
    try:
        page.goto(f"{live_server}/c/{token}")
        page.screenshot(path=f"/tmp/clientux/ru-375-js{int(javascript)}.png")
        box = first_input(page).bounding_box()
        assert box is not None
        # Above the sticky Save/Submit bar, not under it.
        bar = page.locator(".actions").bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= bar["y"], (box, bar)
        page.screenshot(path=f"/tmp/clientux/ru-375-js{int(javascript)}.png")
        # The missing list is one summary line, opened on demand.
        summary = page.locator("details.missing-summary > summary")
        expect(summary).to_contain_text("осталось")
        expect(page.locator("#missing-list")).to_be_hidden()
        summary.click()
        expect(page.locator("#missing-list")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()


def test_wide_russian_form_screenshot(browser, live_server):
    brief, token = russian_starter_brief()
    context, page = phone(browser, width=1280, height=900)
    try:
        page.goto(f"{live_server}/c/{token}")
        box = first_input(page).bounding_box()
        assert box is not None and box["y"] + box["height"] <= 900
        page.screenshot(path="/tmp/clientux/ru-1280.png", full_page=True)
    finally:
        context.close()

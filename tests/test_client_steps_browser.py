"""The client's form as steps on a phone: chips, per-section progress, the due date, tab stops."""

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


def open_page(browser, url, width=375, height=800, javascript=True):
    context = browser.new_context(
        viewport={"width": width, "height": height}, java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(url)
    return context, page


def count_tab_stops(page, limit=400):
    """Press Tab from the top until the focus comes round again; return how many stops."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = page.evaluate(
            "() => { const e = document.activeElement;"
            " return e === document.body ? null : (e.id || e.name || e.outerHTML.slice(0, 80)); }"
        )
        if here is None or (seen and here == seen[0]):
            break
        seen.append(here)
    return len(seen)


@pytest.mark.parametrize("width", [375, 1280])
def test_tab_stops_of_the_russian_starter(browser, live_server, width):
    _brief, token = russian_starter_brief()
    context, page = open_page(browser, f"{live_server}/c/{token}", width=width)
    try:
        stops = count_tab_stops(page)
        print("TAB STOPS", width, stops)
    finally:
        context.close()

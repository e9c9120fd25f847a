"""In Chromium at 375 px: every region that scrolls sideways can be reached by keyboard.

The check is axe-core's scrollable-region-focusable rule: an element whose content
overflows and that scrolls must be focusable itself or hold something focusable.
"""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, story

pytestmark = pytest.mark.browser

UNREACHABLE_SCROLLERS = """
() => [...document.querySelectorAll("body *")].filter((el) => {
  const style = getComputedStyle(el);
  const scrolls = ["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth;
  const inside = "a[href], button, input, select, textarea, [tabindex]";
  const focusable = el.tabIndex >= 0 || el.querySelector(inside);
  return scrolls && !focusable;
}).map((el) => el.className || el.tagName)
"""


def test_the_who_waited_chart_is_keyboard_reachable_at_375(page, live_server, user):
    brief = story(user)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    for path in ("", "/timeline", "/timeline/print"):
        page.goto(f"{live_server}/briefs/{brief.id}{path}")
        chart = page.locator(".wm-bar-scroll").first
        assert chart.evaluate("el => el.scrollWidth > el.clientWidth"), path  # it does scroll
        assert page.evaluate(UNREACHABLE_SCROLLERS) == [], path
        chart.focus()
        assert chart.evaluate("el => el === document.activeElement"), path
        assert chart.get_attribute("aria-label") == "Whose move over time (scrolls sideways)"

"""In Chromium, in Russian, at 1280 and 375 px: axe-core finds nothing serious on any page.

axe-core comes bundled in the axe-playwright-python package. The agency's pages are visited
signed in as the owner; the client's pages (form, status page, dead link) through their
links; a few pages also in a second state (a dialog open, a form sent back with errors).
Every serious or critical violation (and the few others named below) is listed with its
rule, target and help.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import PASSWORD, russian_pages

pytestmark = pytest.mark.browser

WIDTHS = (1280, 375)
#: The impacts that fail the test (axe's others: minor, moderate).
FAILING = {"serious", "critical"}
#: Rules axe only flags "to review" that are real faults here: two fields that share an id
#: make a label or an aria reference point at the wrong one.
FAILING_WHEN_UNSURE = {"duplicate-id-aria"}
#: Moderate rules kept at zero all the same: two charts on a page told apart by their names.
FAILING_RULES = {"landmark-unique"}


def _problems(axe: Axe, page, name: str, width: int) -> list[str]:
    results = axe.run(page, options={"resultTypes": ["violations", "incomplete"]}).response
    rules = [
        rule
        for rule in results["violations"]
        if rule["impact"] in FAILING or rule["id"] in FAILING_RULES
    ]
    rules += [rule for rule in results["incomplete"] if rule["id"] in FAILING_WHEN_UNSURE]
    found = []
    for rule in rules:
        for node in rule["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            found.append(
                f"{width}px {name}: {rule['id']} ({rule['impact']}) at {target}: {rule['help']}"
            )
    return found


def test_no_serious_axe_violation_on_any_page(browser, live_server, user):
    pages = russian_pages(user)
    axe = Axe()
    problems: list[str] = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="ru-RU")
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/login")
        problems += _problems(axe, page, "sign in", width)
        page.fill("input[name=email]", user.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/")
        for name, path in pages.items():
            page.goto(live_server + path)
            problems += _problems(axe, page, name, width)

        # Closing a brief: asked in a dialog, and on a page of its own without JavaScript.
        page.goto(live_server + pages["brief"])
        close = page.locator('form[action$="/close"]').first
        close.locator("button[type=submit]").click()
        page.locator("#confirm-dialog[open]").wait_for()
        problems += _problems(axe, page, "close dialog", width)
        with page.expect_navigation():
            close.evaluate("form => form.submit()")  # no submit event: the dialog is skipped
        assert page.locator("input[name=confirmed]").count() == 1
        problems += _problems(axe, page, "close confirm page", width)

        # A form sent back with its errors marked (the browser's own checks skipped).
        page.goto(live_server + "/clients/new")
        with page.expect_navigation():
            page.locator("main form").first.evaluate("form => form.submit()")
        assert page.locator(".form-errors").count() == 1
        problems += _problems(axe, page, "new client refused", width)

        # The client submits with questions still open: asked in a dialog first.
        page.goto(live_server + pages["new client form"])
        page.locator("#submit-button").click()
        page.locator("#submit-dialog[open]").wait_for()
        problems += _problems(axe, page, "incomplete submit dialog", width)
        context.close()
    assert not problems, f"{len(problems)} serious or critical:\n" + "\n".join(problems)

"""The client's form on a phone: the first question above the fold, what is asked at a glance."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from briefs import workflow
from briefs.extensions import db
from briefs.models.brief import CHANGES_REQUESTED
from briefs.workflow import Actor
from tests.factories import (
    NOW,
    answer_fields,
    fields_by_key,
    make_brief,
    make_full_brief,
    starter_brief,
)

ADMIN = Actor("system", "Tests")

pytestmark = pytest.mark.browser


def first_input(page):
    return (
        page.locator("#brief-form .q:not([hidden])")
        .first.locator("input:not([type=hidden]), textarea")
        .first
    )


@pytest.mark.parametrize("javascript", [True, False])
def test_the_first_question_of_the_russian_starter_is_above_the_fold(
    phone, live_server, javascript
):
    brief, token = starter_brief("ru")
    page = phone(java_script_enabled=javascript)
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


def test_wide_russian_form_screenshot(phone, live_server):
    brief, token = starter_brief("ru")
    page = phone(width=1280, height=900)
    page.goto(f"{live_server}/c/{token}")
    box = first_input(page).bounding_box()
    assert box is not None and box["y"] + box["height"] <= 900
    page.screenshot(path="/tmp/clientux/ru-1280.png", full_page=True)


def test_the_header_shows_the_day_the_answers_are_needed_by(client, frozen_clock):
    _brief, token = starter_brief("ru")
    body = client.get(f"/c/{token}").get_data(as_text=True)
    header = body[: body.index("</header>")]
    # Launch on Tuesday 15 December, five working days before: Tuesday 8 December.
    assert "Ответы нужны до 8 декабря 2026" in header
    assert "Запуск: 15 декабря 2026" in header


def test_answers_sent_back_have_a_banner_and_are_counted_apart(phone, live_server):
    brief, token = make_brief()
    answer_fields(brief, ["name", "what"], NOW)
    fields = fields_by_key(brief)
    workflow.review(fields["what"], CHANGES_REQUESTED, "Which visits?", ADMIN, NOW)
    db.session.commit()
    page = phone()
    page.goto(f"{live_server}/c/{token}")
    banner = page.locator("#sent-back")
    expect(banner.locator("h2")).to_have_text("Pixel & Co asks you to clarify 1 answer")
    link = banner.get_by_role("link", name="What exactly is done")
    expect(link).to_have_attribute("href", f"#field-{fields['what'].id}")
    # The missing list holds only the unanswered ones.
    expect(page.locator("#missing-list li")).to_have_count(2)
    expect(page.locator("#missing-list")).not_to_contain_text("What exactly is done")
    expect(page.locator("#missing-count")).to_have_text("2 left")
    link.click()
    expect(page.locator(f"#field-{fields['what'].id} .review-note")).to_be_in_viewport()


def test_submitting_with_questions_open_asks_in_a_dialog_that_lists_them(phone, live_server):
    brief, token = make_brief()
    fields = fields_by_key(brief)
    page = phone()
    page.goto(f"{live_server}/c/{token}")
    page.fill(f"#f-{fields['name'].id}", "Whitening")
    expect(page.locator(f"#status-{fields['name'].id}")).to_contain_text("Saved")
    expect(page.locator("#missing-count")).to_have_text("3 left")
    page.click("#submit-button")
    dialog = page.locator("#submit-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("li")).to_have_count(3)
    expect(dialog).to_contain_text("What exactly is done")
    dialog.get_by_role("button", name="Keep answering").click()
    expect(dialog).to_be_hidden()
    db.session.refresh(brief)
    assert brief.status == "draft"

    page.click("#submit-button")
    dialog.get_by_role("button", name="Submit anyway").click()
    expect(page.locator("#submitted")).to_contain_text("What happens next")
    expect(page.locator("#submit-button")).to_have_count(0)
    expect(page.locator("#done-box")).to_be_hidden()
    db.session.refresh(brief)
    assert brief.status == "submitted"


def test_without_javascript_the_server_asks_before_an_incomplete_submit(phone, live_server):
    brief, token = make_brief()
    page = phone(java_script_enabled=False)
    page.goto(f"{live_server}/c/{token}")
    page.click("#submit-button")
    ask = page.locator("#confirm-submit")
    expect(ask).to_contain_text("4 required questions are still open")
    expect(ask.locator("li")).to_have_count(4)
    db.session.refresh(brief)
    assert brief.status == "draft"
    ask.get_by_role("button", name="Submit anyway").click()
    expect(page.locator("#submitted")).to_contain_text("What happens next")
    db.session.refresh(brief)
    assert brief.status == "submitted"


def test_per_question_controls_name_their_question_and_errors_take_the_focus(phone, live_server):
    brief, token = make_full_brief()
    fields = fields_by_key(brief)
    page = phone()
    page.goto(f"{live_server}/c/{token}")
    for label in ("Service name", "Format"):
        key = "name" if label == "Service name" else "format"
        # On a phone one section shows at a time: open the question's own.
        page.locator(f".steps a[href='#section-{fields[key].section_id}']").click()
        expect(page.get_by_role("checkbox", name=f"Does not apply to us {label}")).to_have_count(1)
        summary = page.locator(f"#field-{fields[key].id} summary")
        expect(summary).to_have_accessible_name(
            re.compile(rf"^Ask a question about this {re.escape(label)}")
        )
    page.locator(f".steps a[href='#section-{fields['price'].section_id}']").click()
    page.fill(f"#f-{fields['price'].id}", "lots")
    page.evaluate("document.getElementById('brief-form').requestSubmit()")
    expect(page.locator("#error-summary")).to_be_focused()

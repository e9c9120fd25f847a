"""The client's form as steps on a phone: chips, per-section progress, the due date, tab stops."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import fields_by_key, starter_brief

pytestmark = pytest.mark.browser


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


# Before the steps: 111 tab stops at either width (every question had an input, a "does not
# apply" box and an "ask a question" link, and all 32 showed at once).
@pytest.mark.parametrize(("width", "limit"), [(375, 35), (1280, 90)])
def test_the_russian_starter_takes_far_fewer_tab_stops(phone, live_server, width, limit):
    _brief, token = starter_brief("ru")
    page = phone(width=width)
    page.goto(f"{live_server}/c/{token}")
    stops = count_tab_stops(page)
    print(f"tab stops at {width} px: {stops}")
    assert 10 < stops <= limit


def test_a_questions_small_row_is_one_tab_stop_and_the_arrows_move_in_it(phone, live_server):
    brief, token = starter_brief("ru")
    name = fields_by_key(brief)["service_name"]
    page = phone(width=1280)
    page.goto(f"{live_server}/c/{token}")
    page.focus(f"#f-{name.id}")
    page.keyboard.press("Tab")
    expect(page.locator(f"#na-{name.id}")).to_be_focused()
    toolbar = page.locator(f"#field-{name.id} .q-foot")
    expect(toolbar).to_have_attribute("role", "toolbar")
    expect(toolbar).to_have_accessible_name("Как называется услуга? (обязательный)")
    page.keyboard.press("ArrowRight")
    ask = page.locator(f"#field-{name.id} summary")
    expect(ask).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"#comment-{name.id}")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(page.locator(f"#na-{name.id}")).to_be_focused()
    # The save status line is made here and is polite.
    expect(page.locator(f"#status-{name.id}")).to_have_attribute("aria-live", "polite")


def test_on_a_phone_one_section_shows_at_a_time_with_its_progress(phone, live_server):
    brief, token = starter_brief("ru")
    fields = fields_by_key(brief)
    page = phone()
    page.goto(f"{live_server}/c/{token}")
    sections = page.locator("section.section:visible")
    expect(sections).to_have_count(1)
    expect(sections.locator("h2")).to_have_text("Услуга")
    chips = page.locator(".steps a")
    expect(chips).to_have_count(6)
    expect(chips.first).to_have_attribute("aria-current", "step")
    expect(chips.first).to_have_text("Услуга Отвечено: 0 из 7")  # two questions hidden
    # The sticky bar says when the answers are needed.
    due = page.locator(".actions .bar-due")
    expect(due).to_have_text("Ответы нужны до 8 дек.")
    expect(due).to_be_in_viewport()

    page.fill(f"#f-{fields['service_name'].id}", "Отбеливание")
    expect(page.locator(f"#status-{fields['service_name'].id}")).to_contain_text("Сохранено")
    expect(chips.first).to_have_text("Услуга Отвечено: 1 из 7")

    page.get_by_role("button", name="Далее: Для кого услуга").click()
    expect(sections.locator("h2")).to_have_text("Для кого услуга")
    expect(sections.locator("h2")).to_be_focused()
    expect(chips.nth(1)).to_have_attribute("aria-current", "step")
    expect(page.locator(f"#f-{fields['service_name'].id}")).to_be_hidden()
    page.get_by_role("button", name="Назад: Услуга").click()
    expect(sections.locator("h2")).to_have_text("Услуга")
    expect(page.get_by_role("button", name="Назад: Услуга")).to_be_hidden()
    chips.last.click()
    expect(sections.locator("h2")).to_have_text("Организационные вопросы")
    expect(page.locator("#step-next")).to_be_hidden()
    page.screenshot(path="/tmp/clientux/steps-ru-375-last.png")


def test_without_javascript_the_phone_shows_the_whole_form_with_a_table_of_contents(
    phone, live_server
):
    brief, token = starter_brief("ru")
    fields = fields_by_key(brief)
    page = phone(java_script_enabled=False)
    page.goto(f"{live_server}/c/{token}")
    expect(page.locator("section.section:visible")).to_have_count(6)
    expect(page.locator("#step-nav")).to_be_hidden()
    expect(page.locator(".actions .bar-due")).to_have_text("Ответы нужны до 8 дек.")
    expect(page.locator(".actions .bar-due")).to_be_in_viewport()
    page.locator(".steps a").last.click()
    expect(page.locator(f"#f-{fields['contact_person'].id}")).to_be_in_viewport()
    page.fill(f"#f-{fields['contact_person'].id}", "Анна")
    page.get_by_role("button", name="Сохранить").click()
    last = page.locator(".steps a").last
    expect(last).to_have_text("Организационные вопросы Отвечено: 1 из 4")


def test_links_to_a_question_in_another_step_open_that_step(phone, live_server):
    brief, token = starter_brief("ru")
    fields = fields_by_key(brief)
    price, contact = fields["service_price"], fields["contact_person"]
    page = phone()
    page.goto(f"{live_server}/c/{token}")
    # A refused number, saved with the whole form from another step.
    page.locator(".steps a").last.click()
    page.evaluate(f"document.getElementById('f-{price.id}').value = 'сколько-то'")
    page.evaluate("document.getElementById('brief-form').requestSubmit()")
    expect(page.locator("#error-summary")).to_be_focused()
    # The page opens at the step with the error.
    expect(page.locator(f"#f-{price.id}")).to_be_visible()
    page.locator(".steps a").last.click()
    expect(page.locator(f"#f-{price.id}")).to_be_hidden()
    page.locator("#error-summary a").click()
    expect(page.locator(f"#f-{price.id}")).to_be_in_viewport()

    # The incomplete-submit dialog's list leads to the last step too.
    page.click("#submit-button")
    dialog = page.locator("#submit-dialog")
    dialog.get_by_role("link", name=re.compile("^К кому можно обратиться")).click()
    expect(page.locator("#submit-dialog")).to_be_hidden()
    expect(page.locator(f"#f-{contact.id}")).to_be_in_viewport()
    expect(page.locator("section.section:visible h2")).to_have_text("Организационные вопросы")


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_screenshots(phone, live_server, locale):
    _brief, token = starter_brief(locale)
    for width, js in ((375, True), (375, False), (1280, True)):
        page = phone(width=width, java_script_enabled=js)
        page.goto(f"{live_server}/c/{token}")
        page.screenshot(path=f"/tmp/clientux/steps-{locale}-{width}-js{int(js)}.png")

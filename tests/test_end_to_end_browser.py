"""The whole core flow in Chromium: the agency creates and shares a brief, the client fills
it over two visits and submits, and the agency's Markdown export holds exactly what was
typed. Once in English and once in Russian."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from briefs.starters import install_starter
from tests.factories import NOW, PASSWORD
from tests.markdown_reading import answer_text, list_items, outline

pytestmark = pytest.mark.browser

#: Answers meant to break a Markdown document if they were pasted into it carelessly.
TRICKY = "# Not a heading\n---\n```\n<script>alert(1)</script>\n    indented * _stars_ [x]: y"

WORDS = {
    "en": {
        "sign_in": "Sign in",
        "add_client": "Add the client",
        "add_contact_link": "Add a contact",
        "add_contact": "Add the contact",
        "new_brief": "New brief",
        "create": "Create the brief",
        "link": "Link to the client's form",
        "submit": "Submit",
        "submit_anyway": "Submit anyway",
        "missing": "Missing",
    },
    "ru": {
        "sign_in": "Войти",
        "add_client": "Добавить клиента",
        "add_contact_link": "Добавить контакт",
        "add_contact": "Добавить контакт",
        "new_brief": "Новый бриф",
        "create": "Создать бриф",
        "link": "Ссылка на форму для клиента",
        "submit": "Отправить",
        "submit_anyway": "Всё равно отправить",
        "missing": "Не хватает",
    },
}


def agency_creates_a_brief(page, live_server, user, locale: str) -> str:
    """Sign in, add a client with a contact, create a brief; return the client link."""
    w = WORDS[locale]
    page.goto(f"{live_server}/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name=w["sign_in"]).click()
    page.goto(f"{live_server}/clients/new")
    page.locator("#name").fill("Acme Dental")
    page.locator("#timezone").select_option("Europe/Moscow")
    page.get_by_role("button", name=w["add_client"]).click()
    page.get_by_role("link", name=w["add_contact_link"]).first.click()
    page.locator("#name").fill("Ivan Contact")
    page.locator("#email").fill("ivan@acme.example")
    page.get_by_role("button", name=w["add_contact"]).click()
    page.get_by_role("link", name=w["new_brief"]).first.click()
    page.locator("#title").fill("Whitening" if locale == "en" else "Отбеливание")
    page.locator("#launch_date").fill("2026-12-15")
    page.get_by_role("button", name=w["create"]).click()
    link = page.get_by_label(w["link"])
    expect(link).to_have_value(re.compile(r"/c/[\w-]{40,}$"))
    return link.input_value()


def inputs_by_key(title: str) -> dict[str, str]:
    """Return the client form's input selector for each field of the brief, by key."""
    from briefs.extensions import db
    from briefs.models import Brief
    from briefs.overview import brief_fields

    db.session.expire_all()
    brief = db.session.scalar(db.select(Brief).where(Brief.title == title))
    return {f.key: f"#f-{f.id}" for f in brief_fields(brief)}


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_client_fills_over_two_visits_and_the_export_holds_it_exactly(
    browser, live_server, user, locale
):
    user.locale = locale
    from briefs.extensions import db

    db.session.commit()
    template = install_starter(locale, NOW)
    db.session.commit()
    questions = [f for s in template.sections for f in s.fields]
    texts = [f for f in questions if f.type in ("short_text", "long_text")][:3]
    choice = next(f for f in questions if f.type == "multiple_choice")

    agency = browser.new_context(locale="ru-RU" if locale == "ru" else "en-US")
    agency.set_default_timeout(10_000)
    agency_page = agency.new_page()
    link = agency_creates_a_brief(agency_page, live_server, user, locale)
    title = "Whitening" if locale == "en" else "Отбеливание"
    at = inputs_by_key(title)

    client = browser.new_context(viewport={"width": 375, "height": 800})
    client.set_default_timeout(10_000)
    form = client.new_page()
    form.goto(link)
    assert form.locator("html").get_attribute("lang") == locale
    # First visit: two answers, one of them the tricky one, saved as the client types.
    form.locator(at[texts[0].key]).fill("Teeth whitening, two visits")
    form.locator(at[texts[1].key]).fill(TRICKY)
    form.locator(at[texts[1].key]).blur()
    expect(
        form.locator("[id^=status-]").filter(has_text=re.compile("Saved|Сохранено"))
    ).to_have_count(2)
    form.close()

    # Second visit: the answers are there; finish and submit.
    form = client.new_page()
    form.goto(link)
    expect(form.locator(at[texts[1].key])).to_have_value(TRICKY)
    form.locator(at[texts[2].key]).fill("Line one\nLine two")
    form.locator("fieldset").filter(has_text=choice.label).locator(
        "input[type=checkbox]"
    ).first.check()
    form.get_by_role("button", name=WORDS[locale]["submit"], exact=True).click()
    # Questions are still open, so the form asks first and lists them.
    dialog = form.locator("#submit-dialog")
    expect(dialog.locator("li")).not_to_have_count(0)
    dialog.get_by_role("button", name=WORDS[locale]["submit_anyway"]).click()
    expect(form.locator(".submitted")).to_be_visible()

    brief_url = agency_page.url.split("#")[0]
    export = agency_page.request.get(f"{brief_url}/export.md")
    assert export.ok
    assert export.headers["content-type"] == "text/markdown; charset=utf-8"
    parts = {part.text: part for part in outline(export.text())}
    assert answer_text(parts[texts[0].label].body) == "Teeth whitening, two visits"
    assert answer_text(parts[texts[1].label].body) == TRICKY
    assert answer_text(parts[texts[2].label].body) == "Line one\nLine two"
    assert list_items(parts[choice.label].body) == [choice.options[0]]
    headings = [part.text for part in outline(export.text()) if part.level == 2]
    assert headings == [s.title for s in template.sections]
    agency.close()
    client.close()

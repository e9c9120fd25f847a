"""The client's form in a real Chromium: autosave, reload, submit, keyboard, no JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from briefs.extensions import db
from briefs.models import Upload
from tests.factories import (
    PNG,
    fields_by_key,
    make_brief,
    make_full_brief,
    make_template,
)

pytestmark = pytest.mark.browser


def saved(page, field, text="Saved"):
    """Wait until the field's live status reports the save."""
    expect(page.locator(f"#status-{field.id}")).to_contain_text(text)


def test_autosave_survives_a_reload_then_submit(page, live_server):
    brief, token = make_brief()
    f = fields_by_key(brief)
    page.goto(f"{live_server}/c/{token}")
    expect(page.locator("#progress-text")).to_have_text("0 of 4 required questions answered")

    page.fill(f"#f-{f['name'].id}", "Teeth whitening")
    saved(page, f["name"])
    page.check(f"input[name='f-{f['channels'].id}'][value='Referrals']")
    saved(page, f["channels"])
    # Progress and the missing list follow without a reload.
    expect(page.locator("#progress-text")).to_have_text("2 of 4 required questions answered")
    expect(page.locator("#missing-list li")).to_have_count(2)
    assert page.locator(".bar").get_attribute("aria-valuenow") == "50"

    page.reload()
    expect(page.locator(f"#f-{f['name'].id}")).to_have_value("Teeth whitening")
    expect(page.locator(f"input[name='f-{f['channels'].id}'][value='Referrals']")).to_be_checked()
    expect(page.locator("#progress-text")).to_have_text("2 of 4 required questions answered")

    page.fill(f"#f-{f['what'].id}", "Two visits:\ncleaning, then whitening.")
    saved(page, f["what"])
    page.check(f"#na-{f['who'].id}")
    saved(page, f["who"])
    expect(page.locator("#done-box")).to_be_visible()
    expect(page.locator("#missing-box")).to_be_hidden()
    page.click("button[value=submit]")
    expect(page.locator(".flash")).to_have_text("Submitted — thank you!")
    expect(page.locator(".submitted")).to_contain_text("You submitted this brief on")
    db.session.expire_all()
    assert brief.status == "submitted"
    assert fields_by_key(brief)["what"].value == "Two visits:\ncleaning, then whitening."


def test_a_russian_brief_in_russian(page, live_server):
    template = make_template(
        "Страница услуги",
        [
            (
                "Услуга",
                [
                    {"key": "name", "label": "Название услуги"},
                    {"key": "price", "label": "Цена", "type": "number"},
                ],
            )
        ],
        locale="ru",
    )
    brief, token = make_brief(template, title="Страница об отбеливании", locale="ru")
    f = fields_by_key(brief)
    page.goto(f"{live_server}/c/{token}")
    assert page.locator("html").get_attribute("lang") == "ru"
    expect(page.locator(f"label[for='f-{f['name'].id}']")).to_contain_text("Название услуги")
    expect(page.locator("h1")).to_have_text("Страница об отбеливании")

    with page.expect_response(re.compile(r"/fields/\d+$")) as response:
        page.fill(f"#f-{f['name'].id}", "Отбеливание зубов")
    assert response.value.ok
    before = page.locator("#progress-text").inner_text()
    with page.expect_response(re.compile(r"/fields/\d+$")) as response:
        page.fill(f"#f-{f['price'].id}", "15 000")
    assert response.value.ok
    expect(page.locator("#progress-text")).not_to_have_text(before)
    expect(page.locator("#missing-box")).to_be_hidden()

    page.reload()
    expect(page.locator(f"#f-{f['price'].id}")).to_have_value("15 000")
    page.click("button[value=submit]")
    expect(page.locator(".submitted")).to_be_visible()
    db.session.expire_all()
    assert brief.status == "submitted"
    assert fields_by_key(brief)["name"].value == "Отбеливание зубов"


def test_a_bad_value_is_explained_next_to_the_field(page, live_server):
    brief, token = make_full_brief()
    price = fields_by_key(brief)["price"]
    page.goto(f"{live_server}/c/{token}")
    page.fill(f"#f-{price.id}", "cheap")
    saved(page, price, "Not saved")
    error = page.locator(f"#err-{price.id}")
    expect(error).to_have_text(
        "Please enter a number, for example 25000, 1,500.50 or “from 25,000”."
    )
    expect(error).to_have_attribute("role", "alert")
    expect(page.locator(f"#f-{price.id}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#f-{price.id}")).to_have_attribute("aria-describedby", f"err-{price.id}")
    page.fill(f"#f-{price.id}", "1500")
    saved(page, price)
    expect(error).to_be_hidden()
    expect(page.locator(f"#f-{price.id}")).not_to_have_attribute("aria-invalid", "true")


def test_offline_saves_are_retried(page, live_server):
    brief, token = make_brief()
    name = fields_by_key(brief)["name"]
    page.goto(f"{live_server}/c/{token}")
    page.context.set_offline(True)
    page.fill(f"#f-{name.id}", "Whitening")
    saved(page, name, "Offline — will retry")
    page.context.set_offline(False)
    saved(page, name, "Saved")
    db.session.expire_all()
    assert name.value == "Whitening"


def test_files_upload_and_remove_without_leaving_the_page(page, live_server, tmp_path):
    brief, token = make_full_brief()
    photos = fields_by_key(brief)["photos"]
    picture = tmp_path / "clinic.png"
    picture.write_bytes(PNG)
    page.goto(f"{live_server}/c/{token}")
    page.set_input_files(f"#f-{photos.id}", str(picture))
    expect(page.locator(f"#files-{photos.id} a")).to_have_text("clinic.png")
    saved(page, photos, "File uploaded.")
    text = tmp_path / "notes.txt"
    text.write_text("plain words")
    page.set_input_files(f"#f-{photos.id}", str(text))
    expect(page.locator(f"#err-{photos.id}")).to_contain_text("notes.txt was not accepted")
    page.click(f"#files-{photos.id} button")
    expect(page.locator(f"#files-{photos.id} li")).to_have_count(0)
    db.session.expire_all()
    assert db.session.scalar(db.select(Upload)).removed_at is not None


def test_keyboard_alone_fills_and_submits(page, live_server):
    brief, token = make_brief()
    f = fields_by_key(brief)
    page.goto(f"{live_server}/c/{token}")

    def tab_to(selector: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to(f"#f-{f['name'].id}")
    page.keyboard.type("Whitening")
    tab_to(f"input[name='f-{f['channels'].id}'][value='Search']")
    page.keyboard.press("Space")
    tab_to(f"#na-{f['who'].id}")
    page.keyboard.press("Space")
    saved(page, f["who"])
    tab_to("button[value=submit]")
    page.keyboard.press("Space")
    # One question is still open: the dialog asks, "Keep answering" focused, Tab to submit.
    expect(page.locator("#submit-dialog")).to_be_visible()
    expect(page.locator("#submit-dialog [data-close]")).to_be_focused()
    tab_to("#submit-dialog button[value=submit_anyway]")
    page.keyboard.press("Space")
    expect(page.locator(".flash")).to_have_text("Submitted — thank you!")
    db.session.expire_all()
    assert brief.status == "submitted"
    fields = fields_by_key(brief)
    assert fields["name"].value == "Whitening"
    assert fields["channels"].value == "Search"
    assert fields["who"].not_applicable


def test_without_javascript_save_stores_every_field(browser, live_server):
    brief, token = make_full_brief()
    f = fields_by_key(brief)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server}/c/{token}")
        page.fill(f"#f-{f['name'].id}", "Whitening")
        page.fill(f"#f-{f['what'].id}", "Line one\nLine two")
        page.fill(f"#f-{f['price'].id}", "1 500")
        page.fill(f"#f-{f['launch'].id}", "2026-12-01")
        page.fill(f"#f-{f['email'].id}", "leads@acme.example")
        page.fill(f"#f-{f['site'].id}", "acme.example")
        page.check(f"input[name='f-{f['online'].id}'][value='no']")
        page.check(f"input[name='f-{f['format'].id}'][value='In the clinic']")
        page.check(f"input[name='f-{f['channels'].id}'][value='Ads']")
        page.check(f"#na-{f['photos'].id}")
        page.click("button.button:not(.primary)[value=save]")
        expect(page.locator(".flash")).to_have_text("Saved.")
        expect(page.locator("#progress-text")).to_have_text("6 of 6 required questions answered")

        # A refused value comes back next to its field, with everything else kept.
        page.fill(f"#f-{f['email'].id}", "nope")
        page.fill(f"#f-{f['name'].id}", "Teeth whitening")
        page.click("button.button:not(.primary)[value=save]")
        expect(page.locator(".error-summary")).to_be_visible()
        expect(page.locator(f"#err-{f['email'].id}")).to_be_visible()
        expect(page.locator(f"#f-{f['email'].id}")).to_have_value("nope")
    finally:
        context.close()
    db.session.expire_all()
    fields = fields_by_key(brief)
    assert fields["name"].value == "Teeth whitening"
    assert fields["what"].value == "Line one\nLine two"
    assert fields["launch"].value == "2026-12-01"
    assert fields["site"].value == "https://acme.example"
    assert fields["online"].value == "no"
    assert fields["channels"].value == "Ads"
    assert fields["photos"].not_applicable
    assert fields["email"].value == "leads@acme.example"


def test_no_horizontal_scroll_at_375_px(browser, live_server):
    brief, token = make_full_brief()
    fields = fields_by_key(brief)
    fields["what"].label = "A very long question " + "withaverylongwordthatdoesnotbreak" * 3
    fields["site"].value, fields["site"].revision = "https://" + "x" * 120 + ".example", 1
    db.session.commit()
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/c/{token}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.fill(f"#f-{fields['email'].id}", "nope")
        saved(page, fields["email"], "Not saved")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()

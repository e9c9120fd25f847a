"""Working together in Chromium: colleagues, conflicts, offline typing, files, screenshots."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from briefs.comments import add_comment
from briefs.extensions import db
from briefs.models import Handover
from briefs.prefill import prefill
from briefs.rules.tokens import unseal
from briefs.workflow import Actor
from tests.factories import NOW, PASSWORD, PNG, fields_by_key, make_brief, make_full_brief

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SHOTS", "/tmp/shots"))


def shoot(page, name: str) -> None:
    """Save a full-page screenshot to look at (not compared)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"collab-{name}.png"), full_page=True)


def saved(page, field, text="Saved"):
    expect(page.locator(f"#status-{field.id}")).to_contain_text(text)


def test_a_section_goes_to_a_colleague_who_sees_only_it(page, live_server, app, browser):
    brief, token = make_full_brief()
    by_key = fields_by_key(brief)
    choices = next(s for s in brief.sections if s.title == "Choices")
    page.goto(f"{live_server}/c/{token}")
    page.fill(f"#f-{by_key['name'].id}", "Whitening")
    saved(page, by_key["name"])
    scope = f"s-{choices.id}"
    page.click(f"details.handover:has(#ho-name-{scope}) summary")
    page.fill(f"#ho-name-{scope}", "Maria Marketing")
    page.fill(f"#ho-email-{scope}", "maria@acme.example")
    page.fill(f"#ho-note-{scope}", "You know our channels.")
    page.click(f"button[name=handover][value={scope}]")
    expect(page.locator(".flash")).to_contain_text("Maria Marketing gets an e-mail")
    expect(page.locator("#sharing")).to_contain_text("0 of 4 questions answered")
    expect(page.locator(f"#field-{by_key['online'].id} .holder")).to_have_text(
        "With Maria Marketing"
    )
    shoot(page, "contact-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    shoot(page, "contact-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    db.session.expire_all()
    handover = db.session.scalars(select(Handover)).one()
    theirs = unseal(handover.token_sealed, app.config["SECRET_KEY"])
    colleague = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    try:
        colleague.goto(f"{live_server}/c/{theirs}")
        expect(colleague.locator(".q")).to_have_count(4)
        expect(colleague.locator("body")).not_to_contain_text("Service name")
        expect(colleague.locator("body")).not_to_contain_text("Whitening")
        expect(colleague.locator(".note")).to_have_text("You know our channels.")
        colleague.check(f"input[name='f-{by_key['online'].id}'][value=yes]")
        saved(colleague, by_key["online"])
        colleague.check(f"input[name='f-{by_key['channels'].id}'][value=Referrals]")
        saved(colleague, by_key["channels"])
        expect(colleague.locator("#progress-text")).to_have_text(
            "2 of your 3 required questions answered"
        )
        shoot(colleague, "colleague-1280")
        # A direct request for a field outside the scope is the plain 404.
        status = colleague.evaluate(
            """async ([url, csrf]) => (await fetch(url, {method: "POST",
                 headers: {"X-CSRFToken": csrf}, body: new URLSearchParams({x: "1"})})).status""",
            [
                f"/c/{theirs}/fields/{by_key['name'].id}",
                colleague.locator("meta[name=csrf-token]").get_attribute("content"),
            ],
        )
        assert status == 404
        colleague.click("button[value=done]")
        expect(colleague.locator(".flash")).to_contain_text("Thank you!")
        colleague.set_viewport_size({"width": 375, "height": 800})
        shoot(colleague, "colleague-375")
        assert colleague.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        colleague.context.close()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    expect(page.locator("#sharing")).to_contain_text("2 of 4 questions answered")
    db.session.expire_all()
    assert by_key["online"].answered_by == "Maria Marketing"
    assert brief.status != "submitted"


def test_two_tabs_end_in_the_conflict_view_with_both_texts(page, live_server):
    brief, token = make_brief()
    what = fields_by_key(brief)["what"]
    other = page.context.new_page()
    page.goto(f"{live_server}/c/{token}")
    other.goto(f"{live_server}/c/{token}")
    page.fill(f"#f-{what.id}", "Written in the first tab")
    saved(page, what)
    other.fill(f"#f-{what.id}", "Written in the second tab")
    expect(other.locator(f"#conflict-{what.id} .conflict")).to_be_visible()
    saved(other, what, "Not saved: this answer was changed meanwhile")
    expect(other.locator(f"#conflict-{what.id} [data-version=mine]")).to_have_text(
        "Written in the second tab"
    )
    expect(other.locator(f"#conflict-{what.id} [data-version=theirs]")).to_have_text(
        "Written in the first tab"
    )
    expect(other.locator(f"#f-{what.id}")).to_have_value(
        "Written in the second tab\n\nWritten in the first tab"
    )
    shoot(other, "conflict-1280")
    other.set_viewport_size({"width": 375, "height": 800})
    other.locator(f"#field-{what.id}").scroll_into_view_if_needed()
    other.screenshot(path=str(SHOTS / "collab-conflict-375.png"))
    assert other.evaluate("document.documentElement.scrollWidth") <= 375
    db.session.expire_all()
    assert what.value == "Written in the first tab"
    # Keep the merge: edit the box and it saves on top of the newer revision.
    other.fill(f"#f-{what.id}", "Both tabs, merged")
    saved(other, what)
    expect(other.locator(f"#conflict-{what.id} .conflict")).to_have_count(0)
    db.session.expire_all()
    assert what.value == "Both tabs, merged" and what.revision == 2


def test_typing_offline_is_kept_and_sent_after_reconnect_and_reload(page, live_server):
    brief, token = make_brief()
    by_key = fields_by_key(brief)
    name, what = by_key["name"], by_key["what"]
    page.goto(f"{live_server}/c/{token}")
    page.route("**/fields/**", lambda route: route.abort())
    page.fill(f"#f-{name.id}", "Typed while offline")
    saved(page, name, "Offline — will retry")
    page.unroute("**/fields/**")
    page.dispatch_event("body", "online")
    saved(page, name, "Saved")
    db.session.expire_all()
    assert name.value == "Typed while offline"

    # Offline again, and the tab is reloaded before anything reached the server.
    page.route("**/fields/**", lambda route: route.abort())
    page.fill(f"#f-{what.id}", "Survives a reload")
    saved(page, what, "Offline — will retry")
    page.reload()
    expect(page.locator(f"#f-{what.id}")).to_have_value("Survives a reload")
    page.unroute("**/fields/**")
    page.reload()
    saved(page, what, "Saved")
    db.session.expire_all()
    assert what.value == "Survives a reload"
    assert page.evaluate("localStorage.length") == 0


def test_files_reach_the_agency_and_the_zip(page, live_server, user, tmp_path):
    brief, token = make_full_brief()
    photos = fields_by_key(brief)["photos"]
    picture = tmp_path / "Front desk.png"
    picture.write_bytes(PNG)
    page.goto(f"{live_server}/c/{token}")
    page.set_input_files(f"#f-{photos.id}", str(picture))
    saved(page, photos, "File uploaded.")
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/briefs/{brief.id}")
    expect(page.locator(f"#field-{photos.id} .answer a")).to_have_text("Front desk.png")
    with page.expect_download() as info:
        page.click("text=Download everything (ZIP)")
    data = Path(info.value.path()).read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == [
        "brief.md",
        "02-choices/04-photos-of-the-clinic/01-front-desk.png",
    ]
    assert archive.read("02-choices/04-photos-of-the-clinic/01-front-desk.png") == PNG


def test_brief_page_collaboration_and_client_comments_screens(page, live_server, user):
    brief, token = make_full_brief(user=user)
    by_key = fields_by_key(brief)
    name = by_key["name"]
    add_comment(brief, name, "Full name?", side="agency", actor=Actor.user(user), now=NOW)
    prefill(brief, by_key["what"], "Two visits", user=user, now=NOW)
    db.session.commit()
    page.goto(f"{live_server}/c/{token}")
    expect(page.locator(f"#suggested-{by_key['what'].id}")).to_contain_text("please confirm")
    page.fill(f"#comment-{name.id}", "Whitening Pro, if that fits")
    page.click(f"button[name=comment][value='{name.id}']")
    expect(page.locator(f"#field-{name.id} .comment")).to_have_count(2)
    page.locator(f"#field-{name.id}").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "collab-comments-1280.png"))
    page.set_viewport_size({"width": 375, "height": 800})
    page.locator(f"#field-{name.id}").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "collab-comments-375.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/briefs/{brief.id}")
    expect(page.locator(f"#field-{name.id} .comment")).to_have_count(2)
    shoot(page, "brief-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    shoot(page, "brief-375")

"""In Chromium: add a client and a contact, create a brief, copy its link, mark it sent."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_template

pytestmark = pytest.mark.browser


def test_client_brief_copy_link_and_mark_sent(page, live_server, user):
    make_template("Service page")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)

    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server}/clients/new")
    page.get_by_label("Name").fill("Acme Dental")
    page.get_by_label("Time zone").select_option("Europe/Moscow")
    page.get_by_role("button", name="Add the client").click()
    expect(page.get_by_role("heading", name="Acme Dental")).to_be_visible()

    page.get_by_role("link", name="Add a contact").first.click()
    page.get_by_label("Name").fill("Ivan Contact")
    page.get_by_label("E-mail").fill("ivan@acme.example")
    page.get_by_role("button", name="Add the contact").click()
    expect(page.get_by_role("cell", name="ivan@acme.example")).to_be_visible()

    page.get_by_role("link", name="New brief").first.click()
    page.get_by_label("Title").fill("Teeth whitening page")
    page.get_by_label("Template").select_option(label="Service page")
    expect(page.get_by_label(re.compile("Ivan Contact"))).to_be_checked()
    page.get_by_label("Launch date").fill("2026-12-15")
    page.get_by_role("button", name="Create the brief").click()

    expect(page.get_by_role("heading", name="Teeth whitening page", level=1)).to_be_visible()
    link = page.get_by_label("Link to the client's form")
    expect(link).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/c/[\w-]{40,}$"))
    page.get_by_role("button", name="Copy", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == link.input_value()

    page.get_by_role("button", name="Mark as sent").click()
    expect(page.locator(".brief-status .badge")).to_have_text("Sent")
    expect(page.locator(".events")).to_contain_text(
        "Olga Owner sent the link to ivan@acme.example (5 questions)"
    )

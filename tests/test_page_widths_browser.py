"""In Chromium: the dashboard fits 1280 px, and the pages that show names and addresses fit
375 px, however long the names are."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from briefs import workflow
from briefs.accounts import create_user
from briefs.api_tokens import create_token
from briefs.extensions import db
from briefs.handovers import hand_over
from briefs.models import Client, Contact
from briefs.webhooks.endpoints import add_endpoint
from tests.factories import NOW, PASSWORD, make_brief, make_client

pytestmark = pytest.mark.browser

LONG_MAILBOX = "very.long.mailbox.name.{}@stomatologiya-ulybka-nikitskaya.example"
LONG_CLIENT = (
    "Общество с ограниченной ответственностью «Стоматологическая клиника доктора "
    "Константинопольского и партнёры»"
)
LONG_NAME = "Александра Константиновна Преображенская-Задунайская"
LONG_EMAIL = "aleksandra.konstantinovna.preobrazhenskaya@stomatologiya-ulybka-nikitskaya.example"


def _sign_in(page, live_server, user) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _beyond(page, selector: str, width: int) -> list[str]:
    """Return the texts of the elements matching `selector` that reach past `width` px."""
    return page.eval_on_selector_all(
        selector,
        "(els, w) => els.filter(e => e.getBoundingClientRect().right > w + 0.5)"
        ".map(e => e.textContent.trim())",
        width,
    )


def test_dashboard_fits_1280_and_names_each_recipient_once(page, live_server, user, frozen_clock):
    client = make_client(LONG_CLIENT)
    # Two contacts share one mailbox: the reminder goes to it once, and says so once.
    for i in (0, 1, 1):
        client.contacts.append(Contact(name=f"P{i}", email=LONG_MAILBOX.format(i), role="contact"))
    db.session.commit()
    brief, _token = make_brief(
        client=client,
        recipients=[c for c in client.contacts if c.role == "contact"],
        title="Комплексная профессиональная гигиена полости рта и отбеливание зубов",
        user=user,
        launch_date=date(2026, 11, 20),  # late: the row says by when the answers were needed
    )
    workflow.mark_sent(brief, workflow.Actor.user(user), NOW)
    db.session.commit()
    frozen_clock(NOW + timedelta(days=14))
    _sign_in(page, live_server, user)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server + "/")
    expect(page.locator(".dashboard-table .launch .badge")).to_have_count(1)
    expect(page.locator(".dashboard-table .launch .small")).to_have_count(1)
    reminder = page.locator(".dashboard-table .next-reminder").first
    expect(reminder).to_contain_text(LONG_MAILBOX.format(1))
    assert reminder.inner_text().count(LONG_MAILBOX.format(1)) == 1
    table = page.locator(".dashboard-table").bounding_box()
    assert table is not None and table["x"] + table["width"] <= 1280 - 16
    assert _overflow(page) <= 0


def test_team_page_fits_375(page, live_server, user):
    create_user(
        email="anna.very.long.address@pixel-agency.example",
        name="Anna Karenina-Vronskaya",
        password="x" * 12,
        now=NOW,
    )
    db.session.commit()
    _sign_in(page, live_server, user)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server + "/team")
    expect(page.get_by_text("anna.very.long.address@pixel-agency.example")).to_be_visible()
    assert _overflow(page) <= 0


def test_pages_with_long_names_and_addresses_fit_375(page, live_server, user):
    client = Client(name=LONG_CLIENT, timezone="Europe/Moscow", created_at=NOW)
    client.contacts.append(Contact(name=LONG_NAME, email=LONG_EMAIL, role="contact"))
    db.session.add(client)
    db.session.commit()
    brief, _token = make_brief(client=client, user=user)
    fields = [field for section in brief.sections for field in section.fields]
    hand_over(
        brief, fields[:1], name="Екатерина Великолепная-Длиннофамильная",
        email="ekaterina." + LONG_EMAIL, note="", actor=workflow.Actor.user(user), now=NOW,
        secret_key="test",
    )  # fmt: skip
    add_endpoint(
        "https://crm.stomatologiya-ulybka-nikitskaya.example/hooks/incoming/briefs",
        ["brief.submitted", "answer.reviewed"], NOW, secret_key="test",
    )  # fmt: skip
    create_token(user, f"Интеграция с CRM клиники {LONG_CLIENT}", "write", NOW)
    db.session.commit()
    _sign_in(page, live_server, user)
    page.set_viewport_size({"width": 375, "height": 800})
    for path in (
        "/account",  # the API tokens, as a table
        f"/clients/{client.id}",  # the contacts, as cards
        f"/briefs/{brief.id}",  # the recipients, the colleague's address, the invitation hint
        f"/briefs/{brief.id}/edit",  # the recipients to tick
        "/settings/webhooks",  # the addresses, as a table
    ):
        page.goto(live_server + path)
        assert _overflow(page) <= 0, path
        # Nothing is cut off either, inside a table that scrolls on its own.
        assert _beyond(page, "main td, main li, main dd, main p", 375) == [], path
        # The webhook events' checkboxes start where their fieldset's text does, not indented.
        if path == "/settings/webhooks":
            legend = page.locator("main fieldset legend").bounding_box()
            first = page.locator("main fieldset .checks input").first.bounding_box()
            assert abs(first["x"] - legend["x"]) < 12, (legend, first)
        # Nor squeezed until words break letter by letter: a button keeps its one line.
        for button in page.locator("main td .button").all():
            assert button.bounding_box()["height"] < 40, (path, button.inner_text())

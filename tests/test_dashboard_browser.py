"""The dashboard in a real browser: sign in, see the briefs, filter by client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from briefs.extensions import db
from briefs.models import BriefField
from briefs.workflow import Actor, mark_sent, save_answer
from tests.factories import NOW, PASSWORD, make_brief, make_client, make_template

AGENCY = Actor("system", "Tests")


@pytest.fixture
def briefs(app):
    """Two briefs for Acme (one waiting longer, partly answered) and one for Bolt."""
    template = make_template()
    acme, bolt = make_client("Acme Dental"), make_client("Bolt Garage")
    waiting, _ = make_brief(template, acme, title="Whitening", now=NOW - timedelta(days=12))
    recent, _ = make_brief(template, acme, title="Implants", now=NOW - timedelta(days=3))
    other, _ = make_brief(template, bolt, title="Tyres", now=NOW - timedelta(days=20))
    mark_sent(waiting, AGENCY, NOW - timedelta(days=10))
    mark_sent(recent, AGENCY, NOW - timedelta(days=2))
    field = db.session.scalar(
        select(BriefField).where(BriefField.brief_id == waiting.id, BriefField.key == "name")
    )
    save_answer(field, "Whitening", not_applicable=False, actor=Actor.client("Ivan"), now=NOW)
    db.session.commit()
    return {"acme": acme.id, "waiting": waiting.id, "recent": recent.id, "other": other.id}


@pytest.mark.browser
def test_sign_in_see_briefs_and_filter_by_client(page, live_server, user, briefs):
    page.goto(f"{live_server}/")
    page.fill("#email", "owner@agency.example")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")

    table_rows = page.locator("table.dashboard-table tbody tr")
    assert table_rows.count() == 3
    # The Bolt draft has waited on the agency since it was made, 20 days ago: first.
    assert table_rows.nth(0).get_attribute("data-brief-id") == str(briefs["other"])

    page.select_option("#filter-client", label="Acme Dental")
    page.get_by_role("button", name="Show").click()
    # The form sends its other filters empty: any side, any risk, anyone's briefs.
    page.wait_for_url(f"**/?client={briefs['acme']}&status=&move=&risk=*")

    assert table_rows.count() == 2
    ids = [table_rows.nth(i).get_attribute("data-brief-id") for i in range(2)]
    assert ids == [str(briefs["waiting"]), str(briefs["recent"])]
    first, second = table_rows.nth(0), table_rows.nth(1)
    assert first.locator(".progress-text [aria-hidden=true]").inner_text() == "1/4"
    assert second.locator(".progress-text [aria-hidden=true]").inner_text() == "0/4"
    assert "Client's move" in first.locator(".move").inner_text()
    assert page.locator("#filter-client").input_value() == str(briefs["acme"])
    assert page.get_by_text("2 open briefs").is_visible()

    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_url(f"{live_server}/")
    assert table_rows.count() == 3


@pytest.mark.browser
def test_show_keeps_a_client_chosen_by_link_among_many(page, live_server, user):
    template = make_template()
    names = [f"Client {n:02d}" for n in range(50)] + ["Zeta", "Zeta Dental"]
    clients = {name: make_client(name) for name in names}
    for name, client in clients.items():
        make_brief(template, client, title=f"Page for {name}", now=NOW - timedelta(days=3))
    db.session.commit()
    zeta = clients["Zeta"].id
    page.goto(f"{live_server}/login")
    page.fill("#email", "owner@agency.example")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")

    page.goto(f"{live_server}/?client={zeta}")
    assert page.locator("#filter-client").input_value() == "Zeta"
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(f"**/?client_name=Zeta&client={zeta}&*")
    table_rows = page.locator("table.dashboard-table tbody tr")
    assert table_rows.count() == 1
    assert "Page for Zeta" in page.locator("table.dashboard-table tbody").inner_text()

    page.fill("#filter-client", "zeta")
    page.get_by_role("button", name="Show").click()
    # Typed over, the name is searched: both clients whose name contains it.
    page.wait_for_url(f"**/?client_name=zeta&client={zeta}&*")
    assert table_rows.count() == 2
    assert page.locator("#filter-client").input_value() == "zeta"

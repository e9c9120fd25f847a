"""Clients and contacts: list, add, edit, remove, and the client page."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from briefs.extensions import db
from briefs.models import Brief, BriefField, BriefSection, Client, Contact
from tests.factories import NOW, make_brief, make_client, make_template


def test_every_page_refuses_anonymous_visitors(client, app):
    acme = make_client()
    contact = acme.contacts[0]
    urls = [
        "/clients/",
        "/clients/new",
        f"/clients/{acme.id}",
        f"/clients/{acme.id}/edit",
        f"/clients/{acme.id}/contacts/new",
        f"/clients/{acme.id}/contacts/{contact.id}/edit",
        f"/clients/{acme.id}/contacts/{contact.id}/remove",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.location, url
    response = client.post(f"/clients/{acme.id}/contacts/{contact.id}/remove")
    assert response.status_code == 302 and "/login" in response.location
    assert db.session.get(Contact, contact.id) is not None


def test_unknown_ids_get_404(auth_client):
    acme = make_client()
    other = make_client("Other Ltd")
    foreign = other.contacts[0].id
    for url in (
        "/clients/999",
        "/clients/999/edit",
        "/clients/999/contacts/new",
        f"/clients/{acme.id}/contacts/999/edit",
        f"/clients/{acme.id}/contacts/{foreign}/edit",
        f"/clients/{acme.id}/contacts/{foreign}/remove",
    ):
        assert auth_client.get(url).status_code == 404, url


def test_empty_list_invites_to_add_a_client(auth_client):
    body = auth_client.get("/clients/").get_data(as_text=True)
    assert "No clients yet" in body
    assert 'href="/clients/new"' in body


def test_list_shows_counts(auth_client, app):
    acme = make_client()
    make_client("Beta Bakery", timezone="Asia/Tokyo")
    template = make_template()
    make_brief(template, acme)
    closed, _ = make_brief(template, acme, title="Old page")
    closed.status = "closed"
    make_brief(template, acme, title="Another page")
    db.session.commit()
    body = auth_client.get("/clients/").get_data(as_text=True)
    assert body.index("Acme Dental") < body.index("Beta Bakery")
    assert "Asia/Tokyo" in body
    acme_row = body[body.index("Acme Dental") : body.index("Beta Bakery")]
    assert '<td data-label="Contacts">2</td>' in acme_row
    assert '<td data-label="Open briefs">2</td>' in acme_row


def test_list_queries_do_not_grow_with_clients(auth_client, count_queries):
    template = make_template()
    for i in range(2):
        make_brief(template, make_client(f"Client {i}"))
    with count_queries(fresh_session=True) as few:
        auth_client.get("/clients/")
    for i in range(2, 12):
        make_brief(template, make_client(f"Client {i}"))
    with count_queries(fresh_session=True) as many:
        auth_client.get("/clients/")
    assert 0 < len(few) == len(many)


def test_add_client(auth_client):
    response = auth_client.post(
        "/clients/new",
        data={"name": "  Acme Dental ", "timezone": "Europe/Berlin", "notes": "Pays on time"},
    )
    acme = db.session.scalar(select(Client))
    assert response.status_code == 302
    assert response.location.endswith(f"/clients/{acme.id}")
    assert (acme.name, acme.timezone, acme.notes) == (
        "Acme Dental",
        "Europe/Berlin",
        "Pays on time",
    )


def test_new_client_starts_in_the_agencys_time_zone(auth_client):
    # conftest puts the agency in Europe/Moscow; a new client is most likely there too.
    page = auth_client.get("/clients/new").get_data(as_text=True)
    assert '<option selected value="Europe/Moscow">' in page
    assert '<option selected value="UTC">' not in page


def test_add_client_errors_keep_typed_values(auth_client):
    response = auth_client.post(
        "/clients/new", data={"name": "", "timezone": "Mars/Olympus", "notes": "Keep <this>"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This field is required." in body
    assert "Choose a time zone from the list." in body
    assert "Keep &lt;this&gt;" in body
    assert db.session.scalar(select(Client)) is None


def test_edit_client(auth_client):
    acme = make_client()
    form = auth_client.get(f"/clients/{acme.id}/edit").get_data(as_text=True)
    assert 'value="Acme Dental"' in form
    assert '<option selected value="Europe/Moscow">' in form
    response = auth_client.post(
        f"/clients/{acme.id}/edit",
        data={"name": "Acme Dental Clinic", "timezone": "UTC", "notes": ""},
    )
    assert response.status_code == 302
    db.session.refresh(acme)
    assert (acme.name, acme.timezone) == ("Acme Dental Clinic", "UTC")


def test_client_page_lists_contacts_and_briefs_with_progress(auth_client):
    acme = make_client()
    brief, _ = make_brief(client=acme)
    fields = [f for s in brief.sections for f in s.fields]
    fields[0].value = "Whitening"
    db.session.commit()
    body = auth_client.get(f"/clients/{acme.id}").get_data(as_text=True)
    assert "ivan@acme.example" in body and "Decision-maker" in body
    assert f'href="/briefs/{brief.id}"' in body
    assert "Teeth whitening page" in body
    assert "1 of 4" in body
    assert f"/briefs/new?client_id={acme.id}" in body


def test_client_page_escapes_notes(auth_client):
    acme = make_client()
    acme.notes = "<script>alert(1)</script>\nsecond line"
    db.session.commit()
    body = auth_client.get(f"/clients/{acme.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\nsecond line" in body


def test_add_contact(auth_client):
    acme = make_client()
    response = auth_client.post(
        f"/clients/{acme.id}/contacts/new",
        data={"name": "Petr Boss", "email": "petr@acme.example", "role": "decision_maker"},
    )
    assert response.status_code == 302
    db.session.refresh(acme)
    added = acme.contacts[-1]
    assert (added.name, added.email, added.role) == (
        "Petr Boss",
        "petr@acme.example",
        "decision_maker",
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "Petr", "email": "not-an-email", "role": "contact"}, "Enter an e-mail address"),
        ({"name": "", "email": "petr@acme.example", "role": "contact"}, "This field is required."),
        ({"name": "Petr", "email": "petr@acme.example", "role": "boss"}, "Not a valid choice"),
    ],
)
def test_contact_errors_keep_typed_values(auth_client, data, error):
    acme = make_client()
    response = auth_client.post(f"/clients/{acme.id}/contacts/new", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error in body
    for value in (data["name"], data["email"]):
        if value:
            assert f'value="{value}"' in body
    db.session.refresh(acme)
    assert len(acme.contacts) == 2


def test_edit_contact(auth_client):
    acme = make_client()
    ivan = acme.contacts[0]
    response = auth_client.post(
        f"/clients/{acme.id}/contacts/{ivan.id}/edit",
        data={"name": "Ivan Petrov", "email": "ivan.p@acme.example", "role": "contact"},
    )
    assert response.status_code == 302
    db.session.refresh(ivan)
    assert (ivan.name, ivan.email) == ("Ivan Petrov", "ivan.p@acme.example")


def test_remove_contact_asks_first_then_removes_from_briefs(auth_client):
    acme = make_client()
    brief, _ = make_brief(client=acme)
    ivan = acme.contacts[0]
    assert [c.id for c in brief.recipients] == [ivan.id]
    page = auth_client.get(f"/clients/{acme.id}/contacts/{ivan.id}/remove")
    assert "will no longer receive" in page.get_data(as_text=True)
    assert db.session.get(Contact, ivan.id) is not None
    response = auth_client.post(f"/clients/{acme.id}/contacts/{ivan.id}/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contact, ivan.id) is None
    assert db.session.get(type(brief), brief.id).recipients == []


def test_created_at_is_set(auth_client, frozen_clock):
    auth_client.post("/clients/new", data={"name": "Acme", "timezone": "UTC"})
    assert db.session.scalar(select(Client)).created_at == NOW


def test_client_escalation_and_weekly_digest_switches(auth_client):
    client = make_client()
    assert client.escalation_enabled and not client.weekly_digest
    form = auth_client.get(f"/clients/{client.id}/edit").get_data(as_text=True)
    assert 'id="escalation_enabled" name="escalation_enabled" type="checkbox" value="y"' in form
    response = auth_client.post(
        f"/clients/{client.id}/edit",
        data={"name": client.name, "timezone": client.timezone, "weekly_digest": "y"},
    )
    assert response.status_code == 302
    db.session.refresh(client)
    assert client.weekly_digest and not client.escalation_enabled


def _bulk_briefs(clients: list[int], count: int, first_id: int) -> None:
    """Insert `count` briefs spread over `clients`, each with a section and two fields."""
    ids = range(first_id, first_id + count)
    rows = [
        {
            "id": i,
            "client_id": clients[i % len(clients)],
            "title": f"Page {i}",
            "status": "closed" if i % 4 == 0 else "sent",
            "created_at": NOW,
            "sent_at": NOW,
        }
        for i in ids
    ]
    db.session.execute(insert(Brief), rows)
    db.session.execute(insert(BriefSection), [{"id": i, "brief_id": i, "title": "S"} for i in ids])
    db.session.execute(
        insert(BriefField),
        [
            {"brief_id": i, "section_id": i, "key": key, "label": key.title(), "position": n}
            for i in ids
            for n, key in enumerate(("name", "price"))
        ],
    )
    db.session.commit()


@pytest.mark.parametrize("path", ["/clients/", "/clients/{first}", "/clients/{first}?page=3"])
def test_client_list_and_page_queries_do_not_grow_with_briefs(auth_client, count_queries, path):
    first = make_client("Acme Dental").id
    second = make_client("Beta Bakery").id
    for i in range(60):
        make_client(f"Client {i:02d}")
    _bulk_briefs([first, second], 100, first_id=1)
    url = path.format(first=first)
    with count_queries(fresh_session=True) as at_100:
        assert auth_client.get(url).status_code == 200
    _bulk_briefs([first, second], 900, first_id=101)
    with count_queries(fresh_session=True) as at_1000:
        response = auth_client.get(url)
    assert response.status_code == 200
    assert 0 < len(at_100) == len(at_1000)


def test_client_list_counts_by_page(auth_client):
    first = make_client("Aardvark Ltd").id  # sorts first, so it is on page 1
    for i in range(60):
        make_client(f"Client {i:02d}")
    _bulk_briefs([first], 10, first_id=1)  # 2 of the 10 closed (ids 4 and 8)
    page_one = auth_client.get("/clients/").get_data(as_text=True)
    row = page_one[page_one.index("Aardvark Ltd") : page_one.index("Client 00")]
    assert '<td data-label="Contacts">2</td>' in row
    assert '<td data-label="Open briefs">8</td>' in row
    assert "Page 1 of 2" in page_one and "Client 48" in page_one
    assert "Client 49" not in page_one and 'href="/clients/?page=2"' in page_one
    page_two = auth_client.get("/clients/?page=2").get_data(as_text=True)
    assert "Client 49" in page_two and "Client 59" in page_two and "Aardvark" not in page_two
    # Past the end shows the last page rather than an empty one.
    assert "Client 59" in auth_client.get("/clients/?page=9").get_data(as_text=True)


def test_client_page_lists_its_briefs_newest_first_a_page_at_a_time(auth_client):
    acme = make_client().id
    _bulk_briefs([acme], 120, first_id=1)
    body = auth_client.get(f"/clients/{acme}").get_data(as_text=True)
    assert "Page 1 of 3" in body
    assert ">Page 120<" in body and ">Page 71<" in body and ">Page 70<" not in body
    last = auth_client.get(f"/clients/{acme}?page=3").get_data(as_text=True)
    assert ">Page 20<" in last and ">Page 1<" in last and ">Page 21<" not in last

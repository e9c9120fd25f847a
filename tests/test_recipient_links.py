"""Each recipient's own link: what is done through it is credited to that person alone."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import pytest

from briefs.brief_editing import BriefDetails, edit_details
from briefs.extensions import db
from briefs.links import client_link
from briefs.mail import send_due
from briefs.models import Contact, Event, RecipientLink
from briefs.recipient_links import recipient_links
from briefs.workflow import Actor, mark_sent
from tests.factories import NOW, fields_by_key, make_brief, make_client, own_token


@pytest.fixture
def two_people(app):
    """A brief sent to Irina and Oleg; return it, the shared token and each one's own link."""
    client = make_client("Клиника «Жемчуг»")
    ivan = next(c for c in client.contacts if c.role == "contact")
    ivan.name, ivan.email = "Ирина Петрова", "irina@acme.example"
    client.contacts.append(Contact(name="Олег Сидоров", email="oleg@acme.example", role="contact"))
    db.session.commit()
    brief, shared = make_brief(client=client)
    mark_sent(brief, Actor("system", "Tests"), NOW)
    links = recipient_links([brief], now=NOW, secret_key="test")
    db.session.commit()
    irina, oleg = brief.recipients
    return (
        brief,
        shared,
        {
            contact.name: client_link(links[(brief.id, contact.id)].token_sealed).rsplit("/", 1)[1]
            for contact in (irina, oleg)
        },
    )


def _answer(client, token: str, field_id: int, value: str):
    return client.post(
        f"/c/{token}", data={"seen": [str(field_id)], f"f-{field_id}": value, "action": "save"}
    )


def _credited(brief) -> list[str]:
    events = db.session.scalars(
        db.select(Event)
        .where(Event.brief_id == brief.id, Event.kind == "answer_saved")
        .order_by(Event.id)
    )
    return [event.actor_label for event in events]


def test_it_credits_an_answer_to_the_recipient_whose_link_was_used(client, two_people):
    brief, _shared, own = two_people
    name = fields_by_key(brief)["name"]

    assert _answer(client, own["Ирина Петрова"], name.id, "Отбеливание").status_code == 302
    assert _credited(brief) == ["Ирина Петрова"]

    assert _answer(client, own["Олег Сидоров"], name.id, "Отбеливание зубов").status_code == 302
    assert _credited(brief) == ["Ирина Петрова", "Олег Сидоров"]


def test_it_keeps_the_shared_link_working_and_crediting_everyone(client, two_people):
    brief, shared, _own = two_people
    name = fields_by_key(brief)["name"]

    assert client.get(f"/c/{shared}").status_code == 200
    assert _answer(client, shared, name.id, "Отбеливание").status_code == 302
    assert _credited(brief) == ["Ирина Петрова, Олег Сидоров"]


def test_it_answers_404_for_a_removed_recipients_link(client, two_people):
    brief, _shared, own = two_people
    irina, _oleg = brief.recipients
    details = BriefDetails(
        title=brief.title,
        launch_date=brief.launch_date,
        work_days=brief.work_days,
        recipients=[irina],
        decision_maker=None,
        locale=brief.locale,
    )
    edit_details(brief, details, Actor("system", "Tests"), NOW)
    db.session.commit()

    assert client.get(f"/c/{own['Олег Сидоров']}").status_code == 404
    assert client.get(f"/c/{own['Ирина Петрова']}").status_code == 200
    assert db.session.scalar(db.select(db.func.count(RecipientLink.id))) == 1


def test_it_gives_a_recipient_added_later_a_link_on_the_brief_page(auth_client, two_people):
    brief, _shared, _own = two_people
    pavel = Contact(name="Павел Орлов", email="pavel@acme.example", role="contact")
    brief.client.contacts.append(pavel)
    db.session.flush()
    details = BriefDetails(
        title=brief.title,
        launch_date=brief.launch_date,
        work_days=brief.work_days,
        recipients=[*brief.recipients, pavel],
        decision_maker=None,
        locale=brief.locale,
    )
    edit_details(brief, details, Actor("system", "Tests"), NOW)
    db.session.commit()

    page = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)

    assert page.count('id="own-link-') == 3
    assert "/s/" in page  # the decision-maker's status link, to copy
    pavels = own_token(brief, "pavel@acme.example")
    assert f"/c/{pavels}" in page
    assert auth_client.get(f"/c/{pavels}").status_code == 200


def test_it_mails_each_recipient_a_reminder_with_their_own_link(two_people, smtp_server):
    brief, shared, own = two_people
    week_later = NOW + timedelta(days=7)

    send_due.run(week_later)

    reminders = {}
    for raw in smtp_server.raw:
        mail = message_from_bytes(raw, policy=policy.default)
        if "irina" in mail["To"] or "oleg" in mail["To"]:
            reminders[str(mail["To"])] = mail.get_body(("plain",)).get_content()
    assert sorted(reminders) == ["irina@acme.example", "oleg@acme.example"]
    assert f"/c/{own['Ирина Петрова']}" in reminders["irina@acme.example"]
    assert f"/c/{own['Олег Сидоров']}" in reminders["oleg@acme.example"]
    assert all(f"/c/{shared}" not in body for body in reminders.values())

"""Handing questions to a colleague: scope of their link, withdrawal, the agency's side."""

from __future__ import annotations

import html
import io
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from briefs.extensions import db
from briefs.handovers import hand_over
from briefs.models import Event, Handover, Message, Upload
from briefs.rules.handover_limits import DAILY_LIMIT
from briefs.workflow import Actor
from tests.factories import NOW, PNG, fields_by_key, make_full_brief

JSON = {"Accept": "application/json"}


pytestmark = pytest.mark.usefixtures("frozen_clock")


def _section_id(brief, title):
    return next(s.id for s in brief.sections if s.title == title)


def hand_choices_section(client, brief, token, **extra):
    """Hand the "Choices" section to Maria through the contact's form."""
    scope = f"s-{_section_id(brief, 'Choices')}"
    data = {
        "seen": [],
        "handover": scope,
        f"ho-name-{scope}": "Maria Marketing",
        f"ho-email-{scope}": "maria@acme.example",
        f"ho-note-{scope}": "You know our channels.",
        **extra,
    }
    return client.post(f"/c/{token}", data=data)


def colleague_token(app, brief) -> str:
    from briefs.rules.tokens import unseal

    handover = db.session.scalars(select(Handover).where(Handover.brief_id == brief.id)).one()
    return unseal(handover.token_sealed, app.config["SECRET_KEY"])


def test_contact_hands_a_section_over(app, client):
    brief, token = make_full_brief()
    response = hand_choices_section(client, brief, token)
    assert response.status_code == 302
    handover = db.session.scalars(select(Handover)).one()
    assert handover.field_keys == ["online", "format", "channels", "photos"]
    assert handover.created_by == "Ivan Contact"
    assert handover.token_hash != brief.token_hash
    event = db.session.scalars(select(Event).where(Event.kind == "handed_over")).one()
    assert event.actor_label == "Ivan Contact"
    assert event.data == {
        "to_name": "Maria Marketing",
        "to_email": "maria@acme.example",
        "fields": ["online", "format", "channels", "photos"],
        "note": "You know our channels.",
        "handover": handover.id,
    }
    message = db.session.scalars(select(Message).where(Message.kind == "handover")).one()
    assert message.to_addrs == ["maria@acme.example"]
    assert "You know our channels." in message.text_body
    assert "Where customers come from" in message.text_body
    assert "Service name" not in message.text_body
    assert f"/c/{colleague_token(app, brief)}" in message.text_body
    page = client.get(f"/c/{token}").get_data(as_text=True)
    assert "Maria Marketing" in page and "0 of 4 questions answered" in page


def test_handover_form_errors_keep_what_was_typed(client):
    brief, token = make_full_brief()
    scope = f"s-{_section_id(brief, 'Choices')}"
    response = client.post(
        f"/c/{token}",
        data={"handover": scope, f"ho-name-{scope}": "Maria", f"ho-email-{scope}": "not-mail"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "name@example.com" in html and 'value="Maria"' in html
    assert db.session.scalars(select(Handover)).first() is None


def test_colleague_sees_and_changes_only_their_fields(app, client):
    brief, token = make_full_brief()
    hand_choices_section(client, brief, token)
    theirs = colleague_token(app, brief)
    by_key = fields_by_key(brief)
    page = client.get(f"/c/{theirs}").get_data(as_text=True)
    assert "Where customers come from" in page
    for other in ("Service name", "What exactly is done", "Who receives leads", "About you"):
        assert other not in page
    assert "Colleagues helping" not in page and "Submit" not in page
    assert "Ivan Contact asked you" in page and "You know our channels." in page
    # Their own field saves, under their name.
    online = by_key["online"]
    response = client.post(f"/c/{theirs}/fields/{online.id}", data={f"f-{online.id}": "yes"})
    assert response.status_code == 200
    assert [m["label"] for m in response.json["missing"]] == ["Format", "Where customers come from"]
    db.session.refresh(online)
    assert online.answered_by == "Maria Marketing"


def test_every_endpoint_refuses_fields_outside_the_scope(app, client):
    brief, token = make_full_brief()
    by_key = fields_by_key(brief)
    name = by_key["name"]
    photos = by_key["photos"]
    # A file on a field the colleague does not hold, uploaded by the contact.
    client.post(
        f"/c/{token}/fields/{photos.id}/files",
        data={"files": (io.BytesIO(PNG), "a.png")},
        content_type="multipart/form-data",
    )
    upload = db.session.scalars(select(Upload)).one()
    hand_over(
        brief,
        [by_key["online"]],
        name="Maria",
        email="maria@acme.example",
        note="",
        actor=Actor.client("Ivan"),
        now=NOW,
        secret_key="test",
    )
    db.session.commit()
    theirs = colleague_token(app, brief)
    base = f"/c/{theirs}"
    refused = [
        client.post(f"{base}/fields/{name.id}", data={f"f-{name.id}": "x"}),
        client.post(f"{base}/fields/{name.id}/comments", data={"body": "hi"}),
        client.post(f"{base}/fields/{name.id}/confirm"),
        client.post(f"{base}/fields/{photos.id}/files", data={}),
        client.get(f"{base}/files/{upload.id}"),
        client.post(f"{base}/files/{upload.id}/remove"),
        client.post(base, data={"comment": str(name.id), f"comment-{name.id}": "hi"}),
        client.post(base, data={"confirm": str(name.id)}),
        client.post(base, data={"remove": str(upload.id)}),
        client.post(base, data={"handover": f"f-{by_key['online'].id}"}),
        client.post(base, data={"withdraw": "1"}),
    ]
    assert [r.status_code for r in refused] == [404] * len(refused)
    # The whole-form save ignores fields outside the scope.
    client.post(base, data={"seen": [str(name.id)], f"f-{name.id}": "sneaky"})
    db.session.refresh(name)
    assert name.value == ""
    # The colleague's submit only says they are done; the brief stays unsubmitted.
    response = client.post(base, data={"action": "submit"})
    assert response.status_code == 302
    db.session.refresh(brief)
    assert brief.status != "submitted"
    done = db.session.scalars(select(Event).where(Event.kind == "handover_done")).one()
    assert done.actor_label == "Maria" and done.data["total"] == 1


def test_withdrawn_link_is_the_plain_404(app, client):
    brief, token = make_full_brief()
    hand_choices_section(client, brief, token)
    theirs = colleague_token(app, brief)
    handover = db.session.scalars(select(Handover)).one()
    assert client.get(f"/c/{theirs}").status_code == 200
    response = client.post(f"/c/{token}", data={"withdraw": str(handover.id)})
    assert response.status_code == 302
    assert client.get(f"/c/{theirs}").status_code == 404
    event = db.session.scalars(select(Event).where(Event.kind == "handover_withdrawn")).one()
    assert event.data == {"to_name": "Maria Marketing", "handover": handover.id}
    assert client.get(f"/c/{token}").status_code == 200  # the contact's link still works


def test_agency_sees_who_has_what_and_assigns_and_withdraws(app, auth_client, user):
    brief, token = make_full_brief()
    hand_choices_section(auth_client, brief, token)
    online = fields_by_key(brief)["online"]
    auth_client.post(
        f"/c/{colleague_token(app, brief)}/fields/{online.id}", data={f"f-{online.id}": "no"}
    )
    page = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert "Who has what" in page and "Maria Marketing" in page
    assert "1 of 4 answered" in page
    director = next(c for c in brief.client.contacts if c.role == "decision_maker")
    about = _section_id(brief, "About you")
    response = auth_client.post(
        f"/briefs/{brief.id}/handovers",
        # Invisible control characters go, as from a client's hand-over (a NUL is refused
        # by PostgreSQL).
        data={"contact_id": director.id, "scope": [f"s-{about}"], "note": "Prices,\x00 please\x1b"},
    )
    assert response.status_code == 302
    assigned = db.session.scalars(select(Handover).where(Handover.contact_id == director.id)).one()
    assert assigned.note == "Prices, please"
    assert assigned.field_keys == ["name", "what", "price", "launch", "email", "site"]
    assert assigned.created_by == "Olga Owner" and assigned.created_by_user_id == user.id
    mail = next(
        m
        for m in db.session.scalars(select(Message).where(Message.kind == "handover"))
        if "daria@acme.example" in m.to_addrs
    )
    assert mail is not None and "Prices, please" in mail.text_body
    response = auth_client.post(f"/briefs/{brief.id}/handovers/{assigned.id}/withdraw")
    assert response.status_code == 302
    db.session.refresh(assigned)
    assert assigned.revoked_at is not None and assigned.revoked_by == "Olga Owner"


def test_assign_without_questions_is_refused_next_to_the_list(auth_client):
    brief, _token = make_full_brief()
    contact = brief.client.contacts[0]
    response = auth_client.post(f"/briefs/{brief.id}/handovers", data={"contact_id": contact.id})
    assert response.status_code == 422
    assert "Choose at least one question." in response.get_data(as_text=True)
    assert db.session.scalars(select(Handover)).all() == []


def _handover_mails() -> int:
    return db.session.scalar(select(func.count(Message.id)).where(Message.kind == "handover"))


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "already been handed over 10 times in the last 24 hours"),
        ("ru", "уже передавали 10 раз за последние сутки"),
    ],
)
def test_a_link_cannot_queue_more_than_the_daily_limit_of_mails(
    app, client, frozen_clock, locale, expected
):
    brief, token = make_full_brief(locale=locale)
    scope = f"s-{_section_id(brief, 'Choices')}"
    for n in range(DAILY_LIMIT):
        frozen_clock(NOW + timedelta(minutes=n))
        scope = f"s-{_section_id(brief, 'Choices')}"
        response = hand_choices_section(
            client, brief, token, **{f"ho-email-{scope}": f"p{n}@x.example"}
        )
        assert response.status_code == 302
    for n in range(5):
        scope = f"s-{_section_id(brief, 'Choices')}"
        response = hand_choices_section(
            client, brief, token, **{f"ho-email-{scope}": f"q{n}@x.example"}
        )
        assert response.status_code == 422
        page = html.unescape(response.get_data(as_text=True))
        assert expected in page
        assert f'value="q{n}@x.example"' in page  # what was typed is shown again
    assert _handover_mails() == DAILY_LIMIT
    assert db.session.scalar(select(func.count(Handover.id))) == DAILY_LIMIT
    # The agency sees the attempt once, not once per try.
    [refused] = db.session.scalars(select(Event).where(Event.kind == "handover_refused")).all()
    assert refused.data == {"to_email": "q0@x.example", "reason": "daily_limit", "limit": 10}
    # A day after the first hand-over, there is room for one more.
    frozen_clock(NOW + timedelta(hours=24, seconds=1))
    assert hand_choices_section(client, brief, token).status_code == 302
    assert _handover_mails() == DAILY_LIMIT + 1


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "maria@acme.example already got these questions less than an hour ago"),
        ("ru", "На адрес maria@acme.example эти вопросы уже отправлены меньше часа назад"),
    ],
)
def test_the_same_questions_to_the_same_address_go_once_an_hour(
    client, frozen_clock, locale, expected
):
    brief, token = make_full_brief(locale=locale)
    assert hand_choices_section(client, brief, token).status_code == 302
    repeated = hand_choices_section(client, brief, token)
    assert repeated.status_code == 422
    assert expected in html.unescape(repeated.get_data(as_text=True))
    assert _handover_mails() == 1
    frozen_clock(NOW + timedelta(minutes=61))
    assert hand_choices_section(client, brief, token).status_code == 302
    assert _handover_mails() == 2


def test_withdrawing_lets_the_contact_send_the_questions_again(client):
    brief, token = make_full_brief()
    hand_choices_section(client, brief, token)
    handover = db.session.scalars(select(Handover)).one()
    client.post(f"/c/{token}", data={"seen": [], "withdraw": str(handover.id)})
    assert hand_choices_section(client, brief, token).status_code == 302
    assert _handover_mails() == 2


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en", "keep the note under 500 characters"), ("ru", "сократите пояснение до 500 символов")],
)
def test_a_long_note_is_refused_and_kept(client, locale, expected):
    brief, token = make_full_brief(locale=locale)
    scope = f"s-{_section_id(brief, 'Choices')}"
    note = "Прайс у тебя. " * 40  # 560 characters
    response = hand_choices_section(client, brief, token, **{f"ho-note-{scope}": note})
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert expected in page and note.strip() in page
    assert 'maxlength="500"' in page
    assert _handover_mails() == 0


def test_the_agency_sees_the_refused_attempt_on_the_timeline(client, auth_client, frozen_clock):
    brief, token = make_full_brief()
    scope = f"s-{_section_id(brief, 'Choices')}"
    for n in range(DAILY_LIMIT + 1):
        hand_choices_section(client, brief, token, **{f"ho-email-{scope}": f"p{n}@x.example"})
    page = html.unescape(auth_client.get(f"/briefs/{brief.id}/timeline").get_data(as_text=True))
    assert "tried to hand questions over to p10@x.example and was refused" in page


def test_control_characters_are_taken_out_of_the_name_and_note(client):
    """They would break the colleague's e-mail, and PostgreSQL refuses a NUL outright."""
    brief, token = make_full_brief()
    scope = f"s-{_section_id(brief, 'Choices')}"
    response = hand_choices_section(
        client,
        brief,
        token,
        **{
            f"ho-name-{scope}": "Maria\x00\r\nMarketing\x1b",
            f"ho-note-{scope}": "You know\x00 our\r\nchannels.\x07",
        },
    )
    assert response.status_code == 302
    handover = db.session.scalars(select(Handover)).one()
    assert handover.name == "Maria Marketing"
    assert handover.note == "You know our\nchannels."


def test_hand_overs_posted_at_once_still_stop_at_the_daily_limit(live_server):
    """Each check counted the others' hand-overs before any was written: 30 posts at once
    sent 20 mails to addresses the link holder chose."""
    brief, token = make_full_brief()
    scope = f"f-{fields_by_key(brief)['name'].id}"
    url = f"{live_server}/c/{token}"
    opened = requests.get(url)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', opened.text).group(1)

    def hand_over(n: int) -> int:
        data = {
            "csrf_token": csrf,
            "handover": scope,
            f"ho-name-{scope}": f"Person {n}",
            f"ho-email-{scope}": f"p{n}@x.example",
        }
        response = requests.post(url, data=data, cookies=opened.cookies, allow_redirects=False)
        return response.status_code

    with ThreadPoolExecutor(max_workers=15) as pool:
        codes = list(pool.map(hand_over, range(30)))
    assert sorted(codes) == [302] * DAILY_LIMIT + [422] * (30 - DAILY_LIMIT)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Handover.id))) == DAILY_LIMIT
    assert _handover_mails() == DAILY_LIMIT

"""The agency's side of a brief: create it, share its link, review answers, download files."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from briefs import workflow
from briefs.accounts import agency_settings
from briefs.extensions import db
from briefs.handovers import hand_over
from briefs.models import Answer, Brief, BriefField, Event, Review, Template, Upload
from briefs.models.brief import ACCEPTED, CHANGES_REQUESTED
from briefs.rules.tokens import hash_token
from briefs.workflow import Actor
from tests.factories import (
    NOW,
    fields_by_key,
    make_brief,
    make_client,
    make_full_brief,
    make_template,
)


def _fields(brief: Brief) -> dict[str, BriefField]:
    return {f.key: f for s in brief.sections for f in s.fields}


def _events(brief: Brief) -> list[Event]:
    return db.session.scalars(
        select(Event).where(Event.brief_id == brief.id).order_by(Event.id)
    ).all()


def _answer(field: BriefField, value: str, *, when=NOW, who="Ivan Contact") -> None:
    workflow.save_answer(
        field, value, not_applicable=False, actor=workflow.Actor.client(who), now=when
    )


# Access -----------------------------------------------------------------------------------


def test_every_route_refuses_anonymous_visitors(client, app):
    brief, _ = make_brief()
    field = _fields(brief)["name"]
    gets = [
        "/briefs/new",
        f"/briefs/new?client_id={brief.client_id}",
        f"/briefs/{brief.id}",
        f"/briefs/{brief.id}/link/regenerate",
        f"/briefs/{brief.id}/files/1",
    ]
    posts = [
        "/briefs/new",
        f"/briefs/{brief.id}/sent",
        f"/briefs/{brief.id}/link/regenerate",
        f"/briefs/{brief.id}/close",
        f"/briefs/{brief.id}/reopen",
        f"/briefs/{brief.id}/fields/{field.id}/review",
    ]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location, url
    for url in posts:
        response = client.post(url, data={f"f{field.id}-verdict": ACCEPTED})
        assert response.status_code == 302 and "/login" in response.location, url
    assert [e.kind for e in _events(brief)] == ["brief_created"]


def test_unknown_ids_get_404(auth_client):
    brief, _ = make_brief()
    other, _ = make_brief(title="Other")
    foreign_field = _fields(other)["name"]
    for url in (
        "/briefs/999",
        "/briefs/new?client_id=999",
        "/briefs/999/link/regenerate",
        f"/briefs/{brief.id}/files/999",
    ):
        assert auth_client.get(url).status_code == 404, url
    for url in (
        "/briefs/999/sent",
        "/briefs/999/close",
        "/briefs/999/reopen",
        f"/briefs/{brief.id}/fields/999/review",
        f"/briefs/{brief.id}/fields/{foreign_field.id}/review",
    ):
        assert auth_client.post(url).status_code == 404, url


# New brief ---------------------------------------------------------------------------------


def test_new_brief_says_what_to_create_first(auth_client):
    body = auth_client.get("/briefs/new").get_data(as_text=True)
    assert 'href="/templates/"' in body and 'href="/clients/new"' in body
    acme = make_client()
    body = auth_client.get("/briefs/new").get_data(as_text=True)
    assert 'href="/templates/"' in body and 'href="/clients/new"' not in body
    body = auth_client.get(f"/briefs/new?client_id={acme.id}").get_data(as_text=True)
    assert "Create a template" in body and 'name="title"' not in body


def test_new_brief_asks_for_a_contact_when_the_client_has_none(auth_client):
    make_template()
    acme = make_client()
    for contact in list(acme.contacts):
        db.session.delete(contact)
    db.session.commit()
    body = auth_client.get(f"/briefs/new?client_id={acme.id}").get_data(as_text=True)
    assert f'href="/clients/{acme.id}/contacts/new"' in body
    assert 'name="title"' not in body


def test_new_brief_step_one_lists_clients(auth_client):
    make_template()
    acme = make_client()
    body = auth_client.get("/briefs/new").get_data(as_text=True)
    assert 'method="get"' in body
    assert f'<option value="{acme.id}">Acme Dental</option>' in body


def test_new_brief_step_two_lists_templates_and_contacts(auth_client):
    make_template("Service page")
    archived = make_template("Old one")
    archived.archived_at = NOW
    db.session.commit()
    acme = make_client()
    ivan, daria = acme.contacts
    body = auth_client.get(f"/briefs/new?client_id={acme.id}").get_data(as_text=True)
    assert "Service page" in body and "Old one" not in body
    # The contact is ticked, the decision-maker offered but not ticked.
    assert f'checked id="recipients-0" name="recipients" type="checkbox" value="{ivan.id}"' in body
    assert f'id="recipients-1" name="recipients" type="checkbox" value="{daria.id}"' in body
    assert 'checked id="recipients-1"' not in body
    assert 'value="5"' in body


def test_new_brief_preselects_the_template_in_the_agencys_language(auth_client):
    english = make_template("A service page", locale="en")
    russian = make_template("Страница услуги", locale="ru")
    acme = make_client()
    url = f"/briefs/new?client_id={acme.id}"
    body = auth_client.get(url).get_data(as_text=True)
    assert f'<option selected value="{english.id}">' in body
    agency_settings().default_locale = "ru"
    db.session.commit()
    body = auth_client.get(url).get_data(as_text=True)
    assert f'<option selected value="{russian.id}">' in body
    assert f'<option selected value="{english.id}">' not in body


def test_create_brief(auth_client, user, frozen_clock):
    template = make_template(locale="ru")
    acme = make_client()
    ivan, daria = acme.contacts
    response = auth_client.post(
        f"/briefs/new?client_id={acme.id}",
        data={
            "template_id": template.id,
            "title": " Whitening page ",
            "locale": "",
            "recipients": [ivan.id, daria.id],
            "launch_date": "2026-12-15",
            "work_days": "7",
        },
    )
    brief = db.session.scalar(select(Brief))
    assert response.status_code == 302
    assert response.location.endswith(f"/briefs/{brief.id}")
    assert brief.title == "Whitening page"
    assert brief.locale == "ru"  # the template's language
    assert brief.client_id == acme.id and brief.template_id == template.id
    assert [c.id for c in brief.recipients] == [ivan.id, daria.id]
    assert brief.launch_date == date(2026, 12, 15) and brief.work_days == 7
    assert brief.created_by_id == user.id and brief.created_at == NOW
    assert len(_fields(brief)) == 5
    (created,) = _events(brief)
    assert (created.kind, created.actor_label) == ("brief_created", "Olga Owner")


def test_create_brief_in_a_chosen_language_without_launch_date(auth_client):
    template = make_template(locale="ru")
    acme = make_client()
    auth_client.post(
        f"/briefs/new?client_id={acme.id}",
        data={
            "template_id": template.id,
            "title": "Page",
            "locale": "en",
            "recipients": [acme.contacts[0].id],
            "launch_date": "",
            "work_days": "0",
        },
    )
    brief = db.session.scalar(select(Brief))
    assert (brief.locale, brief.launch_date, brief.work_days) == ("en", None, 0)


def _new_brief_data(template: Template, contact_ids: list[int], **changes) -> dict:
    data = {
        "template_id": template.id,
        "title": "Typed title",
        "locale": "en",
        "recipients": contact_ids,
        "launch_date": "2026-12-15",
        "work_days": "5",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"title": ""}, "Give the brief a title."),
        ({"work_days": "366"}, "Enter a number of days from 0 to 365."),
        ({"work_days": "-1"}, "Enter a number of days from 0 to 365."),
        ({"work_days": "many"}, "Enter a number of days from 0 to 365."),
        ({"launch_date": "15.12.2026"}, "Not a valid date value."),
        ({"recipients": []}, "Choose at least one person."),
        ({"template_id": "999"}, "Choose a template from the list."),
        ({"locale": "de"}, "Not a valid choice."),
    ],
)
def test_new_brief_errors_keep_typed_values(auth_client, changes, error):
    template = make_template()
    acme = make_client()
    data = _new_brief_data(template, [acme.contacts[1].id], **changes)
    response = auth_client.post(f"/briefs/new?client_id={acme.id}", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error in body
    if data["title"]:
        assert 'value="Typed title"' in body
    if data["recipients"]:
        # The typed choice stays: the decision-maker is ticked, the contact is not.
        assert 'checked id="recipients-1"' in body
        assert 'checked id="recipients-0"' not in body
    assert db.session.scalar(select(Brief)) is None


def test_new_brief_refuses_another_clients_contacts(auth_client):
    template = make_template()
    acme = make_client()
    other = make_client("Other Ltd")
    response = auth_client.post(
        f"/briefs/new?client_id={acme.id}",
        data=_new_brief_data(template, [acme.contacts[0].id, other.contacts[0].id]),
    )
    assert response.status_code == 422
    assert "not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalar(select(Brief)) is None


def test_new_brief_refuses_an_archived_template(auth_client):
    template = make_template()
    template.archived_at = NOW
    db.session.commit()
    make_template("Current")
    acme = make_client()
    response = auth_client.post(
        f"/briefs/new?client_id={acme.id}", data=_new_brief_data(template, [acme.contacts[0].id])
    )
    assert response.status_code == 422
    assert db.session.scalar(select(Brief)) is None


# Brief page --------------------------------------------------------------------------------


def test_brief_page_shows_where_it_stands(auth_client):
    brief, token = make_brief()
    fields = _fields(brief)
    _answer(fields["name"], "Whitening")
    _answer(fields["channels"], "Search\nAds")
    db.session.commit()
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert "Teeth whitening page" in body and "Acme Dental" in body
    assert '<span class="badge ">Draft</span>' in body
    assert "2 of 4 answered" in body and "2 missing" in body
    assert "Agency&#39;s move" in body or "Agency's move" in body
    assert "English" in body and "Ivan Contact" in body
    # The link, in a labelled read-only input: the same BASE_URL link the e-mails carry.
    base_url = auth_client.application.config["BASE_URL"]
    assert f'value="{base_url}/c/{token}" readonly' in body
    assert '<label class="label" for="client-link-input">' in body
    # What is missing links to each field.
    missing = body[body.index("Still missing") : body.index('id="details-title"')]
    assert f'href="#field-{fields["what"].id}"' in missing
    assert f'href="#field-{fields["who"].id}"' in missing
    assert f'href="#field-{fields["name"].id}"' not in missing
    # Multiple choice as a list, links to the export.
    assert "<li>Search</li><li>Ads</li>" in body
    assert f'href="/briefs/{brief.id}/export.md"' in body
    assert f'href="/briefs/{brief.id}/preview"' in body


def test_brief_page_escapes_client_text_and_keeps_line_breaks(auth_client):
    brief, _ = make_brief()
    _answer(_fields(brief)["what"], "<b>bold</b>\n<script>alert(1)</script>\nline three")
    db.session.commit()
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in body and "<b>bold</b>" not in body
    assert '<div class="client-text">&lt;b&gt;bold&lt;/b&gt;\n&lt;script&gt;' in body


def test_brief_page_shows_not_applicable_and_history(auth_client):
    brief, _ = make_brief()
    field = _fields(brief)["what"]
    _answer(field, "First try", when=NOW)
    _answer(field, "Second try", when=NOW + timedelta(hours=1), who="Daria Director")
    workflow.save_answer(
        field,
        "",
        not_applicable=True,
        actor=workflow.Actor.client("Ivan Contact"),
        now=NOW + timedelta(hours=2),
    )
    db.session.commit()
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert "History: 3 revisions" in body
    history = body[body.index("History: 3 revisions") :]
    assert history.index("Revision 3") < history.index("Revision 2") < history.index("Revision 1")
    assert "First try" in history and "Second try" in history and "Daria Director" in history
    assert "Not applicable" in body


def test_brief_page_says_when_the_link_cannot_be_shown(auth_client):
    brief, token = make_brief()
    brief.token_sealed = "garbage"
    db.session.commit()
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert "The link cannot be shown" in body
    assert token not in body
    assert f'href="/briefs/{brief.id}/link/regenerate"' in body


def test_brief_page_lists_events_as_sentences(auth_client, user):
    brief, _ = make_brief(user=user)
    fields = _fields(brief)
    actor = workflow.Actor.user(user)
    workflow.mark_sent(brief, actor, NOW + timedelta(minutes=1))
    workflow.note_link_opened(brief, NOW + timedelta(minutes=2))
    client_actor = workflow.Actor.client("")
    _answer(fields["name"], "Whitening", when=NOW + timedelta(minutes=3))
    _answer(fields["price"], "100", when=NOW + timedelta(minutes=3))
    _answer(fields["what"], "Teeth", when=NOW + timedelta(minutes=3))
    workflow.record_answers_saved(
        brief,
        [fields["name"], fields["price"], fields["what"]],
        client_actor,
        NOW + timedelta(minutes=3),
    )
    workflow.review(
        fields["price"],
        CHANGES_REQUESTED,
        "Per hour, <please>",
        actor,
        NOW + timedelta(minutes=4),
    )
    workflow.review(fields["name"], ACCEPTED, "", actor, NOW + timedelta(minutes=5))
    workflow.submit(brief, client_actor, NOW + timedelta(minutes=6), missing=["who"])
    workflow.regenerate_link(brief, actor, NOW + timedelta(minutes=7), "test")
    workflow.close(brief, actor, NOW + timedelta(minutes=8))
    workflow.reopen(brief, actor, NOW + timedelta(minutes=9))
    db.session.commit()
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    events = body[body.index('class="events"') :]
    expected = [
        "Olga Owner created the brief from the template “Service page”",
        "Olga Owner sent the link to ivan@acme.example (5 questions)",
        "The client link was opened",
        "Client saved 3 answers: “Service name”, “Price”, “What exactly is done”",
        "Olga Owner asked for changes to “Price”: Per hour, &lt;please&gt;",
        "Olga Owner accepted the answer to “Service name”",
        "Client submitted the brief with 1 question still missing",
        "Olga Owner made a new client link; the previous one stopped working",
        "Olga Owner closed the brief",
        "Olga Owner reopened the brief",
    ]
    positions = [events.index(sentence) for sentence in expected]
    assert positions == sorted(positions)
    # Local time: 09:30 UTC is 12:30 in Moscow, the agency's zone.
    assert "12:31" in events


# Link: regenerate, mark as sent -------------------------------------------------------------


def test_regenerate_asks_first(auth_client):
    brief, token = make_brief()
    body = auth_client.get(f"/briefs/{brief.id}/link/regenerate").get_data(as_text=True)
    assert "stops working at once" in body
    db.session.refresh(brief)
    assert brief.token_hash == hash_token(token)


def test_regenerate_replaces_the_token(auth_client, frozen_clock):
    brief, token = make_brief()
    response = auth_client.post(f"/briefs/{brief.id}/link/regenerate")
    assert response.status_code == 302
    assert response.location.endswith(f"/briefs/{brief.id}#client-link")
    db.session.refresh(brief)
    assert brief.token_hash != hash_token(token)
    assert db.session.scalar(select(Brief).where(Brief.token_hash == hash_token(token))) is None
    assert _events(brief)[-1].kind == "link_regenerated"
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert token not in body
    assert "/c/" in body


def _two_colleagues(brief: Brief) -> list[str]:
    """Hand a question each to two colleagues; return their link tokens."""
    field = fields_by_key(brief)["name"]
    tokens = []
    for name in ("Maria", "Pavel"):
        _, token = hand_over(
            brief,
            [field],
            name=name,
            email=f"{name.lower()}@acme.example",
            note="",
            actor=Actor.client("Ivan"),
            now=NOW,
            secret_key="test",
        )
        tokens.append(token)
    db.session.commit()
    return tokens


def test_regenerate_offers_to_stop_colleagues_links_too(auth_client):
    brief, _ = make_brief()
    _two_colleagues(brief)
    body = auth_client.get(f"/briefs/{brief.id}/link/regenerate").get_data(as_text=True)
    assert "Maria, Pavel" in body
    assert re.search(r'<input[^>]*checked[^>]*name="withdraw_handovers"', body) or re.search(
        r'<input[^>]*name="withdraw_handovers"[^>]*checked', body
    )


def test_regenerate_stops_colleagues_links_when_ticked(auth_client, client, frozen_clock):
    brief, token = make_brief()
    theirs = _two_colleagues(brief)

    response = auth_client.post(
        f"/briefs/{brief.id}/link/regenerate", data={"withdraw_handovers": "y"}
    )

    assert response.status_code == 302
    assert [client.get(f"/c/{t}").status_code for t in [token, *theirs]] == [404, 404, 404]
    kinds = [e.kind for e in _events(brief)[-3:]]
    assert kinds == ["link_regenerated", "handover_withdrawn", "handover_withdrawn"]
    page = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert "Colleagues&#39; links stopped too: Maria, Pavel." in page


def test_regenerate_keeps_colleagues_links_when_cleared(auth_client, client, frozen_clock):
    brief, token = make_brief()
    theirs = _two_colleagues(brief)

    # A browser sends nothing for a cleared box, only the form's other fields.
    auth_client.post(f"/briefs/{brief.id}/link/regenerate", data={"csrf_token": "-"})

    assert [client.get(f"/c/{t}").status_code for t in [token, *theirs]] == [404, 200, 200]


def test_mark_sent(auth_client, user, frozen_clock):
    brief, _ = make_brief()
    response = auth_client.post(f"/briefs/{brief.id}/sent")
    assert response.status_code == 302
    db.session.refresh(brief)
    assert (brief.status, brief.sent_at) == ("sent", NOW)
    sent = _events(brief)[-1]
    assert (sent.kind, sent.actor_user_id) == ("brief_sent", user.id)
    assert sent.data["to"] == ["ivan@acme.example"] and sent.data["channel"] == "manual"
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert "Mark as sent again" in body
    assert '<span class="badge info">Sent</span>' in body


def test_mark_sent_on_a_closed_brief_is_refused(auth_client, frozen_clock):
    brief, _ = make_brief()
    auth_client.post(f"/briefs/{brief.id}/close", data={"confirmed": "1"})
    response = auth_client.post(f"/briefs/{brief.id}/sent", follow_redirects=True)
    assert "Reopen it before sending the link" in response.get_data(as_text=True)
    db.session.refresh(brief)
    assert brief.sent_at is None


def test_close_and_reopen(auth_client, frozen_clock):
    brief, _ = make_brief()
    auth_client.post(f"/briefs/{brief.id}/close", data={"confirmed": "1"})
    db.session.refresh(brief)
    assert (brief.status, brief.closed_at) == ("closed", NOW)
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert "Reopen the brief" in body and "Request changes" not in body
    auth_client.post(f"/briefs/{brief.id}/reopen")
    db.session.refresh(brief)
    assert (brief.status, brief.closed_at) == ("draft", None)
    assert [e.kind for e in _events(brief)][-2:] == ["brief_closed", "brief_reopened"]


# Reviews -------------------------------------------------------------------------------------


def test_accept_an_answer(auth_client, user, frozen_clock):
    brief, _ = make_brief()
    field = _fields(brief)["name"]
    _answer(field, "Whitening")
    db.session.commit()
    response = auth_client.post(
        f"/briefs/{brief.id}/fields/{field.id}/review", data={f"f{field.id}-verdict": ACCEPTED}
    )
    assert response.status_code == 302
    assert response.location.endswith(f"#field-{field.id}")
    db.session.refresh(field)
    assert field.review_verdict == ACCEPTED
    review = db.session.scalar(select(Review))
    assert (review.answer_number, review.user_id) == (1, user.id)
    assert _events(brief)[-1].kind == "review_given"
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert "Accepted by Olga Owner" in body


def test_accepting_an_unanswered_field_is_refused(auth_client):
    brief, _ = make_brief()
    field = _fields(brief)["name"]
    response = auth_client.post(
        f"/briefs/{brief.id}/fields/{field.id}/review",
        data={f"f{field.id}-verdict": ACCEPTED},
        follow_redirects=True,
    )
    assert "has no answer yet, so there is nothing to review" in response.get_data(as_text=True)
    response = auth_client.post(
        f"/briefs/{brief.id}/fields/{field.id}/review",
        data={f"f{field.id}-verdict": CHANGES_REQUESTED, f"f{field.id}-comment": "Hurry"},
    )
    assert db.session.scalar(select(Review)) is None


def test_accepting_a_cleared_answer_is_refused(auth_client):
    brief, _ = make_brief()
    field = _fields(brief)["name"]
    _answer(field, "Whitening")
    _answer(field, "")
    db.session.commit()
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    card = body[
        body.index(f'id="field-{field.id}"') : body.index(f'id="field-{_fields(brief)["what"].id}"')
    ]
    assert "Request changes" in card and ">Accept<" not in card
    response = auth_client.post(
        f"/briefs/{brief.id}/fields/{field.id}/review",
        data={f"f{field.id}-verdict": ACCEPTED},
        follow_redirects=True,
    )
    assert "so there is nothing to accept" in response.get_data(as_text=True)
    assert db.session.scalar(select(Review)) is None


def test_request_changes_makes_the_field_missing_again(auth_client, frozen_clock):
    brief, _ = make_brief()
    field = _fields(brief)["name"]
    _answer(field, "Whitening")
    brief.status = "submitted"
    db.session.commit()
    response = auth_client.post(
        f"/briefs/{brief.id}/fields/{field.id}/review",
        data={f"f{field.id}-verdict": CHANGES_REQUESTED, f"f{field.id}-comment": " Add <prices> "},
    )
    assert response.status_code == 302
    db.session.refresh(field)
    db.session.refresh(brief)
    assert (field.review_verdict, field.review_comment) == (CHANGES_REQUESTED, "Add <prices>")
    assert brief.status == "sent"
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    missing = body[body.index("Still missing") : body.index('id="details-title"')]
    assert f'href="#field-{field.id}"' in missing
    assert "Add &lt;prices&gt;" in body
    event = _events(brief)[-1]
    assert (event.kind, event.field_id, event.data["comment"]) == (
        "review_given",
        field.id,
        "Add <prices>",
    )


def test_request_changes_needs_a_comment(auth_client):
    brief, _ = make_brief()
    field = _fields(brief)["name"]
    _answer(field, "Whitening")
    db.session.commit()
    response = auth_client.post(
        f"/briefs/{brief.id}/fields/{field.id}/review",
        data={f"f{field.id}-verdict": CHANGES_REQUESTED, f"f{field.id}-comment": "   "},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Say what should change" in body
    assert f'id="f{field.id}-comment-error"' in body
    assert '<details class="request-changes" open>' in body
    assert db.session.scalar(select(Review)) is None


def test_a_forged_verdict_is_refused(auth_client):
    brief, _ = make_brief()
    field = _fields(brief)["name"]
    _answer(field, "Whitening")
    db.session.commit()
    response = auth_client.post(
        f"/briefs/{brief.id}/fields/{field.id}/review",
        data={f"f{field.id}-verdict": "approved-by-magic"},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Review)) is None


def test_review_on_a_closed_brief_is_refused(auth_client):
    brief, _ = make_brief()
    field = _fields(brief)["name"]
    _answer(field, "Whitening")
    brief.status = "closed"
    db.session.commit()
    auth_client.post(
        f"/briefs/{brief.id}/fields/{field.id}/review", data={f"f{field.id}-verdict": ACCEPTED}
    )
    assert db.session.scalar(select(Review)) is None


# Files ---------------------------------------------------------------------------------------


def _upload(app, brief: Brief, field: BriefField, name: str, content: bytes, ctype: str):
    upload = Upload(
        brief_id=brief.id,
        field_id=field.id,
        stored_name=f"stored-{name}",
        original_name=name,
        size=len(content),
        content_type=ctype,
        sha256="0" * 64,
        created_at=NOW,
    )
    db.session.add(upload)
    db.session.flush()
    folder = app.config["UPLOAD_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, upload.stored_name), "wb") as out:
        out.write(content)
    return upload


def _file_brief():
    template = make_template(
        sections=[("Proof", [{"key": "certs", "label": "Certificates", "type": "file"}])]
    )
    return make_brief(template)


@pytest.mark.parametrize(("locale", "size"), [("en", "(10 bytes)"), ("ru", "(10 байт)")])
def test_file_answers_link_to_their_downloads(auth_client, app, user, locale, size):
    user.locale = locale
    brief, _ = _file_brief()
    field = _fields(brief)["certs"]
    pdf = _upload(app, brief, field, "licence 2026.pdf", b"%PDF-1.4 x", "application/pdf")
    _answer(field, str(pdf.id))
    db.session.commit()
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert f'href="/briefs/{brief.id}/files/{pdf.id}">licence 2026.pdf</a>' in body
    # In the page's language (not Jinja's English "10 Bytes" on a Russian page).
    assert size in body


def test_download_sends_the_file_as_an_attachment(auth_client, app):
    brief, _ = _file_brief()
    field = _fields(brief)["certs"]
    pdf = _upload(app, brief, field, "licence.pdf", b"%PDF-1.4 x", "application/pdf")
    db.session.commit()
    response = auth_client.get(f"/briefs/{brief.id}/files/{pdf.id}")
    assert response.status_code == 200
    assert response.data == b"%PDF-1.4 x"
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "licence.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_images_may_open_inline(auth_client, app):
    brief, _ = _file_brief()
    field = _fields(brief)["certs"]
    png = _upload(app, brief, field, "photo.png", b"\x89PNG\r\n", "image/png")
    db.session.commit()
    response = auth_client.get(f"/briefs/{brief.id}/files/{png.id}")
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_download_of_another_briefs_file_or_a_lost_file_is_404(auth_client, app):
    brief, _ = _file_brief()
    other, _ = make_brief(title="Other")
    field = _fields(brief)["certs"]
    pdf = _upload(app, brief, field, "licence.pdf", b"%PDF", "application/pdf")
    gone = _upload(app, brief, field, "gone.pdf", b"%PDF", "application/pdf")
    db.session.commit()
    os.remove(os.path.join(app.config["UPLOAD_FOLDER"], gone.stored_name))
    assert auth_client.get(f"/briefs/{other.id}/files/{pdf.id}").status_code == 404
    assert auth_client.get(f"/briefs/{brief.id}/files/{gone.id}").status_code == 404


# Queries -------------------------------------------------------------------------------------


def _brief_with(n_fields: int, revisions: int, reviewer: workflow.Actor) -> Brief:
    template = make_template(
        name=f"T{n_fields}",
        sections=[
            ("One", [{"key": f"a{i}", "label": f"A {i}"} for i in range(n_fields // 2)]),
            ("Two", [{"key": f"b{i}", "label": f"B {i}"} for i in range(n_fields - n_fields // 2)]),
        ],
    )
    brief, _ = make_brief(template, make_client(f"Client {n_fields}"))
    fields = list(_fields(brief).values())
    actor = workflow.Actor.client("Ivan")
    for n in range(revisions):
        when = NOW + timedelta(minutes=n)
        for field in fields:
            _answer(field, f"answer {n}", when=when)
        workflow.record_answers_saved(brief, fields, actor, when)
    for field in fields[::2]:
        workflow.review(field, ACCEPTED, "", reviewer, NOW)
    db.session.commit()
    assert db.session.query(Answer).filter_by(brief_id=brief.id).count() == n_fields * revisions
    return brief


def test_brief_page_queries_do_not_grow_with_fields(auth_client, user, count_queries):
    small = _brief_with(3, 3, workflow.Actor.user(user))
    large = _brief_with(30, 4, workflow.Actor.user(user))
    small_url, large_url = f"/briefs/{small.id}", f"/briefs/{large.id}"
    assert "History: 4 revisions" in auth_client.get(large_url).get_data(as_text=True)
    with count_queries(fresh_session=True) as few:
        auth_client.get(small_url)
    with count_queries(fresh_session=True) as many:
        auth_client.get(large_url)
    assert 0 < len(few) == len(many)


def test_review_forms_carry_their_csrf_token(auth_client, app):
    brief, _ = make_brief()
    field = _fields(brief)["name"]
    _answer(field, "Whitening")
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    match = re.search(rf'name="f{field.id}-csrf_token" type="hidden" value="([^"]+)"', body)
    assert match, "the review form has no CSRF token"
    url = f"/briefs/{brief.id}/fields/{field.id}/review"
    assert auth_client.post(url, data={f"f{field.id}-verdict": ACCEPTED}).status_code == 400
    assert auth_client.post(f"/briefs/{brief.id}/sent").status_code == 400
    response = auth_client.post(
        url, data={f"f{field.id}-verdict": ACCEPTED, f"f{field.id}-csrf_token": match[1]}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Review)).verdict == ACCEPTED


def test_the_events_list_tells_a_message_in_one_line(auth_client, user):
    brief, _token = make_brief(user=user)
    for kind, minutes in (("message_queued", 0), ("message_sent", 2)):
        workflow.record(
            brief, kind, workflow.SYSTEM, NOW + timedelta(minutes=minutes),
            message=7, message_kind="invitation", to=["ivan@acme.example"], cc=[],
        )  # fmt: skip
    db.session.commit()
    html = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    # Moscow time, as on the timeline: 12:30 queued, 12:32 delivered.
    assert "— queued 12:30, delivered 12:32" in html
    assert "delivered to" not in html


def test_a_number_answer_shows_the_clients_text_and_the_number_read_from_it(auth_client):
    brief, _ = make_full_brief(locale="ru")
    _answer(fields_by_key(brief)["price"], "от 25 000 руб.")
    db.session.commit()
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    shown = '<div class="client-text">от 25 000 руб. <span class="muted">(25000)</span></div>'
    assert shown in body
    exported = auth_client.get(f"/briefs/{brief.id}/export.md").get_data(as_text=True)
    assert "от 25 000 руб. (25000)" in exported

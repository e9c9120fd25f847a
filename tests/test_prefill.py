"""Answers the agency suggests and the client confirms."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from briefs.extensions import db
from briefs.models import Answer
from tests.factories import fields_by_key, make_brief

pytestmark = pytest.mark.usefixtures("frozen_clock")


def test_prefill_then_confirm(auth_client, user):
    brief, token = make_brief(user=user)
    name = fields_by_key(brief)["name"]
    response = auth_client.post(
        f"/briefs/{brief.id}/fields/{name.id}/prefill", data={"value": "Whitening"}
    )
    assert response.status_code == 302
    db.session.refresh(name)
    assert name.value == "Whitening" and name.answer_user_id == user.id
    assert name.answered_by == "Olga Owner"
    page = auth_client.get(f"/c/{token}").get_data(as_text=True)
    assert "Suggested by Pixel &amp; Co — please confirm or change." in page
    response = auth_client.post(f"/c/{token}", data={"confirm": str(name.id)})
    assert response.status_code == 302
    db.session.refresh(name)
    assert name.answer_user_id is None and name.revision == 2
    assert name.answered_by == "Ivan Contact" and name.value == "Whitening"
    authors = db.session.scalars(
        select(Answer.author).where(Answer.field_id == name.id).order_by(Answer.number)
    ).all()
    assert authors == ["Olga Owner", "Ivan Contact"]
    assert "please confirm" not in auth_client.get(f"/c/{token}").get_data(as_text=True)
    # Confirming again changes nothing.
    auth_client.post(f"/c/{token}/fields/{name.id}/confirm")
    db.session.refresh(name)
    assert name.revision == 2


def test_a_client_change_replaces_the_suggestion(auth_client, user):
    brief, token = make_brief(user=user)
    name = fields_by_key(brief)["name"]
    auth_client.post(f"/briefs/{brief.id}/fields/{name.id}/prefill", data={"value": "Whitening"})
    auth_client.post(
        f"/c/{token}/fields/{name.id}", data={f"f-{name.id}": "Whitening Pro", f"base-{name.id}": 1}
    )
    db.session.refresh(name)
    assert name.answer_user_id is None and name.value == "Whitening Pro"


def test_a_bad_prefill_is_refused_next_to_the_field(auth_client, user):
    brief, _token = make_brief(user=user)
    price = fields_by_key(brief)["price"]
    response = auth_client.post(
        f"/briefs/{brief.id}/fields/{price.id}/prefill", data={"value": "cheap"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    # A number is one line: its prefill input is single-line, as on the client's form.
    assert f'id="prefill-{price.id}-error"' in html
    assert f'<input type="text" id="prefill-{price.id}" name="value" value="cheap"' in html
    db.session.refresh(price)
    assert price.revision == 0

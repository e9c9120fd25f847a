"""Destructive actions are asked first; without JavaScript on a page of their own."""

from __future__ import annotations

from briefs.extensions import db
from briefs.models import TemplateField, User
from tests.factories import make_brief, make_template


def test_closing_without_confirmation_asks_first(auth_client, frozen_clock):
    brief, _token = make_brief()
    response = auth_client.post(f"/briefs/{brief.id}/close")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Close the brief “Teeth whitening page”?" in body
    assert '<input type="hidden" name="confirmed" value="1">' in body
    assert f'action="/briefs/{brief.id}/close"' in body
    assert f'href="/briefs/{brief.id}">Cancel</a>' in body
    db.session.refresh(brief)
    assert brief.closed_at is None
    auth_client.post(f"/briefs/{brief.id}/close", data={"confirmed": "1"})
    db.session.refresh(brief)
    assert brief.closed_at is not None


def test_deactivating_a_teammate_asks_first(auth_client, user, frozen_clock):
    from briefs.accounts import create_user
    from tests.factories import NOW

    mate = create_user(email="anna@pixel.example", name="Anna", password="x" * 12, now=NOW)
    db.session.commit()
    body = auth_client.post(f"/team/{mate.id}/active").get_data(as_text=True)
    assert "Deactivate Anna?" in body
    assert db.session.get(User, mate.id).active
    auth_client.post(f"/team/{mate.id}/active", data={"confirmed": "1"})
    db.session.refresh(mate)
    assert not mate.active
    # Reactivating harms nothing, so it is not asked.
    auth_client.post(f"/team/{mate.id}/active")
    db.session.refresh(mate)
    assert mate.active


def test_deleting_a_question_asks_first(auth_client):
    template = make_template()
    field = template.sections[0].fields[0]
    url = f"/templates/{template.id}/fields/{field.id}/delete"
    body = auth_client.post(url).get_data(as_text=True)
    assert f"Delete the question “{field.label}”?" in body
    assert db.session.get(TemplateField, field.id) is not None
    auth_client.post(url, data={"confirmed": "1"})
    assert db.session.get(TemplateField, field.id) is None


def test_pages_that_ask_carry_the_dialog(auth_client):
    body = auth_client.get("/team").get_data(as_text=True)
    assert '<dialog id="confirm-dialog"' in body and "js/confirm.js" in body
    assert 'data-confirm="Deactivate' not in body  # only the owner alone: nobody to deactivate

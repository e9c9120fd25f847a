"""A closed brief is read-only: one property says so, one exception refuses every change."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from briefs import errors, workflow
from briefs.comments import add_comment, resolve
from briefs.extensions import db
from briefs.handovers import hand_over
from briefs.models import Answer, Brief, BriefField, Comment, Event, Handover, Message, Review
from briefs.models.brief import ACCEPTED
from briefs.rules.whose_move import AGENCY
from briefs.uploads import store_upload
from briefs.workflow import Actor, BriefClosed
from tests.factories import NOW, make_brief

SOMEONE = Actor("system", "Tests")


def _fields(brief: Brief) -> dict[str, BriefField]:
    return {f.key: f for s in brief.sections for f in s.fields}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def closed(app):
    """A brief with one answer, then closed; returns (brief, token)."""
    brief, token = make_brief()
    workflow.save_answer(
        _fields(brief)["name"], "Whitening", not_applicable=False, actor=SOMEONE, now=NOW
    )
    workflow.close(brief, SOMEONE, NOW)
    db.session.commit()
    return brief, token


def test_it_is_closed_in_python_and_in_a_query(closed):
    brief, _token = closed
    assert brief.is_closed
    assert db.session.scalar(select(func.count(Brief.id)).where(~Brief.is_closed)) == 0
    workflow.reopen(brief, SOMEONE, NOW)
    assert not brief.is_closed
    assert db.session.scalar(select(func.count(Brief.id)).where(~Brief.is_closed)) == 1


def test_every_change_to_a_closed_brief_raises_brief_closed(closed):
    brief, _token = closed
    field = _fields(brief)["name"]
    changes = {
        "send": lambda: workflow.mark_sent(brief, SOMEONE, NOW),
        "answer": lambda: workflow.save_answer(
            field, "Other", not_applicable=False, actor=SOMEONE, now=NOW
        ),
        "review": lambda: workflow.review(field, ACCEPTED, "", SOMEONE, NOW),
        "assign": lambda: hand_over(
            brief,
            [field],
            name="Kim",
            email="kim@acme.example",
            note="",
            actor=SOMEONE,
            now=NOW,
            secret_key="test",
        ),
        "comment": lambda: add_comment(brief, field, "Hi", side=AGENCY, actor=SOMEONE, now=NOW),
        "upload": lambda: store_upload(
            field, io.BytesIO(b"%PDF-1.4"), "a.pdf", actor=SOMEONE, now=NOW
        ),
    }
    for change, attempt in changes.items():
        with pytest.raises(BriefClosed) as refused:
            attempt()
        assert (refused.value.brief_id, refused.value.change) == (brief.id, change)
    with pytest.raises(BriefClosed):
        workflow.submit(brief, SOMEONE, NOW, missing=[])
    with pytest.raises(BriefClosed):
        resolve(brief, field, actor=SOMEONE, now=NOW)
    db.session.rollback()
    assert field.value == "Whitening"
    assert [_count(m) for m in (Review, Handover, Comment)] == [0, 0, 0]


def test_closing_twice_and_reopening_an_open_brief_change_nothing(closed):
    brief, _token = closed
    events = _count(Event)
    assert workflow.close(brief, SOMEONE, NOW) is False
    workflow.reopen(brief, SOMEONE, NOW)
    assert workflow.reopen(brief, SOMEONE, NOW) is False
    assert _count(Event) == events + 1


def test_review_view_flashes_and_goes_back_to_the_brief(closed, auth_client):
    brief, _token = closed
    field = _fields(brief)["name"]
    url = f"/briefs/{brief.id}/fields/{field.id}/review"
    response = auth_client.post(url, data={f"f{field.id}-verdict": ACCEPTED})
    assert response.status_code == 302
    assert response.location.endswith(f"/briefs/{brief.id}")
    page = auth_client.get(response.location).get_data(as_text=True)
    assert "The brief is closed. Reopen it to review answers." in page
    assert _count(Review) == 0


def test_assign_view_flashes_and_hands_nothing_over(closed, auth_client):
    brief, _token = closed
    field = _fields(brief)["name"]
    contact = brief.client.contacts[0]
    response = auth_client.post(
        f"/briefs/{brief.id}/handovers",
        data={"contact_id": contact.id, "scope": [f"f-{field.id}"]},
        follow_redirects=True,
    )
    assert "The brief is closed. Reopen it to assign questions." in response.get_data(as_text=True)
    assert [_count(m) for m in (Handover, Message)] == [0, 0]


def test_send_view_leaves_no_invitation_in_the_outbox(closed, auth_client):
    brief, _token = closed
    response = auth_client.post(f"/briefs/{brief.id}/send", follow_redirects=True)
    assert "Reopen it before sending the link" in response.get_data(as_text=True)
    assert _count(Message) == 0
    assert db.session.get(Brief, brief.id).sent_at is None


def test_comment_and_prefill_views_say_the_brief_is_closed(closed, auth_client):
    brief, _token = closed
    field = _fields(brief)["name"]
    for action, data in (("comments", {"body": "Why?"}), ("prefill", {"value": "Polish"})):
        response = auth_client.post(
            f"/briefs/{brief.id}/fields/{field.id}/{action}", data=data, follow_redirects=True
        )
        assert "The brief is closed. Reopen it to change it." in response.get_data(as_text=True)
    assert _count(Comment) == 0
    assert [a.value for a in db.session.scalars(select(Answer))] == ["Whitening"]


def test_a_script_gets_a_409(closed, auth_client):
    brief, _token = closed
    response = auth_client.post(f"/briefs/{brief.id}/sent", headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert response.get_json() == {"error": "closed", "status": 409}


def test_a_client_link_gets_the_plain_404(closed, app):
    brief, token = closed
    with app.test_request_context(f"/c/{token}", method="POST"):
        response, status = errors.handle_brief_closed(BriefClosed(brief.id, "answer"))
    assert status == 404
    assert "Whitening" not in response and "Teeth whitening" not in response


def test_the_closed_page_offers_no_changes(closed, auth_client):
    brief, _token = closed
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert "Reopen the brief" in body
    for offer in ("Request changes", ">Mark as sent<", "Send by e-mail", "Add comment"):
        assert offer not in body, offer
    assert "Suggest an answer" not in body and "Assign questions" not in body

"""Comment threads on both sides, and their batched e-mail through the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from briefs.extensions import db
from briefs.mail import send_due
from briefs.models import Comment, Contact, Event, Message
from tests.factories import NOW, fields_by_key, make_brief, make_client, own_token


def test_threads_on_both_sides_and_one_mail_per_side(
    app, auth_client, user, smtp_server, frozen_clock
):
    brief, token = make_brief(user=user)
    by_key = fields_by_key(brief)
    name, what = by_key["name"], by_key["what"]
    # A burst from the agency on two fields, then one from the client.
    auth_client.post(f"/briefs/{brief.id}/fields/{name.id}/comments", data={"body": "Full name?"})
    frozen_clock(NOW + timedelta(minutes=1))
    auth_client.post(f"/briefs/{brief.id}/fields/{what.id}/comments", data={"body": "<b>More</b>"})
    frozen_clock(NOW + timedelta(minutes=2))
    response = auth_client.post(
        f"/c/{token}", data={"comment": str(name.id), f"comment-{name.id}": "Whitening Pro"}
    )
    assert response.status_code == 302
    client_page = auth_client.get(f"/c/{token}").get_data(as_text=True)
    assert "&lt;b&gt;More&lt;/b&gt;" in client_page and "<b>More</b>" not in client_page
    assert client_page.index("Full name?") < client_page.index("Whitening Pro")
    agency_page = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert "Whitening Pro" in agency_page and "2 comments" in agency_page
    kinds = [
        e.data["side"]
        for e in db.session.scalars(
            select(Event).where(Event.kind == "comment_added").order_by(Event.id)
        )
    ]
    assert kinds == ["agency", "agency", "client"]

    # Too early: the latest comment of each side is not yet 5 minutes old.
    report = send_due.run(NOW + timedelta(minutes=4))
    assert [m.kind for m in report.queued] == []
    # A dry run later changes nothing.
    send_due.run(NOW + timedelta(minutes=10), dry_run=True)
    assert db.session.scalars(select(Comment).where(Comment.notified_at.is_not(None))).all() == []

    report = send_due.run(NOW + timedelta(minutes=10))
    digests = [m for m in report.queued if m.kind == "comment_digest"]
    assert len(digests) == 2
    to_client = next(m for m in digests if m.to_addrs == ["ivan@acme.example"])
    assert "Full name?" in to_client.text_body and "<b>More</b>" in to_client.text_body
    assert "&lt;b&gt;More&lt;/b&gt;" in to_client.html_body
    # The link goes in the mail; the stored copy keeps it only until the mail is delivered.
    [wire] = [m for rcpt, m in smtp_server.messages if rcpt == ["ivan@acme.example"]]
    wire_text = wire.get_body(("plain",)).get_content()
    assert f"/c/{own_token(brief, 'ivan@acme.example')}" in wire_text
    assert f"/c/{token}" not in wire_text
    assert "/c/•••" in to_client.text_body
    to_agency = next(m for m in digests if m.to_addrs == ["owner@agency.example"])
    assert "Whitening Pro" in to_agency.text_body and "Full name?" not in to_agency.text_body
    delivered = {tuple(rcpt) for rcpt, _mail in smtp_server.messages}
    assert ("ivan@acme.example",) in delivered and ("owner@agency.example",) in delivered
    # Told once: the next run sends nothing more.
    again = send_due.run(NOW + timedelta(minutes=20))
    assert [m for m in again.queued if m.kind == "comment_digest"] == []
    assert db.session.scalar(select(Message.id).where(Message.kind == "comment_digest")) is not None


def test_resolved_thread_reopens_with_a_new_comment(auth_client, user, frozen_clock):
    brief, token = make_brief(user=user)
    name = fields_by_key(brief)["name"]
    auth_client.post(f"/briefs/{brief.id}/fields/{name.id}/comments", data={"body": "Which?"})
    auth_client.post(f"/c/{token}", data={"resolve": str(name.id)})
    db.session.refresh(name)
    assert name.comments_resolved_at == NOW
    assert db.session.scalars(select(Event).where(Event.kind == "comments_resolved")).one()
    auth_client.post(f"/c/{token}/fields/{name.id}/comments", data={"body": "One more"})
    db.session.refresh(name)
    assert name.comments_resolved_at is None


def test_an_empty_agency_comment_is_refused_next_to_the_field(auth_client, user):
    brief, _token = make_brief(user=user)
    name = fields_by_key(brief)["name"]
    response = auth_client.post(f"/briefs/{brief.id}/fields/{name.id}/comments", data={"body": " "})
    assert response.status_code == 422
    assert f'id="comment-{name.id}-error"' in response.get_data(as_text=True)
    assert db.session.scalars(select(Comment)).first() is None


def test_each_recipient_is_told_of_agency_comments_with_their_own_link(
    app, client, auth_client, user, smtp_server, frozen_clock
):
    acme = make_client()
    acme.contacts.append(Contact(name="Oleg Colleague", email="oleg@acme.example", role="contact"))
    db.session.commit()
    brief, token = make_brief(client=acme, user=user)
    name = fields_by_key(brief)["name"]
    auth_client.post(f"/briefs/{brief.id}/fields/{name.id}/comments", data={"body": "Full name?"})

    send_due.run(NOW + timedelta(minutes=10))
    received = {tuple(rcpt): mail for rcpt, mail in smtp_server.messages}
    assert set(received) == {("ivan@acme.example",), ("oleg@acme.example",)}
    for address in ("ivan@acme.example", "oleg@acme.example"):
        mail = received[(address,)]
        assert mail["To"] == address
        text = mail.get_body(("plain",)).get_content()
        html = mail.get_body(("html",)).get_content()
        own = f"http://127.0.0.1:5000/c/{own_token(brief, address)}"
        assert own in text and f'href="{own}"' in html and "Full name?" in text
        assert f"/c/{token}" not in text + html
        assert client.get(own.removeprefix("http://127.0.0.1:5000")).status_code == 200
    keys = db.session.scalars(
        select(Message.dedupe_key).where(Message.kind == "comment_digest")
    ).all()
    assert len(set(keys)) == 2


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        ("en", "12 more comments are not shown here: open the brief to read them all."),
        ("ru", "Ещё 12 комментариев здесь не показаны: откройте бриф, чтобы прочитать их все."),
    ],
)
def test_a_flood_of_comments_is_one_mail_of_bounded_size(
    app, user, client, smtp_server, frozen_clock, locale, said
):
    """A link holder can comment for hours without a pause: the mail must stay readable."""
    from briefs.mail.comment_mail import MAX_LISTED

    user.locale = locale
    brief, token = make_brief(user=user)
    name = fields_by_key(brief)["name"]
    for i in range(MAX_LISTED + 12):
        frozen_clock(NOW + timedelta(minutes=i))
        body = f"Comment number {i} " + "x" * 4900
        response = client.post(f"/c/{token}/fields/{name.id}/comments", data={"body": body})
        assert response.status_code == 302
    later = NOW + timedelta(minutes=MAX_LISTED + 30)
    [digest] = [m for m in send_due.run(later).queued if m.kind == "comment_digest"]
    text = digest.text_body
    assert f"Comment number {MAX_LISTED - 1} " in text
    assert f"Comment number {MAX_LISTED} " not in text
    assert said in text and said in digest.html_body
    assert len(text) < MAX_LISTED * 5200
    assert db.session.scalars(select(Comment).where(Comment.notified_at.is_(None))).all() == []
    # As it arrives: one mail, whose plain part says so too once parsed back off the wire.
    [(_rcpt, wire)] = [(r, m) for r, m in smtp_server.messages if r == list(digest.to_addrs)]
    assert said in wire.get_body(preferencelist=("plain",)).get_content()

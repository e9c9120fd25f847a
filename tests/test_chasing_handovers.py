"""Reminders for handed-over questions go to the colleague, with the contact in copy."""

from datetime import UTC, datetime

from briefs.extensions import db
from briefs.mail import send_due
from briefs.models import Handover
from briefs.rules.tokens import new_token, seal
from briefs.workflow import SYSTEM, mark_sent
from tests.factories import make_brief

MONDAY = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)
THURSDAY = datetime(2026, 11, 5, 6, 5, tzinfo=UTC)


def hand_over(brief, keys, *, revoked=False) -> tuple[Handover, str]:
    token, token_hash = new_token()
    handover = Handover(
        brief_id=brief.id,
        token_hash=token_hash,
        token_sealed=seal(token, "test"),
        name="Petr Prices",
        email="petr@acme.example",
        field_keys=keys,
        created_by="Ivan Contact",
        created_at=MONDAY,
        revoked_at=MONDAY if revoked else None,
    )
    db.session.add(handover)
    db.session.commit()
    return handover, token


def test_colleague_is_reminded_of_their_questions_only(app, smtp_server):
    brief, _token = make_brief(now=MONDAY)
    mark_sent(brief, SYSTEM, MONDAY)
    _handover, colleague_token = hand_over(brief, ["who", "channels"])
    report = send_due.run(THURSDAY)
    assert report.delivered == 2
    mails = {mail["To"]: mail for _rcpt, mail in smtp_server.messages}
    contact = mails["ivan@acme.example"].get_body(("plain",)).get_content()
    assert "Service name" in contact and "What exactly is done" in contact
    assert "Who it is for" not in contact and "Where customers come from" not in contact
    colleague_mail = mails["petr@acme.example"]
    assert colleague_mail["Cc"] == "ivan@acme.example"
    colleague = colleague_mail.get_body(("plain",)).get_content()
    assert "Who it is for" in colleague and "Where customers come from" in colleague
    assert "Service name" not in colleague
    assert f"/c/{colleague_token}" in colleague
    # One round, two mails: the next round is still the 2nd reminder, three days later.
    assert send_due.run(THURSDAY.replace(day=9)).queued == []
    second = send_due.run(THURSDAY.replace(day=10)).queued
    assert sorted(m.data["number"] for m in second if m.kind == "reminder") == [2, 2]


def test_a_withdrawn_handover_sends_its_questions_back_to_the_contact(app, smtp_server):
    brief, _token = make_brief(now=MONDAY)
    mark_sent(brief, SYSTEM, MONDAY)
    hand_over(brief, ["who"], revoked=True)
    send_due.run(THURSDAY)
    [(rcpt, mail)] = smtp_server.messages
    assert rcpt == ["ivan@acme.example"]
    assert "Who it is for" in mail.get_body(("plain",)).get_content()

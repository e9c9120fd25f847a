"""One mail per contact per run: invitations and reminders about several briefs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from briefs.accounts import agency_settings
from briefs.extensions import db
from briefs.mail import send_due
from briefs.mail.chasing import invitation
from briefs.mail.outbox import queue
from briefs.models import Brief, Event, Message
from briefs.workflow import Actor, mark_sent
from tests.factories import make_brief, make_client, make_template, own_token

SENT = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # Monday 10:00 in Moscow
IVAN = "ivan@acme.example"
TITLES = ["Teeth whitening page", "Braces page", "Implants page"]
LINK = re.compile(r"http://\S+/c/(\S+)")


def three_briefs_sent(user) -> list[Brief]:
    """Send Ivan three briefs the same morning, each queuing its own invitation."""
    client = make_client()
    template = make_template()
    briefs = []
    for title in TITLES:
        brief, _token = make_brief(template, client, title=title, user=user, now=SENT)
        for draft in invitation(brief, agency_settings(), SENT):
            queue(draft, SENT)
        mark_sent(brief, Actor.user(user), SENT)
        briefs.append(brief)
    db.session.commit()
    return briefs


def mails_to(mailbox, address: str) -> list:
    return [mail for rcpt, mail in mailbox.messages if address in rcpt]


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_it_sends_one_invitation_listing_every_brief(app, client, user, smtp_server):
    briefs = three_briefs_sent(user)
    report = send_due.run(SENT)

    [mail] = mails_to(smtp_server, IVAN)
    assert mail["Subject"] == "Questions for 3 briefs from Pixel & Co"
    text = text_of(mail)
    for brief in briefs:
        assert f"“{brief.title}”" in text
    assert text.count("To launch on December 15, 2026 we need the answers by") == 3
    # Each brief comes with Ivan's own link to it, and it opens that brief.
    tokens = LINK.findall(text)
    assert tokens == [own_token(brief, IVAN) for brief in briefs]
    for brief, token in zip(briefs, tokens, strict=True):
        page = client.get(f"/c/{token}")
        assert page.status_code == 200
        assert brief.title in page.get_data(as_text=True)

    [batch] = report.queued
    assert batch.brief_id is None
    assert [item["brief"] for item in batch.data["about"]] == [b.id for b in briefs]
    # Each brief's record says its invitation went out in that one mail.
    for brief in briefs:
        kinds = [
            (e.kind, (e.data or {}).get("message"))
            for e in db.session.scalars(select(Event).where(Event.brief_id == brief.id))
            if e.kind.startswith("message_")
        ]
        assert ("message_sent", batch.id) in kinds
        assert any(kind == "message_cancelled" for kind, _id in kinds)

    send_due.run(SENT + timedelta(hours=1))
    assert len(mails_to(smtp_server, IVAN)) == 1


def test_it_reminds_once_per_run_listing_each_briefs_missing_questions(
    app, user, auth_client, smtp_server, frozen_clock
):
    briefs = three_briefs_sent(user)
    moment, runs = SENT, []
    while moment < SENT + timedelta(days=12):
        frozen_clock(moment)
        before = len(smtp_server.messages)
        send_due.run(moment)
        runs.append(smtp_server.messages[before:])
        moment += timedelta(hours=1)

    reminders = [m for m in mails_to(smtp_server, IVAN) if "Reminder" in m["Subject"]]
    assert len(reminders) >= 3
    # Never more than one mail to Ivan in a run (statuses to the decision-maker stay one
    # per brief, Ivan in copy), and the run after a reminder sends him nothing.
    asked = [[m for _rcpt, m in mails if IVAN in str(m["To"])] for mails in runs]
    assert all(len(mails) <= 1 for mails in asked)
    for first, second in zip(asked, asked[1:], strict=False):
        assert not (first and second)

    first = reminders[0]
    assert first["Subject"] == "Reminder: answers for 3 briefs from Pixel & Co"
    text = text_of(first)
    for brief in briefs:
        assert f"“{brief.title}”" in text
    assert text.count("- What exactly is done") == 3
    assert LINK.findall(text) == [own_token(brief, IVAN) for brief in briefs]

    # Each brief counts the shared mail as its own reminder 1, 2, 3…
    rows = db.session.scalars(
        select(Message).where(Message.kind == "reminder").order_by(Message.id)
    ).all()
    assert all(row.brief_id is None for row in rows)
    for number, row in enumerate(rows[:3], start=1):
        assert [item["number"] for item in row.data["about"]] == [number] * 3
    # Escalations stay one per brief: each is about one brief's decision.
    escalations = db.session.scalars(select(Message).where(Message.kind == "escalation")).all()
    assert escalations and all(e.brief_id is not None for e in escalations)

    for brief in briefs:
        page = auth_client.get(f"/briefs/{brief.id}/timeline").get_data(as_text=True)
        assert "Reminder 1 to ivan@acme.example" in page
        assert "Reminder 3 to ivan@acme.example" in page

"""A reminder waiting in the outbox is cancelled when the client answers meanwhile."""

from datetime import UTC, datetime

from briefs.extensions import db
from briefs.mail import send_due
from briefs.models import Event, Message
from briefs.overview import brief_fields
from briefs.workflow import SYSTEM, Actor, mark_sent, save_answer

MONDAY = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)
THURSDAY = datetime(2026, 11, 5, 6, 5, tzinfo=UTC)


def test_reminder_held_up_by_smtp_is_cancelled_once_nothing_is_missing(app, smtp_server):
    from tests.factories import make_brief

    brief, _token = make_brief(now=MONDAY)
    mark_sent(brief, SYSTEM, MONDAY)
    db.session.commit()
    smtp_server.controller.stop()
    assert send_due.run(THURSDAY).failed == 1
    for field in brief_fields(brief):
        if field.required:
            value = "Search" if field.type == "multiple_choice" else "Done"
            save_answer(field, value, not_applicable=False, actor=Actor.client("Ivan"),
                        now=THURSDAY.replace(hour=7))  # fmt: skip
    db.session.commit()
    report = send_due.run(THURSDAY.replace(hour=9))
    assert report.delivered == 0 and report.failed == 0
    message = db.session.scalar(db.select(Message))
    assert message.status == "cancelled"
    kinds = [e.kind for e in db.session.scalars(db.select(Event).order_by(Event.id))]
    assert kinds[-1] == "message_cancelled"


def test_a_reminder_still_needed_is_not_cancelled(app):
    from tests.factories import make_brief

    app.config["SMTP_URL"] = ""
    brief, _token = make_brief(now=MONDAY)
    mark_sent(brief, SYSTEM, MONDAY)
    db.session.commit()
    send_due.run(THURSDAY)
    send_due.run(THURSDAY.replace(hour=9))
    assert db.session.scalar(db.select(Message.status)) == "queued"

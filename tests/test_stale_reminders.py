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


def test_answers_sent_back_and_answered_while_smtp_is_down_are_not_mailed(app, user, smtp_server):
    from briefs.models.brief import CHANGES_REQUESTED
    from briefs.workflow import review
    from tests.factories import IVAN, answer_fields, fields_by_key, make_brief

    brief, _token = make_brief(now=MONDAY, user=user)
    mark_sent(brief, SYSTEM, MONDAY)
    fields = fields_by_key(brief)
    answer_fields(brief, ["name", "what", "price", "channels", "who"], MONDAY)
    olga = Actor.user(user)
    review(fields["what"], CHANGES_REQUESTED, "Shades?", olga, THURSDAY)
    review(fields["who"], CHANGES_REQUESTED, "Who?", olga, THURSDAY)
    db.session.commit()
    smtp_server.controller.stop()
    later = THURSDAY.replace(hour=7)
    send_due.run(later)
    sent_back = db.session.scalar(db.select(Message).where(Message.kind == "changes_requested"))
    assert sent_back.status == "queued" and sent_back.data["missing"] == ["what", "who"]

    # One of the two answered: the mail still has a reason and stays.
    save_answer(fields["what"], "Two shades", not_applicable=False, actor=IVAN, now=later)
    db.session.commit()
    send_due.run(later.replace(hour=8))
    assert sent_back.status == "queued"

    # Both answered: it is cancelled and the record says it was not needed.
    save_answer(fields["who"], "Adults", not_applicable=False, actor=IVAN, now=later)
    db.session.commit()
    send_due.run(later.replace(hour=9))
    assert sent_back.status == "cancelled"
    last = db.session.scalars(db.select(Event).order_by(Event.id.desc())).first()
    assert last.kind == "message_cancelled" and last.data["message"] == sent_back.id


def test_a_sent_back_mail_about_two_briefs_stands_while_either_needs_it(app, user, smtp_server):
    from briefs.models.brief import CHANGES_REQUESTED
    from briefs.workflow import review
    from tests.factories import IVAN, answer_fields, fields_by_key, make_brief, make_client

    acme = make_client()
    olga = Actor.user(user)
    whats = []
    for title in ("Whitening", "Braces"):
        brief, _token = make_brief(client=acme, title=title, now=MONDAY, user=user)
        mark_sent(brief, SYSTEM, MONDAY)
        answer_fields(brief, ["name", "what", "price", "channels", "who"], MONDAY)
        whats.append(fields_by_key(brief)["what"])
        review(whats[-1], CHANGES_REQUESTED, "Shades?", olga, THURSDAY)
    db.session.commit()
    smtp_server.controller.stop()
    later = THURSDAY.replace(hour=7)
    send_due.run(later)
    sent_back = db.session.scalar(db.select(Message).where(Message.kind == "changes_requested"))
    assert sent_back.status == "queued" and len(sent_back.data["about"]) == 2

    # Answered on one brief: the other still needs the mail.
    save_answer(whats[0], "Two shades", not_applicable=False, actor=IVAN, now=later)
    db.session.commit()
    send_due.run(later.replace(hour=8))
    assert sent_back.status == "queued"

    # Answered on both: cancelled, and each brief's record says so.
    save_answer(whats[1], "Three shades", not_applicable=False, actor=IVAN, now=later)
    db.session.commit()
    send_due.run(later.replace(hour=9))
    assert sent_back.status == "cancelled"
    cancelled = db.session.scalars(
        db.select(Event.brief_id).where(Event.kind == "message_cancelled")
    ).all()
    assert sorted(cancelled) == sorted(w.brief_id for w in whats)

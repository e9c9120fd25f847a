"""Reminders run out on a late brief: the team and the decision-maker hear once, over SMTP."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from briefs.extensions import db
from briefs.mail import send_due
from briefs.models import Brief, Message
from briefs.workflow import Actor, mark_sent
from tests.factories import make_brief

MOSCOW = ZoneInfo("Europe/Moscow")
SENT = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # Monday 10:00 in Moscow


def play(
    user, frozen_clock, *, days: int, launch: date = date(2026, 11, 18), reminder_max: int = 3
) -> Brief:
    """Send a brief and run send-due every hour for `days` days."""
    # Five working days before the 18th: the answers are due Wednesday the 11th.
    brief, _token = make_brief(launch_date=launch, user=user, now=SENT)
    brief.reminder_max = reminder_max
    mark_sent(brief, Actor.user(user), SENT)
    db.session.commit()
    moment = SENT
    while moment < SENT + timedelta(days=days):
        frozen_clock(moment)
        send_due.run(moment)
        moment += timedelta(hours=1)
    return brief


def local_day(mail) -> date:
    return mail["Date"].datetime.astimezone(MOSCOW).date()


def test_it_tells_the_team_and_the_decision_maker_once_when_reminders_run_out(
    app, user, smtp_server, frozen_clock
):
    play(user, frozen_clock, days=18)
    mails = smtp_server.messages
    reminders = [m for _r, m in mails if m["Subject"].startswith("Reminder:")]
    assert [local_day(m) for m in reminders] == [date(2026, 11, d) for d in (5, 10, 13)]

    # The team: one mail, at the first run after the last reminder, naming who was asked.
    [(rcpt, alert)] = [(r, m) for r, m in mails if m["Subject"].startswith("Reminders ran out")]
    assert rcpt == [user.email]
    assert alert["Subject"] == "Reminders ran out: “Teeth whitening page” for Acme Dental"
    assert alert["Date"].datetime == datetime(2026, 11, 13, 7, 0, tzinfo=UTC)
    text = alert.get_body(("plain",)).get_content()
    assert "Briefs has sent all 3 reminders to Ivan Contact and will not send more." in text
    assert "The decision-maker (Daria Director) has the status" in text

    # The decision-maker: after the reminder escalation (10th) and the late one (11th), the
    # status that reminders ran out, once, asking for a decision.
    statuses = [m for r, m in mails if r == ["daria@acme.example", "ivan@acme.example"]]
    assert [local_day(m) for m in statuses] == [date(2026, 11, d) for d in (10, 12, 13)]
    last = statuses[-1].get_body(("plain",)).get_content()
    assert "We have sent all the reminders we planned" in last
    assert "not all of them have arrived, so the launch cannot take place" in last
    assert "A decision is needed on your side" in last
    assert "- tell us who can answer them, and we will send them the questions;" in last
    stored = db.session.scalar(
        db.select(Message).where(Message.dedupe_key.like("escalation:limit:%"))
    )
    assert stored.data["limit"] and stored.data["late"] and stored.data["reminders"] == 3


def test_the_decision_maker_who_heard_with_the_last_reminder_is_not_told_again(
    app, user, smtp_server, frozen_clock
):
    # Four reminders (5, 10, 13, 18), a status with every second one; due the 23rd, so at
    # risk from the 17th. The status that goes with the last reminder says they ran out.
    play(user, frozen_clock, days=18, launch=date(2026, 11, 30), reminder_max=4)
    mails = smtp_server.messages
    statuses = [m for r, m in mails if r == ["daria@acme.example", "ivan@acme.example"]]
    assert [local_day(m) for m in statuses] == [date(2026, 11, 10), date(2026, 11, 18)]
    last = statuses[-1].get_body(("plain",)).get_content()
    assert "We have sent all the reminders we planned" in last
    assert "A decision is needed on your side" in last  # at risk and nothing more to send
    alerts = [m for _r, m in mails if m["Subject"].startswith("Reminders ran out")]
    assert [local_day(m) for m in alerts] == [date(2026, 11, 18)]


def test_the_record_says_the_status_went_because_reminders_ran_out(
    app, auth_client, user, smtp_server, frozen_clock
):
    brief = play(user, frozen_clock, days=12)
    body = auth_client.get(f"/briefs/{brief.id}/timeline").get_data(as_text=True)
    assert (
        "A status for Daria Director (decision-maker) — queued 10:00, delivered 10:00; "
        "every planned reminder has gone out" in body
    )

"""Three weeks with time travel: the contact goes quiet, reminders and escalation go out on
schedule, the contact answers one brief, its reminders stop, and the digest says so."""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from briefs.extensions import db
from briefs.mail import send_due
from briefs.overview import brief_fields
from briefs.workflow import Actor, mark_sent, save_answer, submit
from tests.factories import make_brief, make_client, make_template

MOSCOW = ZoneInfo("Europe/Moscow")
SENT = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # Monday 10:00 in Moscow
ANSWERED = datetime(2026, 11, 11, 9, 0, tzinfo=UTC)  # Wednesday 12:00 in Moscow
ANSWERS = {"name": "Whitening", "what": "Two visits", "channels": "Search", "who": "Adults"}


def reminder_days(mails, title: str, to: str) -> list[date]:
    """Days a reminder naming the brief reached `to`, alone or listed with other briefs."""
    return [
        mail["Date"].datetime.astimezone(MOSCOW).date()
        for rcpt, mail in mails
        if mail["Subject"].startswith("Reminder:")
        and to in rcpt
        and f"“{title}”" in mail.get_body(("plain",)).get_content()
    ]


def test_three_weeks_of_chasing(app, user, smtp_server):
    template = make_template()
    client = make_client()
    briefs = []
    for title in ("Whitening", "Implants", "Braces"):
        brief, _token = make_brief(
            template, client, title=title, launch_date=date(2027, 2, 1), user=user, now=SENT
        )
        mark_sent(brief, Actor.user(user), SENT)
        briefs.append(brief)
    db.session.commit()
    first = briefs[0]

    moment = SENT
    answered = False
    while moment < SENT + timedelta(weeks=3):
        if not answered and moment >= ANSWERED:
            contact = Actor.client("Ivan Contact")
            for field in brief_fields(first):
                if field.key in ANSWERS:
                    save_answer(field, ANSWERS[field.key], not_applicable=False,
                                actor=contact, now=ANSWERED)  # fmt: skip
            submit(first, contact, ANSWERED, missing=[])
            db.session.commit()
            answered = True
        send_due.run(moment)
        moment += timedelta(hours=1)

    by_title = defaultdict(list)
    for rcpt, mail in smtp_server.messages:
        sent_at = mail["Date"].datetime.astimezone(MOSCOW)
        # Nothing to the client outside working days or the 09:00–18:00 window.
        if "agency" not in rcpt[0]:
            assert sent_at.weekday() < 5 and 9 <= sent_at.hour < 18, mail["Subject"]
        for brief in briefs:
            if f"“{brief.title}”" in mail["Subject"]:
                by_title[brief.title].append(mail)

    mails = smtp_server.messages
    reminders = {b.title: reminder_days(mails, b.title, "ivan@acme.example") for b in briefs}
    nov = lambda d: date(2026, 11, d)  # noqa: E731
    # Every 3 working days from Monday the 2nd, at most 4 in a row.
    assert reminders["Implants"] == [nov(5), nov(10), nov(13), nov(18)]
    assert reminders["Braces"] == [nov(5), nov(10), nov(13), nov(18)]
    # The contact answered on the 11th: no reminder since.
    assert reminders["Whitening"] == [nov(5), nov(10)]
    # One reminder a day to Ivan, listing every brief due that day.
    days = [
        mail["Date"].datetime.astimezone(MOSCOW).date()
        for rcpt, mail in mails
        if mail["Subject"].startswith("Reminder:") and "ivan@acme.example" in rcpt
    ]
    assert days == [nov(5), nov(10), nov(13), nov(18)]

    # After every 2 unanswered reminders the director hears, with the contact in copy.
    for title, expected in (("Implants", [nov(10), nov(18)]), ("Whitening", [nov(10)])):
        escalations = [
            mail for rcpt, mail in mails
            if mail["Subject"] == f"Status of the brief “{title}”"
        ]  # fmt: skip
        assert [m["Date"].datetime.astimezone(MOSCOW).date() for m in escalations] == expected
        for number, mail in enumerate(escalations, start=1):
            assert mail["To"] == "daria@acme.example" and mail["Cc"] == "ivan@acme.example"
            text = mail.get_body(("plain",)).get_content()
            assert f"reminders sent since then: {2 * number}." in text.replace("\n", " ")
            assert "Done: 0 of 4 required questions answered." in text
            assert "On your side the form's link is with: Ivan Contact." in text

    # The team's digest the morning after says what arrived.
    digests = {
        mail["Date"].datetime.astimezone(MOSCOW).date(): mail.get_body(("plain",)).get_content()
        for rcpt, mail in mails
        if rcpt == [user.email] and mail["Subject"].startswith("Briefs today")
    }
    news = digests[nov(12)].split("New from clients since the last digest:")[1]
    assert "Whitening" in news and "Implants" not in news
    assert "Whitening" not in digests[nov(16)]
    assert all(day.weekday() < 5 for day in digests)

"""News in the team's daily digest runs from the previous digest, over weekends and holidays."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from briefs.rules.digest_news import is_news, news_since
from briefs.rules.working_days import WorkCalendar

MOSCOW = ZoneInfo("Europe/Moscow")
CAL = WorkCalendar()


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=MOSCOW)


def test_on_a_tuesday_the_news_runs_from_mondays_digest():
    assert news_since(at(10, 9, 5), CAL, 9) == at(9, 9)


def test_on_a_monday_the_weekend_is_news():
    since = news_since(at(16, 9), CAL, 9)  # Monday
    assert since == at(13, 9)  # Friday's digest
    assert is_news(at(14, 15), since)  # Saturday afternoon
    assert is_news(at(13, 20), since)  # Friday evening
    assert not is_news(at(13, 8, 59), since)  # told in Friday's digest already


def test_a_holiday_is_skipped_like_a_weekend():
    cal = WorkCalendar(holidays=frozenset({date(2026, 11, 4)}))
    assert news_since(at(5, 9), cal, 9) == at(3, 9)


def test_nothing_done_is_no_news():
    assert not is_news(None, at(9, 9))


def test_answers_given_at_the_weekend_are_news_in_mondays_digest(app, user, smtp_server):
    from datetime import UTC

    from briefs.accounts import agency_settings
    from briefs.extensions import db
    from briefs.mail import send_due
    from briefs.overview import brief_fields
    from briefs.workflow import Actor, mark_sent, save_answer
    from tests.factories import make_brief

    agency_settings().timezone = "Europe/Moscow"
    sent = datetime(2026, 11, 12, 7, 0, tzinfo=UTC)  # Thursday 10:00 in Moscow
    brief, _token = make_brief(title="Whitening", launch_date=date(2027, 2, 1), user=user, now=sent)
    mark_sent(brief, Actor.user(user), sent)
    db.session.commit()
    for moment in (at(13, 9, 30), at(16, 9, 30)):  # Friday's digest, then Monday's
        if moment.day == 16:
            saturday = at(14, 15)
            field = next(f for f in brief_fields(brief) if f.key == "name")
            save_answer(field, "Whitening", not_applicable=False,
                        actor=Actor.client("Ivan Contact"), now=saturday)  # fmt: skip
            db.session.commit()
        send_due.run(moment)

    digests = {
        mail["Date"].datetime.astimezone(MOSCOW).date(): mail.get_body(("plain",)).get_content()
        for rcpt, mail in smtp_server.messages
        if rcpt == [user.email] and mail["Subject"].startswith("Briefs today")
    }
    assert date(2026, 11, 16) in digests
    news = digests[date(2026, 11, 16)].split("New from clients since the last digest:")[1]
    assert "Whitening" in news

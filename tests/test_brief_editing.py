"""Editing a sent brief: the form, one event per changed detail, the risk that follows."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from briefs import workflow
from briefs.extensions import db
from briefs.mail import send_due
from briefs.models import Contact, Event, Message
from briefs.workflow import SYSTEM
from tests.factories import NOW, make_brief


def _events(brief, since_id: int = 0) -> list[Event]:
    return db.session.scalars(
        select(Event).where(Event.brief_id == brief.id, Event.id > since_id).order_by(Event.id)
    ).all()


def _last_event_id(brief) -> int:
    return max(e.id for e in _events(brief))


def _sent_brief(**kwargs):
    brief, _token = make_brief(**kwargs)
    workflow.mark_sent(brief, SYSTEM, kwargs.get("now", NOW))
    db.session.commit()
    return brief


def _form(brief, **changes) -> dict:
    """What the edit form posts when nothing is changed, with `changes` on top."""
    data = {
        "title": brief.title,
        "launch_date": brief.launch_date.isoformat() if brief.launch_date else "",
        "work_days": str(brief.work_days),
        "recipients": [str(c.id) for c in brief.recipients],
        "decision_maker": str(brief.decision_maker.id) if brief.decision_maker else "",
        "locale": brief.locale,
    }
    data.update(changes)
    return data


def _contact(brief, name: str, email: str, role: str = "contact") -> Contact:
    contact = Contact(name=name, email=email, role=role)
    brief.client.contacts.append(contact)
    db.session.commit()
    return contact


def test_it_shows_the_form_with_the_briefs_values(auth_client, frozen_clock):
    brief = _sent_brief()
    page = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert f'href="/briefs/{brief.id}/edit"' in page
    response = auth_client.get(f"/briefs/{brief.id}/edit")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Teeth whitening page"' in html
    assert 'value="2026-12-15"' in html
    assert "Daria Director · daria@acme.example" in html  # offered as decision-maker


def test_it_saves_each_change_as_one_event_with_old_and_new(auth_client, user, frozen_clock):
    brief = _sent_brief()
    ivan, daria = brief.client.contacts
    pavel = _contact(brief, "Pavel Partner", "pavel@acme.example", role="decision_maker")
    olga = _contact(brief, "Olga New", "olga@acme.example")
    before = _last_event_id(brief)
    response = auth_client.post(
        f"/briefs/{brief.id}/edit",
        data=_form(
            brief,
            title="  Whitening page  ",
            launch_date="2027-01-20",
            work_days="7",
            recipients=[str(olga.id), str(daria.id)],
            decision_maker=str(pavel.id),
            locale="ru",
        ),
    )
    assert response.status_code == 302 and response.location.endswith(f"/briefs/{brief.id}")
    db.session.expire_all()
    assert brief.title == "Whitening page"
    assert brief.launch_date == date(2027, 1, 20)
    assert brief.work_days == 7
    assert [c.email for c in brief.recipients] == ["daria@acme.example", "olga@acme.example"]
    assert brief.decision_maker == pavel
    assert brief.locale == "ru"
    events = _events(brief, before)
    assert {e.actor_label for e in events} == {"Olga Owner"}
    assert {e.actor_user_id for e in events} == {user.id}
    assert {e.kind: (e.data["old"], e.data["new"]) for e in events} == {
        "title_changed": ("Teeth whitening page", "Whitening page"),
        "launch_date_changed": ("2026-12-15", "2027-01-20"),
        "work_days_changed": (5, 7),
        "recipients_changed": (
            [{"id": ivan.id, "name": "Ivan Contact", "email": "ivan@acme.example"}],
            [
                {"id": daria.id, "name": "Daria Director", "email": "daria@acme.example"},
                {"id": olga.id, "name": "Olga New", "email": "olga@acme.example"},
            ],
        ),
        "decision_maker_changed": (
            None,
            {"id": pavel.id, "name": "Pavel Partner", "email": "pavel@acme.example"},
        ),
        "language_changed": ("en", "ru"),
    }
    page = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert "New recipients get the next reminder" in page  # the flash after saving
    for sentence in (
        "Olga Owner renamed the brief from “Teeth whitening page” to “Whitening page”",
        "Olga Owner moved the launch date from Dec 15, 2026 to Jan 20, 2027",
        "Olga Owner changed the agency&#39;s working days after the answers from 5 to 7",
        "Olga Owner changed who gets the brief from Ivan Contact to Daria Director, Olga New",
        "Olga Owner changed the brief&#39;s decision-maker from every decision-maker at the "
        "client to Pavel Partner",
        "Olga Owner changed the brief&#39;s language from English to Русский",
    ):
        assert sentence in page


def test_the_timeline_says_each_change_in_russian(auth_client, user, frozen_clock):
    user.locale = "ru"
    brief = _sent_brief()
    auth_client.post(
        f"/briefs/{brief.id}/edit",
        data=_form(brief, title="Отбеливание", launch_date="2027-01-20", work_days="3"),
    )
    page = auth_client.get(f"/briefs/{brief.id}/timeline").get_data(as_text=True)
    # "Actor: what changed", so no verb has to guess the actor's gender.
    assert "Olga Owner: название брифа изменено с «Teeth whitening page» на «Отбеливание»" in page
    assert (
        "Olga Owner: дата запуска перенесена с 15 дек. 2026\u202fг. на 20 янв. 2027\u202fг." in page
    )
    assert "Olga Owner: рабочих дней агентству после ответов теперь 3 вместо 5" in page


def test_it_records_nothing_when_nothing_changed(auth_client, frozen_clock):
    brief = _sent_brief()
    before = _last_event_id(brief)
    response = auth_client.post(f"/briefs/{brief.id}/edit", data=_form(brief))
    assert response.status_code == 302
    assert _events(brief, before) == []
    assert "Nothing changed." in auth_client.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "   "}, "Give the brief a title."),
        ({"launch_date": "2026-11-01"}, "This day has passed. Choose today or a later day."),
        ({"work_days": "366"}, "Enter a number of days from 0 to 365."),
        ({"work_days": "-1"}, "Enter a number of days from 0 to 365."),
        ({"work_days": ""}, "Enter a number of days from 0 to 365."),
        ({"recipients": []}, "Choose at least one person."),
    ],
)
def test_bad_input_is_refused_and_what_was_typed_stays(auth_client, frozen_clock, changes, message):
    brief = _sent_brief()
    before = _last_event_id(brief)
    typed = {"title": "Typed title", "launch_date": "2027-03-03", "work_days": "9", **changes}
    response = auth_client.post(f"/briefs/{brief.id}/edit", data=_form(brief, **typed))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert "Please correct the marked fields." in html
    for name in ("title", "launch_date", "work_days"):
        if typed[name].strip():
            assert f'value="{typed[name]}"' in html, name
    db.session.expire_all()
    assert brief.title == "Teeth whitening page" and brief.work_days == 5
    assert _events(brief, before) == []


def test_messages_are_in_the_users_language(auth_client, user, frozen_clock):
    user.locale = "ru"
    brief = _sent_brief()
    db.session.commit()
    response = auth_client.post(
        f"/briefs/{brief.id}/edit",
        data=_form(brief, title="", launch_date="2026-10-01", recipients=[]),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Укажите название брифа." in html
    assert "Эта дата уже прошла. Выберите сегодняшний или более поздний день." in html
    assert "Выберите хотя бы одного человека." in html


def test_a_launch_date_that_passed_may_stay_while_the_rest_changes(auth_client, frozen_clock):
    brief = _sent_brief(launch_date=date(2026, 10, 30))
    response = auth_client.post(f"/briefs/{brief.id}/edit", data=_form(brief, title="New name"))
    assert response.status_code == 302
    db.session.expire_all()
    assert (brief.title, brief.launch_date) == ("New name", date(2026, 10, 30))


def test_a_closed_brief_is_refused(auth_client, frozen_clock):
    brief = _sent_brief()
    workflow.close(brief, SYSTEM, NOW)
    db.session.commit()
    before = _last_event_id(brief)
    assert f'href="/briefs/{brief.id}/edit"' not in auth_client.get(f"/briefs/{brief.id}").text
    for response in (
        auth_client.get(f"/briefs/{brief.id}/edit"),
        auth_client.post(f"/briefs/{brief.id}/edit", data=_form(brief, title="Sneaky")),
    ):
        assert response.status_code == 302
        assert response.location.endswith(f"/briefs/{brief.id}")
    assert (
        "The brief is closed. Reopen it to change it."
        in auth_client.get(f"/briefs/{brief.id}").text
    )
    db.session.expire_all()
    assert brief.title == "Teeth whitening page"
    assert _events(brief, before) == []


def test_an_unknown_brief_is_not_found(auth_client):
    assert auth_client.get("/briefs/999/edit").status_code == 404


# The launch risk follows the new date -------------------------------------------------------

MONDAY = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
#: Launch Mon 16 Nov minus 5 working days: answers due Mon 9 Nov, late from Tue 10 Nov.
TUESDAY_LATE = datetime(2026, 11, 10, 7, 0, tzinfo=UTC)


def _risk_mail(kinds=("risk_alert", "escalation"), *, late: bool = True) -> list[Message]:
    """Return the alerts about the launch risk (or, with late=False, the other escalations)."""
    messages = db.session.scalars(
        select(Message).where(Message.kind.in_(kinds)).order_by(Message.id)
    ).all()
    return [m for m in messages if (m.kind == "risk_alert" or bool(m.data.get("late"))) == late]


def test_moving_the_launch_later_ends_late_and_its_alerts(
    auth_client, user, frozen_clock, smtp_server
):
    brief = _sent_brief(launch_date=date(2026, 11, 16), user=user, now=MONDAY)
    send_due.run(TUESDAY_LATE)
    assert brief.risk_notified == "late"
    told = len(_risk_mail())
    assert told == 2  # the owner's "Late" alert and the director's status
    frozen_clock(TUESDAY_LATE.replace(hour=9))
    assert 'badge bad">Late<' in auth_client.get("/").text

    auth_client.post(f"/briefs/{brief.id}/edit", data=_form(brief, launch_date="2027-02-01"))
    db.session.expire_all()
    assert brief.risk_notified is None  # forgotten at once, not at the next run
    assert 'badge bad">Late<' not in auth_client.get("/").text
    page = auth_client.get(f"/briefs/{brief.id}").text
    assert ">Late<" not in page and ">At risk<" not in page

    for day in (11, 12, 16, 20):
        send_due.run(datetime(2026, 11, day, 7, 0, tzinfo=UTC))
    # Nobody hears of the old date again; chasing itself goes on as for any open brief.
    assert len(_risk_mail()) == told
    [reminders_unanswered] = _risk_mail(("escalation",), late=False)
    assert reminders_unanswered.data["reminders"] == 2
    assert brief.risk_notified is None


def test_moving_a_late_launch_to_at_risk_tells_nobody_again(auth_client, user, frozen_clock):
    brief = _sent_brief(launch_date=date(2026, 11, 16), user=user, now=MONDAY)
    send_due.run(TUESDAY_LATE)
    told = len(_risk_mail())
    frozen_clock(TUESDAY_LATE.replace(hour=9))
    # Due date Fri 13 Nov: two working days away, so at risk, no longer late.
    auth_client.post(f"/briefs/{brief.id}/edit", data=_form(brief, launch_date="2026-11-20"))
    db.session.expire_all()
    assert brief.risk_notified == "at_risk"
    send_due.run(TUESDAY_LATE.replace(hour=10))
    assert len(_risk_mail()) == told


def test_the_briefs_own_decision_maker_gets_the_late_status(auth_client, user, frozen_clock):
    brief = _sent_brief(launch_date=date(2026, 11, 16), user=user, now=MONDAY)
    pavel = _contact(brief, "Pavel Partner", "pavel@acme.example", role="decision_maker")
    auth_client.post(f"/briefs/{brief.id}/edit", data=_form(brief, decision_maker=str(pavel.id)))
    send_due.run(TUESDAY_LATE)
    [status] = _risk_mail(("escalation",))
    assert status.to_addrs == ["pavel@acme.example"]

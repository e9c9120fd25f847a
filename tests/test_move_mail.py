"""The move reaches the side that must act within one send-due run, over a real SMTP server.

Answers sent back reach the client's contacts in one mail naming each question, its
comment and a link to it; a submission reaches the brief's owner; a client's question
reaches the agency. The record starts the client's wait when the mail is delivered.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from briefs.accounts import agency_settings
from briefs.chase_status import assess
from briefs.extensions import db
from briefs.mail import send_due
from briefs.models import Contact, Message
from briefs.models.brief import ACCEPTED, CHANGES_REQUESTED
from briefs.overview import load_summaries
from briefs.rules.ball_in_court import AGENCY, CLIENT
from briefs.rules.whose_move import Move
from briefs.timeline.loading import agency_calendar, load_brief_history, measure_brief
from briefs.workflow import SYSTEM, Actor, mark_sent, review, save_answer, submit
from tests.factories import IVAN, answer_fields, fields_by_key, make_brief, make_client, own_token

MONDAY = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
WEDNESDAY = datetime(2026, 11, 4, 9, 0, tzinfo=UTC)
THURSDAY = datetime(2026, 11, 5, 13, 0, tzinfo=UTC)
EVERY_KEY = ["name", "what", "price", "channels", "who"]


def sent_brief(user):
    brief, token = make_brief(user=user, now=MONDAY)
    mark_sent(brief, SYSTEM, MONDAY)
    db.session.commit()
    return brief, token


def to(mailbox, address: str) -> list:
    """The parsed messages the server received for one address."""
    return [mail for rcpt, mail in mailbox.messages if address in rcpt]


def bodies(mail) -> tuple[str, str]:
    """The plain and HTML parts, with the wire's CRLF line ends read as newlines."""
    parts = (mail.get_body((kind,)).get_content() for kind in ("plain", "html"))
    text, html = (part.replace("\r\n", "\n") for part in parts)
    return text, html


def test_a_review_round_reaches_each_side_within_one_run(
    app, client, auth_client, user, smtp_server, frozen_clock
):
    brief, token = sent_brief(user)
    fields = fields_by_key(brief)
    form = {"seen": [str(f.id) for f in fields.values()], "action": "submit"}
    values = {"channels": "Search", "price": "1500"}
    form |= {f"f-{f.id}": values.get(f.key, f"About {f.key}") for f in fields.values()}

    # Wednesday: the client answers everything and submits; the owner hears at the next run.
    frozen_clock(WEDNESDAY)
    assert client.post(f"/c/{token}", data=form).status_code == 302
    send_due.run(WEDNESDAY + timedelta(minutes=5))
    [submitted] = [m for m in to(smtp_server, user.email) if "submitted" in m["Subject"]]
    assert submitted["Subject"] == "Answers submitted: “Teeth whitening page” for Acme Dental"
    text, _html = bodies(submitted)
    assert "4 of 4 required questions are answered." in text
    assert f"http://127.0.0.1:5000/briefs/{brief.id}" in text
    before = len(smtp_server.messages)
    send_due.run(WEDNESDAY + timedelta(minutes=10))
    assert len(smtp_server.messages) == before

    # Thursday: the agency sends two answers back, two minutes apart, and accepts the rest.
    sends = [("what", "Please name the shades."), ("who", "Adults, teenagers?\nBoth is fine.")]
    for minute, (key, comment) in enumerate(sends):
        frozen_clock(THURSDAY + timedelta(minutes=2 * minute))
        verdict = {"verdict": CHANGES_REQUESTED, "comment": comment}
        response = auth_client.post(
            f"/briefs/{brief.id}/fields/{fields[key].id}/review",
            data={f"f{fields[key].id}-{name}": value for name, value in verdict.items()},
        )
        assert response.status_code == 302
    for key in ("name", "price", "channels"):
        auth_client.post(
            f"/briefs/{brief.id}/fields/{fields[key].id}/review",
            data={f"f{fields[key].id}-verdict": ACCEPTED},
        )
    # A run in the middle of the burst waits, so the client gets one mail, not two.
    send_due.run(THURSDAY + timedelta(minutes=3))
    assert to(smtp_server, "ivan@acme.example") == []
    delivered_at = THURSDAY + timedelta(minutes=10)
    send_due.run(delivered_at)
    [mail] = to(smtp_server, "ivan@acme.example")
    assert mail["Subject"] == "A few answers to add to: “Teeth whitening page”"
    text, html = bodies(mail)
    for body in (text, html):
        assert "What exactly is done" in body and "Please name the shades." in body
        assert "Who it is for" in body and "Both is fine." in body
        assert "Service name" not in body  # accepted, so not sent back
    assert "Our comment: Adults, teenagers?\n  Both is fine." in text
    # Each question's link opens the form at that very question.
    assert f"/c/{token}" not in text + html  # the shared link credits everyone together
    own = f"http://127.0.0.1:5000/c/{own_token(brief, 'ivan@acme.example')}"
    for key in ("what", "who"):
        link = f"{own}#field-{fields[key].id}"
        assert link in text and f'href="{link}"' in html
        url = urlsplit(link)
        page = client.get(url.path).get_data(as_text=True)
        assert f'id="{url.fragment}"' in page and "Please name the shades." in page
    # A second run sends nothing more.
    send_due.run(delivered_at + timedelta(minutes=5))
    assert len(to(smtp_server, "ivan@acme.example")) == 1

    # The client's wait on the sent-back questions starts when the mail was delivered.
    _brief, fields_, events = load_brief_history(brief.id)
    cal, tz = agency_calendar(delivered_at)
    later = delivered_at + timedelta(days=1)
    measures = measure_brief(fields_, events, later, cal, tz)
    [waiting] = [r for r in measures.open_requests() if r.side == CLIENT]
    assert waiting.asked_at == delivered_at and waiting.open_keys == {"what", "who"}
    client_spans = [i for i in measures.intervals if i.side == CLIENT]
    assert client_spans[-1].start == delivered_at
    # Submitted until the agency's reviews, then its mail on the way: the agency's time.
    agency_spans = [(i.start, i.end) for i in measures.intervals if i.side == AGENCY]
    assert agency_spans[-1] == (WEDNESDAY, delivered_at)


def test_a_request_answered_or_withdrawn_before_the_run_is_not_mailed(
    app, user, smtp_server, frozen_clock
):
    brief, _token = sent_brief(user)
    fields = fields_by_key(brief)
    answer_fields(brief, EVERY_KEY, MONDAY + timedelta(hours=1))
    olga = Actor.user(user)
    review(fields["what"], CHANGES_REQUESTED, "Shades?", olga, THURSDAY)
    review(fields["who"], CHANGES_REQUESTED, "Who?", olga, THURSDAY)
    # She saw it on the form and answered at once.
    save_answer(fields["what"], "Two shades", not_applicable=False, actor=IVAN, now=THURSDAY)
    review(fields["who"], ACCEPTED, "", olga, THURSDAY + timedelta(minutes=2))  # second thoughts
    db.session.commit()
    send_due.run(THURSDAY + timedelta(minutes=30))
    assert to(smtp_server, "ivan@acme.example") == []
    assert db.session.scalar(select(Message).where(Message.kind == "changes_requested")) is None


def test_a_later_sending_back_gets_a_mail_of_its_own_naming_only_itself(
    app, user, smtp_server, frozen_clock
):
    brief, _token = sent_brief(user)
    fields = fields_by_key(brief)
    answer_fields(brief, EVERY_KEY, MONDAY + timedelta(hours=1))
    olga = Actor.user(user)
    review(fields["what"], CHANGES_REQUESTED, "Shades?", olga, THURSDAY)
    db.session.commit()
    send_due.run(THURSDAY + timedelta(minutes=10))
    review(fields["who"], CHANGES_REQUESTED, "Who exactly?", olga, THURSDAY + timedelta(hours=1))
    db.session.commit()
    send_due.run(THURSDAY + timedelta(hours=1, minutes=10))
    first, second = to(smtp_server, "ivan@acme.example")
    assert "Shades?" in bodies(first)[0] and "Who exactly?" not in bodies(first)[0]
    assert "Who exactly?" in bodies(second)[0] and "Shades?" not in bodies(second)[0]
    # A dry run would send nothing more either.
    report = send_due.run(THURSDAY + timedelta(hours=2), dry_run=True)
    assert [d.kind for d in report.planned if d.kind == "changes_requested"] == []


def test_each_recipient_gets_the_sent_back_mail_with_their_own_links(
    app, client, user, smtp_server, frozen_clock
):
    acme = make_client()
    acme.contacts.append(Contact(name="Oleg Colleague", email="oleg@acme.example", role="contact"))
    db.session.commit()
    brief, token = make_brief(client=acme, user=user, now=MONDAY)
    mark_sent(brief, SYSTEM, MONDAY)
    fields = fields_by_key(brief)
    answer_fields(brief, EVERY_KEY, MONDAY + timedelta(hours=1))
    review(fields["what"], CHANGES_REQUESTED, "Shades?", Actor.user(user), THURSDAY)
    db.session.commit()
    send_due.run(THURSDAY + timedelta(minutes=10))
    for address in ("ivan@acme.example", "oleg@acme.example"):
        [mail] = to(smtp_server, address)
        assert mail["To"] == address
        text, html = bodies(mail)
        link = f"http://127.0.0.1:5000/c/{own_token(brief, address)}#field-{fields['what'].id}"
        assert link in text and f'href="{link}"' in html
        assert f"/c/{token}" not in text + html
        # The link is the recipient's: what they answer through it is credited to them.
        assert client.get(urlsplit(link).path).status_code == 200
    send_due.run(THURSDAY + timedelta(minutes=20))
    assert len(smtp_server.messages) == 2  # told once each
    # The client's wait starts once, at the first delivery.
    _brief, fields_, events = load_brief_history(brief.id)
    cal, tz = agency_calendar(THURSDAY)
    measures = measure_brief(fields_, events, THURSDAY + timedelta(days=1), cal, tz)
    [waiting] = [r for r in measures.open_requests() if r.side == CLIENT]
    assert waiting.open_keys == {"what"}


def test_a_clients_question_reaches_the_agency_and_is_its_wait(
    app, client, user, smtp_server, frozen_clock
):
    brief, token = sent_brief(user)
    name = fields_by_key(brief)["name"]
    frozen_clock(THURSDAY)
    data = {"comment": str(name.id), f"comment-{name.id}": "Do you need the long name?"}
    assert client.post(f"/c/{token}", data=data).status_code == 302
    send_due.run(THURSDAY + timedelta(minutes=10))
    [mail] = [m for m in to(smtp_server, user.email) if m["Subject"].startswith("New comments")]
    assert "Do you need the long name?" in bodies(mail)[0]
    _brief, fields_, events = load_brief_history(brief.id)
    cal, tz = agency_calendar(THURSDAY)
    measures = measure_brief(fields_, events, THURSDAY + timedelta(hours=3), cal, tz)
    [question] = [r for r in measures.open_requests() if r.side == AGENCY]
    assert question.asked_at == THURSDAY and question.open_keys == {"name"}
    assert measures.sides[AGENCY].total == timedelta(hours=3)
    # The dashboard says the same: the move is the agency's since her question.
    [summary] = load_summaries([brief])
    assert summary.move == Move(AGENCY, THURSDAY)


def test_a_submission_is_mailed_once_and_not_when_it_is_old_news(app, user, smtp_server):
    brief, _token = sent_brief(user)
    answer_fields(brief, EVERY_KEY, MONDAY + timedelta(hours=1), IVAN)
    submit(brief, IVAN, MONDAY + timedelta(hours=1), missing=[])
    db.session.commit()
    # The first run after the submission is two days late: the digest carries that news.
    send_due.run(WEDNESDAY)
    assert db.session.scalar(select(Message).where(Message.kind == "submitted")) is None


def test_the_agency_words_the_sent_back_mail_like_the_others(app, auth_client, user):
    page = auth_client.get("/settings/reminders").get_data(as_text=True)
    assert 'href="/settings/wording/changes_requested/ru"' in page
    response = auth_client.post(
        "/settings/wording/changes_requested/en",
        data={"subject": "{title}: two small things", "intro": "Hi from {agency}!"},
    )
    assert response.status_code == 302
    brief, _token = sent_brief(user)
    answer_fields(brief, EVERY_KEY, MONDAY + timedelta(hours=1))
    review(fields_by_key(brief)["what"], CHANGES_REQUESTED, "Shades?", Actor.user(user), THURSDAY)
    db.session.commit()
    send_due.run(THURSDAY + timedelta(minutes=10))
    message = db.session.scalar(select(Message).where(Message.kind == "changes_requested"))
    assert message.subject == "Teeth whitening page: two small things"
    assert message.text_body.startswith("Hi from Pixel & Co!")


def test_answers_sent_back_on_two_briefs_make_one_mail_per_recipient(
    app, client, user, smtp_server
):
    acme = make_client()
    acme.contacts.append(Contact(name="Oleg Colleague", email="oleg@acme.example", role="contact"))
    db.session.commit()
    briefs = []
    for title in ("Teeth whitening page", "Braces page"):
        brief, _token = make_brief(client=acme, title=title, user=user, now=MONDAY)
        mark_sent(brief, SYSTEM, MONDAY)
        answer_fields(brief, EVERY_KEY, MONDAY + timedelta(hours=1))
        briefs.append(brief)
    olga = Actor.user(user)
    whitening, braces = (fields_by_key(b) for b in briefs)
    review(whitening["what"], CHANGES_REQUESTED, "Shades?", olga, THURSDAY)
    review(braces["who"], CHANGES_REQUESTED, "Adults or teenagers?", olga, THURSDAY)
    db.session.commit()
    delivered_at = THURSDAY + timedelta(minutes=10)
    send_due.run(delivered_at)
    for address in ("ivan@acme.example", "oleg@acme.example"):
        [mail] = to(smtp_server, address)
        assert mail["Subject"] == "A few answers to add to in 2 briefs"
        text, html = bodies(mail)
        for brief, fields, key, comment in (
            (briefs[0], whitening, "what", "Shades?"),
            (briefs[1], braces, "who", "Adults or teenagers?"),
        ):
            assert f"The brief: “{brief.title}” for Acme Dental." in text
            assert f"Our comment: {comment}" in text
            own = f"http://127.0.0.1:5000/c/{own_token(brief, address)}"
            link = f"{own}#field-{fields[key].id}"
            assert link in text and f'href="{link}"' in html
            page = client.get(urlsplit(link).path).get_data(as_text=True)
            assert f'id="field-{fields[key].id}"' in page and comment in page
    stored = db.session.scalars(select(Message).where(Message.kind == "changes_requested")).all()
    assert len(stored) == 2  # one per recipient, each about both briefs
    assert all(m.brief_id is None and len(m.data["about"]) == 2 for m in stored)
    # Nothing is told twice, neither in a later run nor on its own.
    send_due.run(delivered_at + timedelta(hours=1))
    assert len(smtp_server.messages) == 2
    # Each brief's record starts the client's wait when the one mail was delivered.
    cal, tz = agency_calendar(delivered_at)
    for brief, key in ((briefs[0], "what"), (briefs[1], "who")):
        _brief, fields_, events = load_brief_history(brief.id)
        measures = measure_brief(fields_, events, delivered_at + timedelta(days=1), cal, tz)
        [waiting] = [r for r in measures.open_requests() if r.side == CLIENT]
        assert waiting.asked_at == delivered_at and waiting.open_keys == {key}


def test_briefs_submitted_in_one_run_make_one_notice_per_owner(app, user, smtp_server):
    acme = make_client()
    titles = ("Teeth whitening page", "Braces page")
    for title in titles:
        brief, _token = make_brief(client=acme, title=title, user=user, now=MONDAY)
        mark_sent(brief, SYSTEM, MONDAY)
        answer_fields(brief, EVERY_KEY, WEDNESDAY, IVAN)
        submit(brief, IVAN, WEDNESDAY, missing=[])
    db.session.commit()
    send_due.run(WEDNESDAY + timedelta(minutes=5))
    [notice] = [m for m in to(smtp_server, user.email) if "submitted" in m["Subject"]]
    assert notice["Subject"] == "Answers submitted on 2 briefs"
    text, _html = bodies(notice)
    for title in titles:
        assert f"Acme Dental submitted the brief “{title}” on" in text
    send_due.run(WEDNESDAY + timedelta(minutes=10))
    assert len([m for m in to(smtp_server, user.email) if "submitted" in m["Subject"]]) == 1


def test_reminders_and_the_dashboard_count_the_wait_from_the_delivered_mail(app, user, smtp_server):
    brief, _token = sent_brief(user)
    answer_fields(brief, EVERY_KEY, MONDAY + timedelta(hours=1))
    review_at = MONDAY + timedelta(weeks=1)  # Monday 9 Nov, 10:00 in Moscow
    review(fields_by_key(brief)["what"], CHANGES_REQUESTED, "Shades?", Actor.user(user), review_at)
    db.session.commit()
    # The mail server is down for two days: the request waits in the outbox.
    smtp_url, app.config["SMTP_URL"] = app.config["SMTP_URL"], ""
    send_due.run(review_at + timedelta(minutes=10))
    tuesday = review_at + timedelta(days=1)
    [chase], _cal = assess([brief], agency_settings(), tuesday)
    # Not told yet, so not the client's to give: no reminder, and still the agency's move.
    assert chase.summary.move.side == AGENCY and chase.status.next_reminder is None
    assert chase.summary.move.since == review_at
    app.config["SMTP_URL"] = smtp_url
    delivered_at = review_at + timedelta(days=2)  # Wednesday 11 Nov
    send_due.run(delivered_at)
    assert len(to(smtp_server, "ivan@acme.example")) == 1
    [chase], _cal = assess([brief], agency_settings(), delivered_at + timedelta(hours=1))
    assert chase.summary.move == Move(CLIENT, delivered_at)
    # Three working days from the delivery, not from the review (that was Thursday 12th).
    assert chase.status.next_reminder == datetime(2026, 11, 16, 6, 0, tzinfo=UTC)


def test_submitting_over_and_over_mails_the_owner_once_an_hour(
    app, user, client, smtp_server, frozen_clock
):
    """The form hides Submit once a brief is submitted, but a post can still press it: each
    press was a new submission, and a mail (and a Telegram alert) at every run."""
    from briefs.mail.move_mail import REPEAT_GAP

    brief, token = sent_brief(user)
    name = fields_by_key(brief)["name"]

    def press_submit(at: datetime) -> None:
        frozen_clock(at)
        form = {"seen": str(name.id), f"f-{name.id}": f"Whitening {at:%H:%M}"}
        response = client.post(f"/c/{token}", data={**form, "action": "submit_anyway"})
        assert response.status_code == 302
        send_due.run(at + timedelta(minutes=1))

    def notices() -> list:
        return [m for m in to(smtp_server, user.email) if "submitted" in m["Subject"]]

    for minutes in range(0, 60, 5):
        press_submit(WEDNESDAY + timedelta(minutes=minutes))
    assert len(notices()) == 1
    # Once the gap has passed, the latest submission is told; none is lost.
    send_due.run(WEDNESDAY + REPEAT_GAP + timedelta(minutes=1))
    assert len(notices()) == 2
    text, _html = bodies(notices()[1])
    assert "submitted the brief “Teeth whitening page” on" in text
    send_due.run(WEDNESDAY + REPEAT_GAP + timedelta(minutes=30))
    assert len(notices()) == 2

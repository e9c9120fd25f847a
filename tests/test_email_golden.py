"""Every kind of e-mail, in both languages, as the client or the team reads it: pinned by
golden files (tests/golden/email/<kind>.<lang>.txt|html; UPDATE_GOLDEN=1 rewrites them).

The messages come from the app's own path: three weeks of `send_due.run` against the
outbox, plus the invitation, a hand-over and comments queued by the code that sends them,
and a review round at the end (a submission, two answers sent back).
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from briefs import handovers, recipient_links, workflow
from briefs.accounts import agency_settings
from briefs.comments import add_comment
from briefs.extensions import db
from briefs.mail import send_due
from briefs.mail.chasing import invitation
from briefs.mail.outbox import queue
from briefs.models import Message
from briefs.models.brief import CHANGES_REQUESTED
from briefs.workflow import Actor, mark_sent
from tests.factories import answer_fields, fields_by_key, make_brief, make_client, make_template

GOLDEN_EMAIL = Path(__file__).parent / "golden" / "email"
SENT = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # Monday 10:00 in Moscow
KINDS = [
    "invitation",
    "reminder",
    "escalation",
    "risk_alert",
    "agency_digest",
    "client_digest",
    "comment_digest",
    "handover",
    "submitted",
    "changes_requested",
]
#: The template's questions in each language, so a Russian e-mail names Russian fields.
SECTIONS = {
    "en": [
        (
            "The service",
            [
                {"key": "name", "label": "Service name"},
                {"key": "what", "label": "What exactly is done", "type": "long_text"},
                {"key": "price", "label": "Price", "type": "number", "required": False},
            ],
        ),
        ("Audience", [{"key": "who", "label": "Who it is for", "type": "long_text"}]),
    ],
    "ru": [
        (
            "Услуга",
            [
                {"key": "name", "label": "Название услуги"},
                {"key": "what", "label": "Что именно делается", "type": "long_text"},
                {"key": "price", "label": "Цена", "type": "number", "required": False},
            ],
        ),
        ("Аудитория", [{"key": "who", "label": "Для кого услуга", "type": "long_text"}]),
    ],
}
TITLES = {
    "en": "Teeth whitening page",
    "ru": "Страница услуги «Профессиональное отбеливание зубов»",
}


def fixed_tokens(monkeypatch) -> None:
    """Give the client and the colleague fixed links, since links are in the bodies."""
    monkeypatch.setattr(workflow, "new_token", lambda: ("client-token", "1" * 64))
    monkeypatch.setattr(handovers, "new_token", lambda: ("colleague-token", "2" * 64))
    # Recipients' own links and the status link, numbered in the order they are made.
    made = itertools.count(1)
    monkeypatch.setattr(
        recipient_links, "new_token", lambda: (f"token-{(n := next(made))}", f"{n:064d}")
    )


def three_weeks_of_mail(user, lang: str, until: datetime | None = None) -> dict[str, Message]:
    """Play a quiet client for three weeks through the outbox; return the first of each kind."""
    user.locale = lang
    settings = agency_settings()
    client = make_client("Acme Dental" if lang == "en" else "Клиника «Жемчуг»")
    client.weekly_digest = True
    brief, _token = make_brief(
        make_template(f"Page {lang}", SECTIONS[lang], locale=lang),
        client,
        title=TITLES[lang],
        locale=lang,
        launch_date=date(2026, 11, 30),
        user=user,
        now=SENT,
    )
    for draft in invitation(brief, settings, SENT):
        queue(draft, SENT)
    mark_sent(brief, Actor.user(user), SENT)
    fields = fields_by_key(brief)
    ivan = Actor.client("Ivan Contact")
    later = SENT + timedelta(hours=2)
    handovers.hand_over_by_mail(
        brief,
        [fields["price"], fields["who"]],
        agency=settings.name,
        name="Pavel Colleague",
        email="pavel@acme.example",
        note="Pavel, please add the prices." if lang == "en" else "Павел, добавь цены.",
        actor=ivan,
        now=later,
        secret_key="test",
    )
    question = "Which shades do you offer?" if lang == "en" else "Какие оттенки вы предлагаете?"
    add_comment(brief, fields["what"], question, side="agency", actor=Actor.user(user), now=later)
    db.session.commit()

    moment = SENT
    while moment < (until or SENT + timedelta(weeks=3)):
        send_due.run(moment)
        moment += timedelta(hours=1)

    # Then a review round: the client submits, the agency sends two answers back.
    answer_fields(brief, ["name", "what", "price", "who"], moment, ivan)
    workflow.submit(brief, ivan, moment, missing=[])
    db.session.commit()
    send_due.run(moment + timedelta(minutes=1))
    olga, back = Actor.user(user), moment + timedelta(hours=1)
    notes = {
        "en": ("Please name the shades.", "Who is it for: adults, teenagers?\nBoth is fine."),
        "ru": ("Назовите, пожалуйста, оттенки.", "Для кого: взрослые, подростки?\nМожно оба."),
    }[lang]
    workflow.review(fields["what"], CHANGES_REQUESTED, notes[0], olga, back)
    workflow.review(fields["who"], CHANGES_REQUESTED, notes[1], olga, back)
    db.session.commit()
    send_due.run(back + timedelta(minutes=10))

    firsts: dict[str, Message] = {}
    for message in db.session.scalars(db.select(Message).order_by(Message.id)):
        firsts.setdefault(message.kind, message)
    return firsts


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_email_matches_its_golden_file(
    app, user, lang, monkeypatch, frozen_clock, assert_golden
):
    app.config["SMTP_URL"] = ""  # everything stays in the outbox to be read here
    fixed_tokens(monkeypatch)
    # Two days past the info due date (the 23rd), so the brief turns late.
    firsts = three_weeks_of_mail(user, lang, until=SENT + timedelta(weeks=3, days=2))
    assert sorted(firsts) == sorted(KINDS)
    for kind in KINDS:
        message = firsts[kind]
        assert message.locale == lang, kind
        assert_golden(
            f"email/{kind}.{lang}.txt", f"Subject: {message.subject}\n\n{message.text_body}"
        )
        assert_golden(f"email/{kind}.{lang}.html", message.html_body)
    # Past the due date the decision-maker is asked to decide; the team hears the
    # reminders ran out.
    messages = db.session.scalars(db.select(Message).order_by(Message.id)).all()
    late = next(m for m in messages if m.kind == "escalation" and m.data.get("late"))
    limit = next(m for m in messages if m.kind == "risk_alert" and m.data.get("limit"))
    for name, message in (("escalation_late", late), ("risk_alert_limit", limit)):
        assert_golden(
            f"email/{name}.{lang}.txt", f"Subject: {message.subject}\n\n{message.text_body}"
        )
        assert_golden(f"email/{name}.{lang}.html", message.html_body)


#: A teammate's alert about several briefs: (title, client, launch date) in each language.
OWNED = {
    "en": [
        (TITLES["en"], "Acme Dental", date(2026, 11, 30)),
        ("Braces page", "Acme Dental", date(2026, 12, 3)),
        ("Implants page", "Birch Clinic", date(2026, 12, 3)),
    ],
    "ru": [
        (TITLES["ru"], "Клиника «Жемчуг»", date(2026, 11, 30)),
        ("Страница услуги «Брекеты»", "Клиника «Жемчуг»", date(2026, 12, 3)),
        ("Страница услуги «Импланты»", "Студия «Берёза»", date(2026, 12, 3)),
    ],
}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_one_alert_lists_every_brief_that_needs_its_owner(app, user, lang, assert_golden):
    app.config["SMTP_URL"] = ""
    user.locale = lang
    template = make_template(f"Page {lang}", SECTIONS[lang], locale=lang)
    clients = {}
    for title, client, launch in OWNED[lang]:
        clients.setdefault(client, make_client(client))
        brief, _token = make_brief(
            template,
            clients[client],
            title=title,
            locale=lang,
            launch_date=launch,
            user=user,
            now=SENT,
        )
        mark_sent(brief, Actor.user(user), SENT)
    db.session.commit()
    # Tue 24 Nov: the first brief's answers were due the day before, the others' on Thursday.
    send_due.run(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))
    [alert] = db.session.scalars(db.select(Message).where(Message.kind == "risk_alert")).all()
    assert alert.brief_id is None and len(alert.data["about"]) == 3
    assert_golden(
        f"email/risk_alert_batch.{lang}.txt", f"Subject: {alert.subject}\n\n{alert.text_body}"
    )
    assert_golden(f"email/risk_alert_batch.{lang}.html", alert.html_body)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_one_invitation_and_one_reminder_list_every_brief_of_a_contact(
    app, user, lang, monkeypatch, assert_golden
):
    app.config["SMTP_URL"] = ""
    fixed_tokens(monkeypatch)
    # Three briefs need three shared links; only the recipients' own links are in the mail.
    shared = itertools.count(1)
    monkeypatch.setattr(
        workflow, "new_token", lambda: (f"shared-{(n := next(shared))}", f"9{n:063d}")
    )
    user.locale = lang
    template = make_template(f"Page {lang}", SECTIONS[lang], locale=lang)
    client = make_client(OWNED[lang][0][1])
    for title, _client, launch in OWNED[lang]:
        brief, _token = make_brief(
            template, client, title=title, locale=lang, launch_date=launch, user=user, now=SENT
        )
        for draft in invitation(brief, agency_settings(), SENT):
            queue(draft, SENT)
        mark_sent(brief, Actor.user(user), SENT)
    db.session.commit()

    moment = SENT
    while moment < SENT + timedelta(days=7):
        send_due.run(moment)
        moment += timedelta(hours=1)
    batches = db.session.scalars(
        db.select(Message).where(Message.brief_id.is_(None)).order_by(Message.id)
    ).all()
    for kind in ("invitation", "reminder"):
        message = next(m for m in batches if m.kind == kind)
        assert len(message.data["about"]) == 3 and message.locale == lang
        assert_golden(
            f"email/{kind}_batch.{lang}.txt", f"Subject: {message.subject}\n\n{message.text_body}"
        )
        assert_golden(f"email/{kind}_batch.{lang}.html", message.html_body)


def test_long_russian_subjects_arrive_with_every_space(app, user, smtp_server, monkeypatch):
    fixed_tokens(monkeypatch)
    firsts = three_weeks_of_mail(user, "ru", until=SENT + timedelta(days=9))
    escalation = firsts["escalation"].subject
    assert escalation == f"Статус брифа «{TITLES['ru']}»" and len(escalation) > 60

    # Parse the bytes the server received: the policy's folding once lost spaces here.
    stored = {m.message_id: m.subject for m in db.session.scalars(db.select(Message))}
    received = {}
    for raw in smtp_server.raw:
        assert b"=?utf-8?" in raw  # the subject went out as encoded words
        mail = message_from_bytes(raw, policy=policy.default)
        received[mail["Message-ID"]] = mail["Subject"]
    assert escalation in received.values()
    assert received == {key: stored[key] for key in received}
    assert len(received) == len(stored) >= 5


def test_plain_text_parts_keep_their_line_breaks():
    # A tag's swallowed newline glues two lines together («…»:Почему…) or drops a blank line.
    glued = re.compile(r"[:.!?»”][A-Za-zА-Яа-яЁё]")
    texts = sorted((GOLDEN_EMAIL).glob("*.txt"))
    assert len(texts) >= 2 * len(KINDS)
    for path in texts:
        text = path.read_text(encoding="utf-8")
        assert "\n\n\n" not in text, path.name
        for line in text.splitlines():
            assert not glued.search(line), f"{path.name}: {line}"
        paragraphs = text.split("\n\n")
        for heading in ("Their note:", "Your questions:", "Пояснение:", "Ваши вопросы:"):
            if heading in text:
                assert any(p.startswith(heading) for p in paragraphs), f"{path.name}: {heading}"


def test_russian_mail_keeps_names_in_the_nominative():
    # «для Клиника «Жемчуг»» declines nothing; «страницы «Страница услуги…»» says it twice.
    for path in sorted(GOLDEN_EMAIL.glob("*.ru.*")):
        text = path.read_text(encoding="utf-8")
        for wrong in ("для Клиника", "от Клиника", "для Pixel", "от Pixel"):
            assert wrong not in text, f"{path.name}: {wrong}"
        assert not re.search(r"страниц\w* «Страница", text, re.IGNORECASE), path.name


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_one_mail_lists_every_brief_sent_back_or_submitted(
    app, user, lang, monkeypatch, assert_golden
):
    app.config["SMTP_URL"] = ""
    fixed_tokens(monkeypatch)
    shared = itertools.count(1)
    monkeypatch.setattr(
        workflow, "new_token", lambda: (f"shared-{(n := next(shared))}", f"9{n:063d}")
    )
    user.locale = lang
    template = make_template(f"Page {lang}", SECTIONS[lang], locale=lang)
    client = make_client(OWNED[lang][0][1])
    ivan, olga = Actor.client("Ivan Contact"), Actor.user(user)
    submitted_at = SENT + timedelta(days=2)
    briefs = []
    for title, _client, launch in OWNED[lang][:2]:
        brief, _token = make_brief(
            template, client, title=title, locale=lang, launch_date=launch, user=user, now=SENT
        )
        mark_sent(brief, olga, SENT)
        answer_fields(brief, ["name", "what", "who"], submitted_at, ivan)
        workflow.submit(brief, ivan, submitted_at, missing=[])
        briefs.append(brief)
    db.session.commit()
    send_due.run(submitted_at + timedelta(minutes=1))
    notes = {
        "en": ("Please name the shades.", "Who is it for: adults, teenagers?\nBoth is fine."),
        "ru": ("Назовите, пожалуйста, оттенки.", "Для кого: взрослые, подростки?\nМожно оба."),
    }[lang]
    back = submitted_at + timedelta(hours=1)
    workflow.review(fields_by_key(briefs[0])["what"], CHANGES_REQUESTED, notes[0], olga, back)
    workflow.review(fields_by_key(briefs[1])["who"], CHANGES_REQUESTED, notes[1], olga, back)
    db.session.commit()
    send_due.run(back + timedelta(minutes=10))
    for kind in ("submitted", "changes_requested"):
        [message] = db.session.scalars(db.select(Message).where(Message.kind == kind)).all()
        assert message.brief_id is None and len(message.data["about"]) == 2
        assert message.locale == lang
        assert_golden(
            f"email/{kind}_batch.{lang}.txt", f"Subject: {message.subject}\n\n{message.text_body}"
        )
        assert_golden(f"email/{kind}_batch.{lang}.html", message.html_body)

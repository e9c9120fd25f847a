"""Three weeks of a Russian agency's work, played day by day with `send-due --now`.

Pixel & Co prepares three briefs for Клиника «Белый зуб». Ирина Петрова answers them, her
colleague Олег Сидоров gets one of them too, and their director Павел Орлов decides. The
cron job is the real command (`flask send-due --now …`) against a real SMTP server, every
hour from 08:00 to 20:00 in Moscow; the agency and the client act through the web.

What must hold: each move reaches the person who must act within one run (answers sent
back reach Ирина, a submission reaches the agency), a late brief brings the director a
status that asks for a decision, a promise logged on the timeline pauses chasing until its
day, a launch moved on the edit page ends the "late" state, and every subject that went
over the wire reads back exactly as it was written. The assertions are about who was told
what and when, not about how many alert mails the agency got.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from briefs.accounts import agency_settings
from briefs.extensions import db
from briefs.models import Brief, Client, Contact, Message
from briefs.models.brief import ACCEPTED, CHANGES_REQUESTED
from tests.factories import fields_by_key, make_brief, make_template, own_token

MOSCOW = ZoneInfo("Europe/Moscow")
IRINA, OLEG, PAVEL = "irina@belyzub.example", "oleg@belyzub.example", "pavel@belyzub.example"
OWNER = "owner@agency.example"
ONE_RUN = timedelta(hours=1)  # the runs are hourly

QUESTIONS = [
    (
        "Услуга",
        [
            {"key": "name", "label": "Название услуги"},
            {"key": "what", "label": "Что именно делается", "type": "long_text"},
            {"key": "who", "label": "Для кого услуга", "type": "long_text"},
        ],
    )
]


def msk(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of November 2026 given in Moscow time, as UTC (the 2nd is a Monday)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=MOSCOW).astimezone(UTC)


@dataclass(frozen=True)
class Received:
    """One message as the SMTP server got it, with what the outbox row says it was."""

    kind: str
    brief_id: int | None
    rcpt: list[str]
    at: datetime
    subject: str
    text: str
    data: dict
    row_subject: str

    def for_brief(self, brief: Brief) -> bool:
        """Tell whether the mail is about the brief, alone or listed with others."""
        about = [item["brief"] for item in self.data.get("about") or ()]
        return self.brief_id == brief.id or brief.id in about


def received(mailbox) -> list[Received]:
    """Join each received message to its outbox row through its Message-ID."""
    rows = {m.message_id.strip("<>"): m for m in db.session.scalars(select(Message))}
    mails = []
    for rcpt, mail in mailbox.messages:
        row = rows[mail["Message-ID"].strip("<>")]
        mails.append(
            Received(
                kind=row.kind,
                brief_id=row.brief_id,
                rcpt=list(rcpt),
                at=mail["Date"].datetime.astimezone(UTC),
                subject=str(mail["Subject"]),
                text=mail.get_body(("plain",)).get_content().replace("\r\n", "\n"),
                data=row.data or {},
                row_subject=row.subject,
            )
        )
    return mails


def test_three_weeks_of_review_rounds(app, runner, auth_client, client, user, smtp_server,
                                      frozen_clock):  # fmt: skip
    settings = agency_settings()
    settings.default_locale = "ru"
    settings.timezone = "Europe/Moscow"
    user.locale = "ru"
    belyzub = Client(name="Клиника «Белый зуб»", timezone="Europe/Moscow", created_at=msk(2, 9))
    irina = Contact(name="Ирина Петрова", email=IRINA, role="contact")
    oleg = Contact(name="Олег Сидоров", email=OLEG, role="contact")
    pavel = Contact(name="Павел Орлов", email=PAVEL, role="decision_maker")
    belyzub.contacts.extend([irina, oleg, pavel])
    db.session.add(belyzub)
    db.session.commit()
    template = make_template("Страница услуги", QUESTIONS, locale="ru")

    def brief(title: str, launch: date, recipients: list[Contact]):
        return make_brief(
            template, belyzub, title=title, locale="ru", launch_date=launch, user=user,
            now=msk(2, 9), recipients=recipients,
        )  # fmt: skip

    # A: a calm launch and a review round. B: answers due Friday the 13th, then a promise.
    # C: answers due Wednesday the 11th, then the launch is moved.
    whitening, whitening_token = brief(
        "Страница услуги «Профессиональное отбеливание зубов»", date(2027, 2, 1), [irina]
    )
    implants, _ = brief("Имплантация", date(2026, 11, 20), [irina])
    braces, _ = brief("Брекеты", date(2026, 11, 18), [irina, oleg])
    # D: a late-spring launch, for a second answer sent back in the same minute as A's.
    veneers, veneers_token = brief("Виниры", date(2027, 4, 5), [irina, oleg])
    fields = fields_by_key(whitening)
    veneers_fields = fields_by_key(veneers)

    said: dict[str, str] = {}

    def send_all():
        for each in (whitening, implants, braces, veneers):
            assert auth_client.post(f"/briefs/{each.id}/send").status_code == 302

    def irina_submits(values: dict[str, str]):
        # The form names the questions it showed; only those are saved.
        form = {"seen": [str(fields[key].id) for key in values], "action": "submit"}
        form |= {f"f-{fields[key].id}": value for key, value in values.items()}
        assert client.post(f"/c/{whitening_token}", data=form).status_code == 302

    def irina_answers_the_veneers_name():
        name = veneers_fields["name"].id
        form = {"seen": [str(name)], "action": "save", f"f-{name}": "Виниры"}
        assert client.post(f"/c/{veneers_token}", data=form).status_code == 302

    def agency_sends_one_answer_back():
        for key in ("name", "who"):
            auth_client.post(
                f"/briefs/{whitening.id}/fields/{fields[key].id}/review",
                data={f"f{fields[key].id}-verdict": ACCEPTED},
            )
        what = fields["what"].id
        page = auth_client.post(
            f"/briefs/{whitening.id}/fields/{what}/review",
            data={f"f{what}-verdict": CHANGES_REQUESTED,
                  f"f{what}-comment": "Сколько длится процедура и сколько визитов нужно?"},
            follow_redirects=True,
        )  # fmt: skip
        said["review flash"] = page.get_data(as_text=True)
        # In the same minute, the veneers brief's name is sent back too.
        name = veneers_fields["name"].id
        auth_client.post(
            f"/briefs/{veneers.id}/fields/{name}/review",
            data={f"f{name}-verdict": CHANGES_REQUESTED,
                  f"f{name}-comment": "Нужно полное название, как в прайсе."},
        )  # fmt: skip

    def promise_logged():
        response = auth_client.post(
            f"/briefs/{implants.id}/timeline",
            data={"day": "2026-11-16", "time": "10:45", "channel": "call",
                  "with_whom": "Павел Орлов", "note": "Павел соберёт ответы у врачей.",
                  "promise_due": "2026-11-18", "promise_by": "Павел Орлов"},
        )  # fmt: skip
        assert response.status_code == 302

    def launch_moved():
        response = auth_client.post(
            f"/briefs/{braces.id}/edit",
            data={"title": braces.title, "launch_date": "2027-01-20", "work_days": "5",
                  "recipients": [str(irina.id), str(oleg.id)], "decision_maker": "",
                  "locale": "ru"},
        )  # fmt: skip
        assert response.status_code == 302, response.get_data(as_text=True)

    submitted_at, sent_back_at, answered_at = msk(4, 12, 10), msk(5, 11, 10), msk(9, 10, 20)
    promised_at, moved_at = msk(16, 11), msk(13, 11)
    actions = [
        (msk(2, 9, 50), send_all),
        (submitted_at, lambda: irina_submits(
            {"name": "Отбеливание", "what": "Чистка и отбеливание", "who": "Взрослые"})),
        (submitted_at + timedelta(minutes=5), irina_answers_the_veneers_name),
        (sent_back_at, agency_sends_one_answer_back),
        (answered_at, lambda: irina_submits({"what": "Два визита по часу, с интервалом в неделю"})),
        (moved_at, launch_moved),
        (promised_at, promise_logged),
    ]  # fmt: skip
    actions.sort(key=lambda action: action[0])

    moment = msk(2, 8)
    while moment < msk(23, 8):
        while actions and actions[0][0] <= moment:
            when, act = actions.pop(0)
            frozen_clock(when)
            db.session.expire_all()
            act()
        if 8 <= moment.astimezone(MOSCOW).hour <= 20:
            result = runner.invoke(args=["send-due", "--now", moment.isoformat()])
            assert result.exit_code == 0, result.output
        moment += ONE_RUN
    db.session.expire_all()
    mails = received(smtp_server)

    def to(address: str, kind: str, about: Brief) -> list[Received]:
        return [m for m in mails if address in m.rcpt and m.kind == kind and m.for_brief(about)]

    # Monday: every recipient got the invitation at the first run after sending.
    for each, people in ((whitening, [IRINA]), (implants, [IRINA]), (braces, [IRINA, OLEG])):
        for address in people:
            [invitation] = to(address, "invitation", each)
            assert invitation.at == msk(2, 10)
    # One mail per recipient per run: Ирина's four briefs came in one invitation.
    assert len([m for m in mails if IRINA in m.rcpt and m.kind == "invitation"]) == 1

    # The agency hears of each submission within one run, not in the next day's digest.
    first, second = to(OWNER, "submitted", whitening)
    assert submitted_at < first.at <= submitted_at + ONE_RUN
    assert answered_at < second.at <= answered_at + ONE_RUN

    # Answers sent back: the agency is told Ирина will be e-mailed, and she is, in one run.
    assert "получит письмо при следующей рассылке" in said["review flash"]
    [sent_back] = to(IRINA, "changes_requested", whitening)
    assert sent_back_at < sent_back.at <= sent_back_at + ONE_RUN
    assert "Что именно делается" in sent_back.text
    assert "Сколько длится процедура и сколько визитов нужно?" in sent_back.text
    # Accepted, so not sent back (the mail lists the whitening brief first, then braces).
    whitening_part = sent_back.text.split("2. Бриф:")[0]
    assert "Что именно делается" in whitening_part and "Название услуги" not in whitening_part
    # Her own link, so what she answers through it is credited to her.
    assert f"/c/{own_token(whitening, IRINA)}#field-{fields['what'].id}" in sent_back.text
    # One mail per recipient per run: the veneers name, sent back in the same minute, is in
    # the same mail to Ирина, with its comment and her own veneers link; Олег, a recipient
    # of veneers and not of whitening, gets the mail about veneers alone.
    assert sent_back.brief_id is None and sent_back.for_brief(veneers)
    assert sent_back.subject == "Несколько ответов стоит уточнить: 2 брифа"
    assert "Нужно полное название, как в прайсе." in sent_back.text
    veneers_link = f"/c/{own_token(veneers, IRINA)}#field-{veneers_fields['name'].id}"
    assert veneers_link in sent_back.text
    assert len([m for m in mails if IRINA in m.rcpt and m.kind == "changes_requested"]) == 1
    [olegs] = to(OLEG, "changes_requested", veneers)
    assert olegs.brief_id == veneers.id and olegs.at == sent_back.at
    assert "Нужно полное название, как в прайсе." in olegs.text
    assert "Сколько длится процедура" not in olegs.text
    # She answered before a reminder was due: the record shows no chasing on this brief.
    assert to(IRINA, "reminder", whitening) == []

    # Олег, on the braces brief with Ирина, is told as she is.
    reminded = {who: [m.at for m in to(who, "reminder", braces)] for who in (IRINA, OLEG)}
    assert reminded[OLEG] and reminded[OLEG] == reminded[IRINA]

    # Braces fell late on Thursday the 12th: Павел is asked for a decision, Ирина and Олег
    # in copy. The launch moved on Friday the 13th ends "late": no late status after it.
    late = [m for m in mails if m.kind == "escalation" and m.data.get("late")]
    [braces_late] = [m for m in late if m.for_brief(braces)]
    assert braces_late.at.astimezone(MOSCOW).date() == date(2026, 11, 12)
    assert PAVEL in braces_late.rcpt and {IRINA, OLEG} <= set(braces_late.rcpt)
    assert "Нужно ваше решение" in braces_late.text
    for option in ("ответить на недостающие вопросы", "подсказать, кто может на них ответить",
                   "перенести запуск"):  # fmt: skip
        assert option in braces_late.text
    later = [m for m in mails if m.for_brief(braces) and m.at > moved_at]
    assert not [m for m in later if m.data.get("late") or "не сможет состояться" in m.text]
    # Later statuses (the reminders ran out) speak of the new launch, not of being late.
    assert [m for m in later if m.kind == "escalation" and "20 января 2027" in m.text]
    assert db.session.get(Brief, braces.id).risk_notified != "late"

    # Implants fell late on Saturday the 14th: Павел hears it and is asked to decide.
    [implants_late] = [m for m in late if m.for_brief(implants)]
    assert PAVEL in implants_late.rcpt and "Нужно ваше решение" in implants_late.text
    assert implants_late.at < promised_at

    # Monday the 16th, Павел promised the answers by Wednesday the 18th: nobody is chased
    # about implants until that day is over, then the reminders resume.
    chasing = [m for m in mails if m.for_brief(implants) and m.kind in ("reminder", "escalation")]
    assert not [m for m in chasing if promised_at < m.at < msk(19, 0)]
    after = [m.at.astimezone(MOSCOW).date() for m in chasing if m.at > promised_at]
    assert after and after[0] == date(2026, 11, 19)
    frozen_clock(msk(23, 8))
    page = auth_client.get(f"/briefs/{implants.id}/timeline").get_data(as_text=True)
    # Dates are written with narrow no-break spaces ("2026 г.").
    record = page.replace("\u202f", " ").replace("\xa0", " ")
    assert (
        "Павел соберёт ответы у врачей; Павел Орлов: обещание прислать ответы до "
        "18 ноября 2026 г. — не выполнено, к этому сроку пришли не все ответы"
    ) in record

    # Every subject reads back exactly as it was stored, whatever its length and alphabet.
    sent = db.session.scalars(select(Message).where(Message.status == "sent")).all()
    assert len(mails) == len(sent)
    for mail in mails:
        assert mail.subject == mail.row_subject, mail.kind

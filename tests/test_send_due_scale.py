"""send-due judges only the briefs that can be due: idle and closed briefs cost it nothing."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select, update

from briefs.accounts import agency_settings
from briefs.brief_summaries import refresh
from briefs.extensions import db
from briefs.mail import send_due
from briefs.mail.due_briefs import NOTHING_DUE
from briefs.models import Brief, BriefField, BriefSection, Event, Message
from briefs.models.brief import brief_recipient
from briefs.workflow import SYSTEM, mark_sent, record
from tests.factories import answer_fields, make_brief, make_client

MONDAY = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
WEDNESDAY = datetime(2026, 11, 4, 7, 0, tzinfo=UTC)
WEDNESDAY_EVENING = datetime(2026, 11, 4, 16, 0, tzinfo=UTC)  # 19:00: outside the window
THURSDAY = datetime(2026, 11, 5, 6, 5, tzinfo=UTC)  # 09:05: Monday's briefs are reminded
#: Three working days after Wednesday, at the window's opening in Moscow.
NEXT_MONDAY_AT_NINE = datetime(2026, 11, 9, 6, 0, tzinfo=UTC)
#: Queries a run costs per due brief: the "message_queued" line on its record, chained
#: under the chain head's lock (move the head, read it, insert, hash, store the hash: 5),
#: and the recipient's own link, made now for these bulk-inserted briefs (1; a brief sent
#: through the app has it already).
PER_DUE_BRIEF = 6


def add_idle_briefs(count: int, *, status: str = "sent", sent: datetime = WEDNESDAY) -> list[int]:
    """Bulk-insert briefs sent on Wednesday (or `sent`) to Ivan, one question unanswered."""
    client = make_client(name="Quiet Clinic")
    rows = [
        {
            "client_id": client.id,
            "title": f"Idle page {n}",
            "locale": "en",
            "status": status,
            "created_at": sent,
            "sent_at": sent,
            "closed_at": sent if status == "closed" else None,
        }
        for n in range(count)
    ]
    ids = list(db.session.scalars(insert(Brief).returning(Brief.id), rows))
    sections = list(
        db.session.scalars(
            insert(BriefSection).returning(BriefSection.id),
            [{"brief_id": brief_id, "title": "About"} for brief_id in ids],
        )
    )
    db.session.execute(
        insert(BriefField),
        [
            {"brief_id": brief_id, "section_id": section_id, "key": "name", "label": "Name"}
            for brief_id, section_id in zip(ids, sections, strict=True)
        ],
    )
    [contact] = [c for c in client.contacts if c.role == "contact"]
    db.session.execute(
        insert(brief_recipient), [{"brief_id": i, "contact_id": contact.id} for i in ids]
    )
    db.session.execute(
        insert(Event),
        [
            {
                "brief_id": brief_id,
                "kind": "brief_sent",
                "actor_kind": "system",
                "actor_label": "Tests",
                "data": {},
                "created_at": sent,
            }
            for brief_id in ids
        ],
    )
    db.session.commit()
    # Bulk inserts pass the session by: count their stored summaries as the migration did.
    refresh(ids)
    db.session.commit()
    return ids


def due_briefs(count: int) -> list[Brief]:
    """Create briefs sent on Monday: their first reminder is due on Thursday morning."""
    briefs = []
    for n in range(count):
        brief, _token = make_brief(title=f"Due page {n}", now=MONDAY)
        mark_sent(brief, SYSTEM, MONDAY)
        briefs.append(brief)
    db.session.commit()
    return briefs


def queries_of_a_due_run(count_queries, now: datetime) -> tuple[int, list[str]]:
    """Return the queries of a run at `now` and the kinds it queued."""
    db.session.expire_all()
    with count_queries() as statements:
        report = send_due.run(now)
    return len(statements), [m.kind for m in report.queued]


def test_a_run_costs_the_same_queries_with_100_or_1000_idle_briefs(app, count_queries):
    # The daily digest lists every open brief, so the run that sends it judges them all
    # (once a day); this measures the runs of the rest of the day.
    agency_settings().daily_digest = False
    db.session.commit()
    add_idle_briefs(100)
    add_idle_briefs(100, status="closed")
    # The run before (a minute earlier, say) judged every brief once.
    send_due.run(WEDNESDAY_EVENING)
    due_briefs(3)
    few, kinds = queries_of_a_due_run(count_queries, THURSDAY)
    assert kinds == ["reminder"]  # the three briefs' contact gets one mail listing them

    add_idle_briefs(900)
    add_idle_briefs(900, status="closed")
    send_due.run(THURSDAY + timedelta(minutes=1))
    # As if delivered: a reminder still waiting has the run judge the briefs it is about.
    db.session.execute(Message.__table__.update().values(status="sent"))
    due_briefs(3)
    many, kinds = queries_of_a_due_run(count_queries, THURSDAY + timedelta(minutes=2))
    assert kinds == ["reminder"]
    assert many == few
    reminded = db.session.scalars(select(Message.data).where(Message.kind == "reminder"))
    assert sorted(len(data["about"]) for data in reminded) == [3, 3]


def test_a_run_remembers_when_each_brief_is_next_due(app):
    # Without the team's digest, only reminders set the moments (not the day a brief has
    # waited long enough to count as stuck).
    agency_settings().daily_digest = False
    [due] = due_briefs(1)
    idle = add_idle_briefs(2)
    send_due.run(WEDNESDAY_EVENING)
    db.session.expire_all()
    moments = dict(list(db.session.execute(select(Brief.id, Brief.next_due_at))))
    # Sent on Wednesday: the first reminder goes three working days later, at nine.
    assert [moments[i] for i in idle] == [NEXT_MONDAY_AT_NINE] * 2
    assert moments[due.id] == datetime(2026, 11, 5, 6, 0, tzinfo=UTC)  # Thursday at nine
    # The reminder went: the next run looks at the brief again and finds the next one.
    send_due.run(THURSDAY)
    assert db.session.get(Brief, due.id).next_due_at is None
    send_due.run(THURSDAY + timedelta(minutes=1))
    db.session.expire_all()
    assert db.session.get(Brief, due.id).next_due_at == datetime(2026, 11, 10, 6, 0, tzinfo=UTC)


def test_a_change_to_an_idle_brief_has_the_next_run_look_at_it(app):
    [idle_id] = add_idle_briefs(1)
    send_due.run(WEDNESDAY_EVENING)
    brief = db.session.get(Brief, idle_id)
    assert brief.next_due_at == NEXT_MONDAY_AT_NINE
    record(brief, "contact_logged", SYSTEM, WEDNESDAY_EVENING, note="Called them")
    db.session.commit()
    assert db.session.get(Brief, idle_id).next_due_at is None


def test_a_brief_with_every_answer_in_is_not_looked_at_again(app):
    [idle_id] = add_idle_briefs(1)
    db.session.execute(
        BriefField.__table__.update().values(value="Whitening", answered_at=WEDNESDAY)
    )
    db.session.commit()
    send_due.run(WEDNESDAY_EVENING)
    db.session.expire_all()
    assert db.session.get(Brief, idle_id).next_due_at == NOTHING_DUE


def test_an_idle_brief_is_reminded_when_its_moment_comes(app):
    add_idle_briefs(1)
    send_due.run(WEDNESDAY_EVENING)
    assert send_due.run(NEXT_MONDAY_AT_NINE - timedelta(minutes=1)).queued == []
    report = send_due.run(NEXT_MONDAY_AT_NINE + timedelta(minutes=1))
    assert [m.kind for m in report.queued] == ["reminder"]
    assert db.session.scalar(select(func.count(Message.id))) == 1


def test_a_digest_with_nothing_to_tell_waits_for_news_without_judging_every_brief(
    app, user, count_queries
):
    idle = add_idle_briefs(20)
    thursday_ten = datetime(2026, 11, 5, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
    # Nothing stuck, at risk, late or new: the first run of the day judges every brief and
    # has no digest to send.
    assert send_due.run(thursday_ten).queued == []
    assert agency_settings().digest_empty_on == thursday_ten.date()
    with count_queries() as quiet:
        assert send_due.run(thursday_ten + timedelta(minutes=1)).queued == []
    # The client answers on one brief: that is news, and the digest lists it.
    answer_fields(db.session.get(Brief, idle[0]), ["name"], thursday_ten + timedelta(minutes=2))
    db.session.commit()
    report = send_due.run(thursday_ten + timedelta(minutes=3))
    [digest] = [m for m in report.queued if m.kind == "agency_digest"]
    assert "Idle page 0" in digest.text_body
    # A quiet run judged no brief: it read no fields.
    assert not [q for q in quiet if "FROM brief_field" in q]


def test_a_run_with_100_due_briefs_costs_a_few_queries_more_per_brief_than_with_10(
    app, count_queries
):
    # Per due brief a run writes one line on its record ("message_queued", under the event
    # chain's lock) and its recipient's own link; everything else is read for all at once:
    # the briefs, their fields, links and wordings, the stored dedupe keys. Reminders are
    # rendered once, folded into one mail per contact.
    agency_settings().daily_digest = False
    db.session.commit()
    add_idle_briefs(10, sent=MONDAY)
    few, kinds = queries_of_a_due_run(count_queries, THURSDAY)
    assert kinds == ["reminder"]
    # As if delivered; then 100 briefs sent the day after, due the day after.
    db.session.execute(Message.__table__.update().values(status="sent"))
    db.session.commit()
    add_idle_briefs(100, sent=MONDAY + timedelta(days=1))
    many, kinds = queries_of_a_due_run(count_queries, THURSDAY + timedelta(days=1))
    assert kinds == ["reminder"]
    assert few < 110
    assert many - few <= 90 * PER_DUE_BRIEF, (few, many)
    reminded = db.session.scalars(select(Message.data).where(Message.kind == "reminder"))
    assert sorted(len(data["about"]) for data in reminded) == [10, 100]


def at_risk_briefs(count: int) -> None:
    """Add idle briefs whose answers are due on Monday 9 Nov: at risk from Wednesday on."""
    ids = add_idle_briefs(count)
    db.session.execute(
        update(Brief).where(Brief.id.in_(ids)).values(launch_date=date(2026, 11, 16))
    )
    db.session.commit()
    refresh(ids)
    db.session.commit()


def test_the_digest_run_reads_stored_summaries_the_same_at_100_or_1000_briefs(
    app, user, count_queries
):
    def digest_run(now: datetime) -> tuple[int, str, list[str]]:
        # The evening before (no digest then) told the team of the risk, and judged every
        # brief: the digest's run then has none of them due.
        agency_settings().daily_digest = False
        db.session.commit()
        assert send_due.run(now - timedelta(hours=15)).queued
        # A brief a run mailed about is judged again by the next run (as cron makes them).
        assert not send_due.run(now - timedelta(hours=14)).queued
        agency_settings().daily_digest = True
        db.session.commit()
        db.session.expire_all()
        with count_queries() as statements:
            report = send_due.run(now)
        [digest] = [m for m in report.queued if m.kind == "agency_digest"]
        return len(statements), digest.text_body, statements

    at_risk_briefs(100)
    few, body, _statements = digest_run(datetime(2026, 11, 5, 7, 0, tzinfo=UTC))
    assert body.count("Idle page") == 100
    db.session.execute(update(Brief).values(status="closed"))
    db.session.commit()
    at_risk_briefs(1000)
    many, body, statements = digest_run(datetime(2026, 11, 6, 7, 0, tzinfo=UTC))
    assert body.count("Idle page") == 1000 and "At risk:" in body
    assert many == few
    # Listed from the summaries stored on the briefs: no brief judged, no field read.
    assert not [q for q in statements if "FROM brief_field" in q]

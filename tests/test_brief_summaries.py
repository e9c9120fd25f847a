"""The summaries stored on each brief say what a fresh count from every field says.

Random sequences of what happens to briefs (sending, answers, conditions, reviews, comments,
submitting, closing, reopening, new launch dates), each committed the way a page commits it;
after every step the stored columns must equal `overview.load_summaries`, which judges the
brief from all its fields in Python.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from briefs import brief_summaries
from briefs.accounts import agency_settings
from briefs.chase_policy import calendar, deadline, zone
from briefs.comments import add_comment, resolve
from briefs.dashboard.board import risk_condition
from briefs.extensions import db
from briefs.models import Brief, BriefField
from briefs.models.brief import ACCEPTED, CHANGES_REQUESTED
from briefs.overview import load_summaries
from briefs.rules.completeness import has_answer
from briefs.workflow import (
    Actor,
    BriefClosed,
    QuestionHidden,
    RevisionConflict,
    close,
    mark_sent,
    record_answers_saved,
    reopen,
    review,
    save_answer,
    submit,
)
from tests.factories import NOW, copy_briefs, make_brief, make_client, make_template

AGENCY = Actor("system", "Tests")
CLIENT = Actor.client("Ivan Contact")

HOME = {"key": "where", "op": "equals", "value": "At home"}
CONDITIONAL = [
    (
        "The service",
        [
            {
                "key": "where",
                "label": "Where",
                "type": "single_choice",
                "options": ["In the clinic", "At home"],
            },
            {"key": "area", "label": "Which districts", "condition": HOME},
            {"key": "name", "label": "Service name"},
            {"key": "price", "label": "Price", "required": False},
        ],
    )
]
VALUES = {"where": ["In the clinic", "At home", ""], "area": ["North", ""]}


def stored(brief_id: int) -> dict:
    """Read the stored columns straight from the table, past the session."""
    columns = [getattr(Brief, name) for name in brief_summaries.COLUMNS]
    row = db.session.execute(select(*columns).where(Brief.id == brief_id)).one()
    return dict(zip(brief_summaries.COLUMNS, row, strict=True))


def fresh(brief: Brief) -> dict:
    """Judge the brief afresh from all its fields, as the brief page does."""
    [summary] = load_summaries([brief])
    settings = agency_settings()
    cal = calendar(settings, NOW.date())
    move = summary.move
    return {
        "required_count": summary.progress.required,
        "missing_count": summary.progress.missing,
        "unreviewed_count": summary.unreviewed,
        "move_side": move.side,
        "move_since": move.since if move.side else None,
        "last_client_at": summary.last_client_at,
        "info_due": deadline(brief, 0, cal, NOW, zone(settings.timezone)).info_due,
    }


def act(rng: random.Random, brief: Brief, when) -> str:
    """Do one random thing to the brief, as some page or run would; return what it was."""
    fields = [f for section in brief.sections for f in section.fields]
    field = rng.choice(fields)
    choice = rng.choice(
        ["send", "answer", "answer", "answer", "skip", "accept", "send_back", "submit"]
        + ["comment", "reply", "resolve", "close", "reopen", "launch"]
    )
    if choice == "send":
        mark_sent(brief, AGENCY, when)
    elif choice == "answer":
        value = rng.choice(VALUES.get(field.key, ["Something", "", "  "]))
        if save_answer(field, value, not_applicable=False, actor=CLIENT, now=when):
            record_answers_saved(brief, [field], CLIENT, when)
    elif choice == "skip":
        if save_answer(field, "", not_applicable=True, actor=CLIENT, now=when):
            record_answers_saved(brief, [field], CLIENT, when)
    elif choice in ("accept", "send_back"):
        answered = [f for f in fields if has_answer(f)] or fields
        verdict = ACCEPTED if choice == "accept" else CHANGES_REQUESTED
        review(rng.choice(answered), verdict, "More, please", AGENCY, when)
    elif choice == "submit":
        submit(brief, CLIENT, when, missing=[])
    elif choice == "comment":
        add_comment(brief, field, "Which one?", side="client", actor=CLIENT, now=when)
    elif choice == "reply":
        add_comment(brief, field, "This one.", side="agency", actor=AGENCY, now=when)
    elif choice == "resolve":
        resolve(brief, field, actor=AGENCY, now=when)
    elif choice == "close":
        close(brief, AGENCY, when)
    elif choice == "reopen":
        reopen(brief, AGENCY, when)
    else:
        brief.launch_date = rng.choice([None, date(2026, 11, 5), date(2026, 12, 24)])
        brief.work_days = rng.randint(1, 10)
    return choice


@pytest.mark.parametrize("seed", range(6))
def test_stored_summaries_equal_a_fresh_count_after_every_change(app, seed):
    rng = random.Random(seed)
    client = make_client()
    templates = [make_template(), make_template("Visits", sections=CONDITIONAL)]
    briefs = [
        make_brief(templates[n % 2], client, title=f"Brief {n}", now=NOW - timedelta(days=40))[0]
        for n in range(3)
    ]
    db.session.commit()
    for brief in briefs:
        assert stored(brief.id) == fresh(brief)
    for step in range(40):
        brief = rng.choice(briefs)
        when = NOW - timedelta(days=30) + timedelta(hours=17 * step)
        try:
            done = act(rng, brief, when)
        except (BriefClosed, QuestionHidden, RevisionConflict):
            db.session.rollback()
            continue
        db.session.commit()
        for each in briefs:
            assert stored(each.id) == fresh(each), (seed, step, done, each.id)


def test_a_change_rolled_back_leaves_the_summary_as_it_was(app):
    brief, _ = make_brief(now=NOW - timedelta(days=3))
    db.session.commit()
    before = stored(brief.id)
    mark_sent(brief, AGENCY, NOW - timedelta(days=2))
    db.session.flush()
    db.session.rollback()
    # Nothing noted by the rolled-back flush is written by the next commit either.
    db.session.commit()
    assert stored(brief.id) == before
    assert before["move_side"] == "agency"


def test_a_page_reading_before_its_commit_sees_its_own_change(app):
    brief, _ = make_brief(now=NOW - timedelta(days=3))
    db.session.commit()
    mark_sent(brief, AGENCY, NOW - timedelta(days=2))
    brief_summaries.settle()
    assert stored(brief.id)["move_side"] == "client"
    assert brief.move_since == NOW - timedelta(days=2)  # the session's copy follows too


def test_bulk_copies_are_counted_like_the_rest(app):
    source, _ = make_brief(make_template(), make_client(), now=NOW - timedelta(days=3))
    mark_sent(source, AGENCY, NOW - timedelta(days=2))
    db.session.commit()

    def answer_all(n: int, brief: dict, fields: list[dict]) -> None:
        if n % 2:
            for field in fields:
                field.update(value="Ads", revision=1, answered_at=NOW - timedelta(days=1))

    copy_briefs(source, 4, answer_all)
    briefs = db.session.scalars(select(Brief).order_by(Brief.id)).all()
    assert len(briefs) == 5
    for brief in briefs:
        assert stored(brief.id) == fresh(brief)
    assert {stored(b.id)["missing_count"] for b in briefs} == {0, 4}


def test_risk_in_sql_is_the_risk_the_rows_show(app):
    """Every launch date from last week to next month, with and without missing answers."""
    source, _ = make_brief(make_template(), make_client(), now=NOW - timedelta(days=30))
    mark_sent(source, AGENCY, NOW - timedelta(days=20))
    db.session.commit()
    start = NOW.date() - timedelta(days=7)

    def launch(n: int, brief: dict, fields: list[dict]) -> None:
        brief["launch_date"] = start + timedelta(days=n // 2)
        brief["work_days"] = 1 + n % 3
        if n % 2:
            for field in fields:
                field.update(value="Ads", revision=1, answered_at=NOW - timedelta(days=1))

    copy_briefs(source, 90, launch)
    settings = agency_settings()
    today = NOW.astimezone(zone(settings.timezone)).date()
    cal = calendar(settings, today)
    briefs = db.session.scalars(select(Brief).where(Brief.id != source.id)).all()
    missing = {s.brief.id: s.missing for s in load_summaries(briefs)}
    for risk in ("late", "at_risk", "on_track"):
        in_sql = set(db.session.scalars(select(Brief.id).where(risk_condition(risk, today, cal))))
        in_python = {
            b.id
            for b in briefs
            if deadline(b, missing[b.id], cal, NOW, zone(settings.timezone)).risk == risk
        }
        assert in_sql - {source.id} == in_python, risk
        assert in_python, risk  # each risk is met at least once


def test_a_field_changed_outside_the_workflow_is_counted_too(app):
    """A brief's questions edited directly (a template or condition change) still count."""
    brief, _ = make_brief(now=NOW - timedelta(days=3))
    mark_sent(brief, AGENCY, NOW - timedelta(days=2))
    db.session.commit()
    required = stored(brief.id)["required_count"]
    field = db.session.scalars(
        select(BriefField).where(BriefField.brief_id == brief.id, BriefField.required)
    ).first()
    field.required = False
    db.session.commit()
    assert stored(brief.id)["required_count"] == required - 1
    assert stored(brief.id) == fresh(brief)


def test_new_days_off_move_the_stored_info_due_day(auth_client):
    brief, _ = make_brief(make_template(), make_client(), launch_date=date(2026, 12, 24))
    db.session.commit()
    assert stored(brief.id)["info_due"] == date(2026, 12, 17)  # five working days before
    response = auth_client.post(
        "/settings/reminders",
        data={
            "reminder_first_after": "3",
            "reminder_every": "3",
            "reminder_max": "3",
            "window_start_hour": "9",
            "window_end_hour": "18",
            "escalate_after": "2",
            "holiday_country": "",
            "extra_holidays": "2026-12-21 Office move\n2026-12-22 Office move",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert stored(brief.id)["info_due"] == date(2026, 12, 15)
    assert stored(brief.id) == fresh(db.session.get(Brief, brief.id))


def test_the_upgrade_fills_in_the_summaries_of_existing_briefs(tmp_path):
    from flask_migrate import downgrade, upgrade

    from briefs import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'upgraded.sqlite'}",
        }
    )
    with app.app_context():
        upgrade()
        brief, _ = make_brief(launch_date=date(2026, 12, 24), now=NOW - timedelta(days=3))
        mark_sent(brief, AGENCY, NOW - timedelta(days=2))
        db.session.commit()
        expected = stored(brief.id)
        assert expected["move_side"] == "client" and expected["missing_count"] == 4
        db.session.remove()
        downgrade(revision="0015")  # the columns go, with what they held
        upgrade()
        assert stored(brief.id) == expected
        db.session.remove()
        db.engine.dispose()


def _answer(brief: Brief, key: str, value: str) -> BriefField:
    field = next(f for s in brief.sections for f in s.fields if f.key == key)
    assert save_answer(field, value, not_applicable=False, actor=CLIENT, now=NOW)
    record_answers_saved(brief, [field], CLIENT, NOW)
    return field


def test_a_save_to_a_brief_held_whole_is_counted_from_memory(app, count_queries):
    """An autosave holds the whole brief: its summary costs no aggregate over the fields."""
    brief, _ = make_brief(make_template("Visits", sections=CONDITIONAL), make_client())
    mark_sent(brief, AGENCY, NOW)
    db.session.commit()
    brief = db.session.get(Brief, brief.id)
    [field.key for section in brief.sections for field in section.fields]  # load them all
    with count_queries() as statements:
        _answer(brief, "name", "Whitening")
        db.session.commit()
    assert not [s for s in statements if "brief_field" in s and s.lstrip().startswith("SELECT")]
    assert stored(brief.id) == fresh(brief)
    assert stored(brief.id)["missing_count"] == 1  # "where" is left; "area" is hidden


def _held_whole(brief_id: int) -> Brief:
    brief = db.session.get(Brief, brief_id)
    [field.key for section in brief.sections for field in section.fields]  # load them all
    return brief


#: What only the SQL count of briefs.brief_tallies sends.
_AGGREGATE = "sum(CASE"


def test_a_brief_another_writer_changed_meanwhile_is_read_again(app, count_queries):
    """Memory proves nothing once another transaction answered between the load and the
    save: the summary must count both answers, not only the ones this session holds. The
    save's raise locked the brief, so it is read again (not counted in SQL)."""
    brief, _ = make_brief(make_template("Visits", sections=CONDITIONAL), make_client())
    mark_sent(brief, AGENCY, NOW)
    db.session.commit()
    brief_id = brief.id
    mine = _held_whole(brief_id)
    with app.app_context():  # another request, in its own session and transaction
        theirs = db.session.get(Brief, brief_id)
        _answer(theirs, "where", "In the clinic")
        db.session.commit()
    with count_queries() as statements:
        _answer(mine, "name", "Whitening")
        db.session.commit()
    after = stored(brief_id)
    assert after["missing_count"] == 0
    assert not [s for s in statements if _AGGREGATE in s]
    assert len([s for s in statements if s.startswith("SELECT brief_field.id")]) == 1
    # What the session holds is now what the database holds.
    assert next(f for s in mine.sections for f in s.fields if f.key == "where").value
    db.session.expire_all()
    assert after == fresh(db.session.get(Brief, brief_id))


def test_questions_another_writer_added_meanwhile_are_counted(app):
    """Read again, the brief's collections are set anew: questions the agency added
    between the client's load and save count, and one it removed does not."""
    brief, _ = make_brief(make_template(), make_client())
    mark_sent(brief, AGENCY, NOW)
    db.session.commit()
    brief_id = brief.id
    before = stored(brief_id)["required_count"]
    mine = _held_whole(brief_id)
    first, last = mine.sections[0].fields[0], mine.sections[-1].fields[-1]
    assert last.required and last is not first
    removed = last.key
    with app.app_context():
        section = db.session.get(Brief, brief_id).sections[0]
        for n in (1, 2):
            db.session.add(
                BriefField(
                    brief_id=brief_id,
                    section_id=section.id,
                    position=90 + n,
                    key=f"added{n}",
                    label="Added meanwhile",
                    type="short_text",
                    required=True,
                )
            )
        db.session.delete(db.session.get(BriefField, last.id))
        db.session.commit()
    _answer(mine, first.key, "Changed")
    brief_summaries.settle()
    # Before the commit: what the session holds was set anew from the rows.
    keys = [f.key for s in mine.sections for f in s.fields]
    assert {"added1", "added2"} <= set(keys) and removed not in keys
    db.session.commit()
    assert stored(brief_id)["required_count"] == before + 1
    db.session.expire_all()
    assert stored(brief_id) == fresh(db.session.get(Brief, brief_id))


def test_a_new_question_in_a_held_brief_is_counted_in_sql(app):
    """A field added by its foreign key alone is not in the collections held: SQL counts."""
    brief, _ = make_brief(make_template(), make_client())
    mark_sent(brief, AGENCY, NOW)
    db.session.commit()
    brief = db.session.get(Brief, brief.id)
    section = brief.sections[0]
    [field.key for s in brief.sections for field in s.fields]
    before = stored(brief.id)["required_count"]
    db.session.add(
        BriefField(
            brief_id=brief.id,
            section_id=section.id,
            position=99,
            key="extra",
            label="Extra",
            type="short_text",
            required=True,
        )
    )
    _answer(brief, brief.sections[0].fields[0].key, "Changed")
    db.session.commit()
    assert stored(brief.id)["required_count"] == before + 1

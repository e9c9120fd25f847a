"""Many writers at once: the event chain stays whole and every acknowledged save is kept.

Each writer is a thread with its own session (its own app context) that saves answers
through the workflow functions a request uses, and commits, as fast as it can. Afterwards
`verify-log` must hold and every save that was acknowledged (committed) must be stored.
On PostgreSQL the old scheme broke here: ids were taken before the log's lock, so a later
id could commit first and two events chained to the same predecessor.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from briefs import brief_summaries, create_app, whole_brief
from briefs.event_log import check_log
from briefs.extensions import db
from briefs.models import Answer, Brief, BriefField, Event
from briefs.whole_brief import BY_ID, load_whole
from briefs.workflow import SYSTEM, Actor, mark_sent, record_answers_saved, save_answer
from tests.factories import NOW, make_brief, make_template

pytestmark = pytest.mark.stress

#: How long the writers write, in seconds (30 by default; the CI machine may shorten it).
SECONDS = float(os.environ.get("STRESS_SECONDS", "30"))


def stress_app(url: str, writers: int):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": writers + 2, "max_overflow": 0},
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def one_field_per_writer(writers: int) -> tuple[int, list[int]]:
    fields = [{"key": f"q{i}", "label": f"Question {i}"} for i in range(writers)]
    brief, _token = make_brief(make_template("Stress", [("All", fields)]))
    mark_sent(brief, SYSTEM, NOW)
    db.session.commit()
    return brief.id, [f.id for s in brief.sections for f in s.fields]


def write_until(app, field_id: int, writer: int, deadline: float, acked: list, errors: list):
    """Save answer after answer to one field; note each one whose commit returned."""
    actor = Actor.client(f"Writer {writer}")
    number = 0
    with app.app_context():
        while time.monotonic() < deadline:
            number += 1
            value = f"writer {writer}, save {number}"
            try:
                field = db.session.get(BriefField, field_id)
                save_answer(field, value, not_applicable=False, actor=actor, now=NOW)
                record_answers_saved(field.brief, [field], actor, NOW + timedelta(seconds=1))
                revision = field.revision
                db.session.commit()
            except Exception as error:  # noqa: BLE001  (counted and shown by the test)
                db.session.rollback()
                errors.append(f"writer {writer}: {error!r}"[:300])
            else:
                acked.append((field_id, revision, value))
        db.session.remove()


def run_writers(app, writers: int) -> tuple[list, list]:
    with app.app_context():
        _brief_id, field_ids = one_field_per_writer(writers)
    acked: list = []
    errors: list = []
    deadline = time.monotonic() + SECONDS
    threads = [
        threading.Thread(target=write_until, args=(app, field_ids[i], i, deadline, acked, errors))
        for i in range(writers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return acked, errors


def check_everything_held(app, acked: list, errors: list, writers: int) -> None:
    with app.app_context():
        report = check_log()
        stored = set(db.session.execute(select(Answer.field_id, Answer.number, Answer.value)))
        events = db.session.execute(select(Event.id, Event.seq).order_by(Event.seq)).all()
        result = app.test_cli_runner().invoke(args=["verify-log"])
        db.session.remove()
        db.engine.dispose()
    assert errors == [], errors[:5]
    assert len(acked) >= writers * 3, f"only {len(acked)} saves in {SECONDS} s"
    assert report.holds, report.breaks[:10]
    assert report.count == len(events) == len(acked) + 2  # brief_created, brief_sent
    assert [seq for _id, seq in events] == list(range(1, len(events) + 1))
    assert set(acked) <= stored, sorted(set(acked) - stored)[:5]
    assert result.exit_code == 0 and f"The log holds: {report.count} events" in result.output


@pytest.mark.parametrize("writers", [8, 50])
def test_concurrent_writers_on_postgresql_keep_the_chain_whole(postgres_url, writers):
    app = stress_app(postgres_url, writers)
    acked, errors = run_writers(app, writers)
    check_everything_held(app, acked, errors, writers)


@pytest.mark.parametrize("writers", [8, 50])
def test_concurrent_writers_on_sqlite_keep_the_chain_whole(tmp_path, writers):
    app = stress_app(f"sqlite:///{tmp_path / 'stress.sqlite'}", writers)
    acked, errors = run_writers(app, writers)
    check_everything_held(app, acked, errors, writers)


def hold_whole_and_toggle(app, ids, writer: int, deadline: float, done: list, errors: list):
    """Save one field as the client form does: the brief loaded whole, the answer given and
    taken back in turn (so its brief's missing count moves), one request at a time."""
    brief_id, field_id = ids
    actor = Actor.client(f"Writer {writer}")
    number = 0
    with app.app_context():
        while time.monotonic() < deadline:
            number += 1
            value = f"writer {writer}, save {number}" if number % 2 else ""
            try:
                brief = load_whole(BY_ID, brief_id)
                field = next(f for s in brief.sections for f in s.fields if f.id == field_id)
                if save_answer(field, value, not_applicable=False, actor=actor, now=NOW):
                    record_answers_saved(brief, [field], actor, NOW + timedelta(seconds=1))
                db.session.commit()
            except Exception as error:  # noqa: BLE001  (counted and shown by the test)
                db.session.rollback()
                errors.append(f"writer {writer}: {error!r}"[:300])
            else:
                done.append(number)
            finally:
                db.session.remove()  # the next save is the next request


def summaries_stay_true(app, writers: int, monkeypatch) -> None:
    """Writers holding one brief whole disprove each other's memory: each save reads the
    brief again under its lock (briefs.loaded_state.locked), and the stored summary must
    still equal a count in SQL."""
    read_again = []
    original = whole_brief.read_again

    def counting(session, brief):
        read_again.append(brief.id)
        original(session, brief)

    monkeypatch.setattr(whole_brief, "read_again", counting)
    with app.app_context():
        brief_id, field_ids = one_field_per_writer(writers)
    done: list = []
    errors: list = []
    deadline = time.monotonic() + min(SECONDS, 10)
    threads = [
        threading.Thread(
            target=hold_whole_and_toggle,
            args=(app, (brief_id, field_ids[i]), i, deadline, done, errors),
        )
        for i in range(writers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        columns = [getattr(Brief, name) for name in brief_summaries.COLUMNS]
        stored = db.session.execute(select(*columns).where(Brief.id == brief_id)).one()
        empty = db.session.scalar(
            select(func.count(BriefField.id)).where(
                BriefField.brief_id == brief_id, BriefField.value == ""
            )
        )
        brief_summaries.refresh([brief_id])  # counted in SQL, from the rows alone
        db.session.commit()
        counted = db.session.execute(select(*columns).where(Brief.id == brief_id)).one()
        db.session.remove()
        db.engine.dispose()
    assert errors == [], errors[:5]
    assert len(done) >= writers * 3, f"only {len(done)} saves"
    assert read_again, "no save met another writer's change: the path was not run"
    assert stored == counted
    assert stored.missing_count == empty


@pytest.mark.parametrize("writers", [8])
def test_writers_holding_one_brief_whole_keep_its_summary_on_postgresql(
    postgres_url, writers, monkeypatch
):
    summaries_stay_true(stress_app(postgres_url, writers), writers, monkeypatch)


@pytest.mark.parametrize("writers", [8])
def test_writers_holding_one_brief_whole_keep_its_summary_on_sqlite(tmp_path, writers, monkeypatch):
    app = stress_app(f"sqlite:///{tmp_path / 'stress.sqlite'}", writers)
    summaries_stay_true(app, writers, monkeypatch)

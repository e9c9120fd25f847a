"""The event log is a hash chain; verify-log finds an edited, a deleted, a reordered event."""

from datetime import timedelta

from sqlalchemy import text

from briefs.extensions import db
from briefs.models import Event
from briefs.rules.event_chain import verify
from briefs.workflow import SYSTEM, Actor, mark_sent, save_answer
from tests.factories import NOW, make_brief


def make_log():
    brief, _token = make_brief()
    mark_sent(brief, SYSTEM, NOW + timedelta(minutes=1))
    field = brief.sections[0].fields[0]
    save_answer(field, "Whitening", not_applicable=False, actor=Actor.client("Ivan"), now=NOW)
    from briefs.workflow import record_answers_saved

    record_answers_saved(brief, [field], Actor.client("Ivan"), NOW + timedelta(minutes=2))
    db.session.commit()
    return db.session.scalars(db.select(Event).order_by(Event.id)).all()


def test_each_event_is_chained_to_the_one_before(app):
    events = make_log()
    assert len(events) == 3
    assert events[0].prev_hash == ""
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash and len(after.hash) == 64


def test_verify_log_reports_a_whole_chain(app, runner):
    events = make_log()
    result = runner.invoke(args=["verify-log"])
    assert result.exit_code == 0
    assert f"The log holds: 3 events, head {events[-1].hash}" in result.output


def sql(statement: str, **params) -> None:
    db.session.execute(text(statement), params)
    db.session.commit()
    db.session.expire_all()


def test_an_edited_event_is_found(app, runner):
    events = make_log()
    sql("UPDATE event SET data = :data WHERE id = :id", data='{"to": []}', id=events[1].id)
    result = runner.invoke(args=["verify-log"])
    assert result.exit_code == 1
    assert f"Broken at event {events[1].id} (brief_sent" in result.output
    assert "does not match its hash (edited?)" in result.output


def test_a_deleted_event_is_found(app, runner):
    events = make_log()
    sql("DELETE FROM event WHERE id = :id", id=events[1].id)
    result = runner.invoke(args=["verify-log"])
    assert result.exit_code == 1
    assert f"Broken at event {events[2].id}" in result.output
    assert "deleted or reordered" in result.output


def test_reordered_events_are_found(app):
    events = make_log()
    rows = [
        {c: getattr(e, c) for c in (
            "id", "brief_id", "kind", "actor_kind", "actor_user_id", "actor_label",
            "field_id", "data", "created_at", "prev_hash", "hash",
        )}
        for e in events
    ]  # fmt: skip
    assert verify(rows)[2] is None
    swapped = [rows[0], rows[2], rows[1]]
    count, _head, broken = verify(swapped)
    assert broken is not None and broken.event_id == rows[2]["id"] and count == 2
    # Swapping the contents while keeping the ids in order breaks it as well.
    a, b = dict(rows[1]), dict(rows[2])
    a["id"], b["id"] = rows[2]["id"], rows[1]["id"]
    assert verify([rows[0], b, a])[2] is not None

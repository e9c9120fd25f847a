"""The event log is a hash chain; verify-log finds an edited, a deleted, a reordered event,
an edited answer, comment or review, and (with --head) a cut-off or recomputed log."""

from datetime import timedelta

from sqlalchemy import text

from briefs import prefill
from briefs.comments import add_comment
from briefs.event_log import chain_head
from briefs.extensions import db
from briefs.models import Answer, ChainHead, Event
from briefs.rules.event_chain import answer_digest, check_chain, check_values, event_hash, verify
from briefs.workflow import SYSTEM, Actor, mark_sent, record_answers_saved, review, save_answer
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


# --- The chain under one head lock, values digested, every break, --head ----------------

COLUMNS = (
    "id", "seq", "brief_id", "kind", "actor_kind", "actor_user_id", "actor_label", "field_id",
    "data", "created_at", "prev_hash", "hash",
)  # fmt: skip


def chained_rows(ids: list[int]) -> list[dict]:
    """Rows chained in the order given, whatever their ids."""
    rows, previous = [], ""
    for position, event_id in enumerate(ids, 1):
        row = {
            "id": event_id, "seq": position, "brief_id": 1, "kind": "brief_created",
            "actor_kind": "system", "actor_user_id": None, "actor_label": "Briefs",
            "field_id": None, "data": {"n": event_id}, "created_at": NOW,
        }  # fmt: skip
        row["prev_hash"] = previous
        row["hash"] = previous = event_hash(
            prev_hash=previous, **{k: v for k, v in row.items() if k not in ("prev_hash", "seq")}
        )
        rows.append(row)
    return rows


def test_it_follows_the_chains_order_not_the_ids():
    # On PostgreSQL a later id can commit first: the chain is in the order of the lock.
    report = check_chain(chained_rows([3, 1, 2, 5, 4]))
    assert report.holds and report.count == 5


def test_it_reports_every_break_not_only_the_first():
    rows = chained_rows([1, 2, 3, 4, 5, 6])
    rows[1]["data"] = {"n": "edited"}
    del rows[4]
    report = check_chain(rows)
    assert [(b.event_id, b.reason) for b in report.breaks] == [(2, "content"), (6, "prev_hash")]
    assert report.count == 5


def test_a_head_kept_elsewhere_must_still_be_in_the_chain():
    rows = chained_rows([1, 2, 3, 4])
    kept = rows[2]["hash"]
    assert check_chain(rows, expected_head=kept).head_at == 3
    report = check_chain(rows[:2], expected_head=kept)
    assert [(b.event_id, b.reason, b.detail) for b in report.breaks] == [(None, "head", kept)]


def test_values_are_checked_in_their_revision_and_while_current_in_the_field():
    digest = answer_digest("Whitening", False)
    row = {"id": 7, "kind": "answer_saved", "data": {"answers": [
        {"field": 10, "number": 2, "sha256": digest},
    ]}}  # fmt: skip

    def breaks(answers, current):
        found = check_values([row], answers=answers, current=current, comments={}, reviews={})
        return [(b.event_id, b.detail) for b in found]

    assert breaks({(10, 2): ("Whitening", False)}, {10: (2, "Whitening", False)}) == []
    assert breaks({(10, 2): ("Whitening!", False)}, {10: (2, "Whitening", False)}) == [
        (7, "edited")
    ]
    assert breaks({(10, 2): ("Whitening", False)}, {10: (2, "Bleach", False)}) == [(7, "edited")]
    # A later revision is current: the field's value is another answer's business.
    assert breaks({(10, 2): ("Whitening", False)}, {10: (3, "Bleach", False)}) == []
    assert breaks({}, {10: (3, "Bleach", False)}) == [(7, "gone")]


def make_valued_log():
    """A brief with an answer, a comment and a review, all recorded."""
    brief, _token = make_brief()
    mark_sent(brief, SYSTEM, NOW + timedelta(minutes=1))
    field = brief.sections[0].fields[0]
    ivan = Actor.client("Ivan")
    save_answer(field, "Whitening", not_applicable=False, actor=ivan, now=NOW)
    record_answers_saved(brief, [field], ivan, NOW + timedelta(minutes=2))
    comment = add_comment(brief, field, "Which shade?", side="agency", actor=SYSTEM, now=NOW)
    item = review(field, "changes_requested", "Say the price too", SYSTEM, NOW)
    db.session.commit()
    return brief, field, comment, item


def verify_log(runner, *args):
    db.session.expire_all()
    return runner.invoke(args=["verify-log", *args])


def test_events_take_positions_one_after_another_and_move_the_head(app):
    make_valued_log()
    events = db.session.scalars(db.select(Event).order_by(Event.seq)).all()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    head = db.session.get(ChainHead, 1)
    assert (head.seq, head.hash) == (len(events), events[-1].hash)
    assert chain_head().count == len(events) and chain_head().hash == events[-1].hash


def test_verify_log_holds_with_values_and_the_current_head(app, runner):
    make_valued_log()
    head = chain_head()
    result = verify_log(runner, "--head", head.hash)
    assert result.exit_code == 0, result.output
    assert f"The log holds: {head.count} events, head {head.hash}" in result.output
    assert f"The head given is event {head.count} of {head.count}" in result.output


def test_verify_log_with_head_catches_a_deleted_last_event(app, runner):
    make_valued_log()
    kept = chain_head()
    last = db.session.scalar(db.select(Event.id).order_by(Event.seq.desc()).limit(1))
    sql("DELETE FROM event WHERE id = :id", id=last)
    # Without a head kept elsewhere, a shorter log looks whole: that is what --head is for.
    assert verify_log(runner).exit_code == 0
    result = verify_log(runner, "--head", kept.hash)
    assert result.exit_code == 1
    assert f"The head given ({kept.hash}) is not in the log" in result.output


def test_verify_log_catches_an_edited_answer_value(app, runner):
    _brief, field, _comment, _review = make_valued_log()
    event = db.session.scalar(db.select(Event).where(Event.kind == "answer_saved"))
    sql("UPDATE answer SET value = 'Bleaching' WHERE field_id = :id", id=field.id)
    result = verify_log(runner)
    assert result.exit_code == 1
    assert f"Broken at event {event.id} (answer_saved" in result.output
    assert "the value it wrote was changed afterwards" in result.output
    # The field's current value is checked too, not only the revision.
    sql("UPDATE answer SET value = 'Whitening' WHERE field_id = :id", id=field.id)
    assert verify_log(runner).exit_code == 0
    sql("UPDATE brief_field SET value = 'Bleaching' WHERE id = :id", id=field.id)
    assert f"Broken at event {event.id} (answer_saved" in verify_log(runner).output


def test_verify_log_catches_an_edited_comment_and_review(app, runner):
    _brief, _field, comment, item = make_valued_log()
    added = db.session.scalar(db.select(Event).where(Event.kind == "comment_added"))
    given = db.session.scalar(db.select(Event).where(Event.kind == "review_given"))
    sql("UPDATE comment SET body = 'Any shade' WHERE id = :id", id=comment.id)
    sql("UPDATE review SET comment = 'All good' WHERE id = :id", id=item.id)
    result = verify_log(runner)
    assert result.exit_code == 1
    assert f"Broken at event {added.id} (comment_added" in result.output
    assert f"Broken at event {given.id} (review_given" in result.output
    assert "2 break(s)" in result.output


def test_verify_log_with_head_catches_a_recomputed_chain(app, runner):
    make_valued_log()
    kept = chain_head()
    # Someone with the database edits an event and recomputes every hash after it.
    events = db.session.scalars(db.select(Event).order_by(Event.seq)).all()
    events[1].data = {**events[1].data, "to": ["someone@else.example"]}
    previous = ""
    for event in events:
        event.prev_hash = previous
        event.hash = previous = event_hash(
            prev_hash=previous,
            **{c: getattr(event, c) for c in COLUMNS if c not in ("seq", "prev_hash", "hash")},
        )
    db.session.commit()
    assert verify_log(runner).exit_code == 0  # the public algorithm recomputes a whole chain
    result = verify_log(runner, "--head", kept.hash)
    assert result.exit_code == 1 and "is not in the log" in result.output


def test_an_answer_event_carries_the_digest_of_each_value_it_wrote(app):
    _brief, field, _comment, _review = make_valued_log()
    event = db.session.scalar(db.select(Event).where(Event.kind == "answer_saved"))
    answer = db.session.scalar(db.select(Answer).where(Answer.field_id == field.id))
    assert event.data["answers"] == [
        {"field": field.id, "number": answer.number, "sha256": answer_digest("Whitening", False)}
    ]


def test_a_confirmed_suggestion_carries_its_digest_and_verifies(app, runner, user):
    brief, _token = make_brief()
    field = brief.sections[0].fields[0]
    prefill.prefill(brief, field, "From our notes", user=user, now=NOW)
    prefill.confirm(brief, field, actor=Actor.client("Ivan"), now=NOW + timedelta(minutes=1))
    db.session.commit()
    confirmed = db.session.scalars(
        db.select(Event).where(Event.kind == "answer_saved").order_by(Event.seq)
    ).all()[-1]
    assert confirmed.data["confirmed"] is True
    assert confirmed.data["answers"] == [
        {"field": field.id, "number": 2, "sha256": answer_digest("From our notes", False)}
    ]
    assert verify_log(runner).exit_code == 0
    sql("UPDATE brief_field SET value = 'Not from our notes' WHERE id = :id", id=field.id)
    assert f"Broken at event {confirmed.id} (answer_saved" in verify_log(runner).output

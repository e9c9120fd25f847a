"""The workflow steps: each changes a brief's state and records one event."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from briefs import workflow
from briefs.extensions import db
from briefs.models import Answer, Brief, BriefField, Event, Review
from briefs.models.brief import ACCEPTED, CHANGES_REQUESTED
from briefs.rules.completeness import is_missing
from briefs.rules.event_chain import answer_digest, review_digest
from briefs.rules.tokens import hash_token, unseal
from briefs.workflow import SYSTEM, Actor
from tests.factories import NOW, make_brief, make_client, make_template

CLIENT = Actor.client("Ivan Contact")


def _fields(brief: Brief) -> dict[str, BriefField]:
    return {f.key: f for s in brief.sections for f in s.fields}


def _kinds(brief: Brief) -> list[str]:
    return list(
        db.session.scalars(select(Event.kind).where(Event.brief_id == brief.id).order_by(Event.id))
    )


def test_actor_of_a_user(user):
    assert Actor.user(user) == Actor("user", "Olga Owner", user.id)
    assert Actor.client("Ivan") == Actor("client", "Ivan", None)
    assert SYSTEM.kind == "system"


def test_create_brief_snapshots_the_template(app, user):
    template = make_template()
    client = make_client()
    brief, token = workflow.create_brief(
        template=template,
        client=client,
        title="Page",
        locale="ru",
        recipients=client.contacts[:1],
        launch_date=date(2026, 12, 1),
        work_days=3,
        actor=Actor.user(user),
        now=NOW,
        secret_key="test",
    )
    db.session.commit()
    assert brief.status == "draft" and brief.created_at == NOW and brief.created_by_id == user.id
    assert brief.token_hash == hash_token(token)
    assert unseal(brief.token_sealed, "test") == token
    assert [s.title for s in brief.sections] == ["The service", "Audience"]
    assert list(_fields(brief)) == ["name", "what", "price", "channels", "who"]
    assert _fields(brief)["channels"].options == ["Search", "Referrals", "Ads"]
    assert all(f.brief_id == brief.id for f in _fields(brief).values())
    # Editing the template later leaves the brief alone.
    template.sections[0].fields[0].label = "Changed"
    db.session.commit()
    db.session.refresh(_fields(brief)["name"])
    assert _fields(brief)["name"].label == "Service name"
    event = db.session.scalar(select(Event).where(Event.brief_id == brief.id))
    assert (event.kind, event.actor_label, event.data) == (
        "brief_created",
        "Olga Owner",
        {"template": "Service page"},
    )


def test_regenerate_link_replaces_token_and_records_it(app):
    brief, token = make_brief()
    new = workflow.regenerate_link(brief, SYSTEM, NOW + timedelta(hours=1), "test")
    db.session.commit()
    assert new != token
    assert brief.token_hash == hash_token(new) and unseal(brief.token_sealed, "test") == new
    assert brief.token_created_at == NOW + timedelta(hours=1)
    assert _kinds(brief)[-1] == "link_regenerated"


def test_mark_sent_keeps_the_first_time(app):
    brief, _ = make_brief()
    workflow.mark_sent(brief, SYSTEM, NOW)
    workflow.mark_sent(brief, SYSTEM, NOW + timedelta(days=1))
    db.session.commit()
    assert (brief.status, brief.sent_at) == ("sent", NOW)
    sent = db.session.scalars(select(Event).where(Event.kind == "brief_sent")).all()
    assert len(sent) == 2
    assert sent[0].data == {"channel": "manual", "to": ["ivan@acme.example"], "questions": 5}


def test_mark_sent_leaves_a_submitted_brief_submitted(app):
    brief, _ = make_brief()
    brief.status = "submitted"
    workflow.mark_sent(brief, SYSTEM, NOW)
    assert brief.status == "submitted"


def test_link_opened_is_recorded_at_most_hourly(app):
    brief, _ = make_brief()
    assert workflow.note_link_opened(brief, NOW)
    db.session.commit()
    assert not workflow.note_link_opened(brief, NOW + timedelta(minutes=59))
    assert workflow.note_link_opened(brief, NOW + timedelta(minutes=61))
    db.session.commit()
    assert _kinds(brief).count("link_opened") == 2


def test_save_answer_adds_revisions_and_skips_no_change(app):
    brief, _ = make_brief()
    field = _fields(brief)["name"]
    assert workflow.save_answer(field, "", not_applicable=False, actor=CLIENT, now=NOW) is None
    first = workflow.save_answer(field, "Whitening", not_applicable=False, actor=CLIENT, now=NOW)
    assert first.number == 1
    assert (
        workflow.save_answer(field, "Whitening", not_applicable=False, actor=CLIENT, now=NOW)
        is None
    )
    later = NOW + timedelta(hours=1)
    second = workflow.save_answer(field, "", not_applicable=True, actor=CLIENT, now=later)
    db.session.commit()
    assert second.number == 2
    assert (field.revision, field.value, field.not_applicable) == (2, "", True)
    assert (field.answered_at, field.answered_by) == (later, "Ivan Contact")
    answers = db.session.scalars(select(Answer).order_by(Answer.number)).all()
    assert [(a.number, a.value) for a in answers] == [(1, "Whitening"), (2, "")]


def test_a_new_answer_clears_the_review(app):
    brief, _ = make_brief()
    field = _fields(brief)["name"]
    workflow.save_answer(field, "A", not_applicable=False, actor=CLIENT, now=NOW)
    workflow.review(field, CHANGES_REQUESTED, "More", SYSTEM, NOW)
    assert is_missing(field)
    workflow.save_answer(field, "B", not_applicable=False, actor=CLIENT, now=NOW)
    assert (field.review_verdict, field.review_comment, field.reviewed_at) == (None, "", None)
    assert not is_missing(field)


def test_record_answers_saved(app):
    brief, _ = make_brief()
    fields = _fields(brief)
    assert workflow.record_answers_saved(brief, [], CLIENT, NOW) is None
    one = workflow.record_answers_saved(brief, [fields["name"]], CLIENT, NOW)
    two = workflow.record_answers_saved(brief, [fields["name"], fields["who"]], CLIENT, NOW)
    db.session.commit()
    # Each answer is named by its revision and carries a digest of what it said.
    name = {"field": fields["name"].id, "number": 0, "sha256": answer_digest("", False)}
    assert (one.field_id, one.data) == (
        fields["name"].id,
        {"fields": ["name"], "count": 1, "answers": [name]},
    )
    assert (two.field_id, two.data["count"]) == (None, 2)


def test_submit_records_what_was_missing(app):
    brief, _ = make_brief()
    workflow.submit(brief, CLIENT, NOW, missing=["who"])
    db.session.commit()
    assert (brief.status, brief.submitted_at) == ("submitted", NOW)
    event = db.session.scalar(select(Event).where(Event.kind == "brief_submitted"))
    assert event.data == {"missing": ["who"]}


def test_review_accept(app, user):
    brief, _ = make_brief()
    field = _fields(brief)["name"]
    workflow.save_answer(field, "A", not_applicable=False, actor=CLIENT, now=NOW)
    workflow.review(field, ACCEPTED, "", Actor.user(user), NOW)
    db.session.commit()
    review = db.session.scalar(select(Review))
    assert (review.verdict, review.answer_number, review.user_id) == (ACCEPTED, 1, user.id)
    assert field.review_verdict == ACCEPTED and not is_missing(field)
    assert _kinds(brief)[-1] == "review_given"


def test_changes_requested_send_a_submitted_brief_back(app):
    brief, _ = make_brief()
    field = _fields(brief)["name"]
    workflow.save_answer(field, "A", not_applicable=False, actor=CLIENT, now=NOW)
    workflow.submit(brief, CLIENT, NOW, missing=[])
    workflow.review(field, CHANGES_REQUESTED, "Be specific", SYSTEM, NOW)
    db.session.commit()
    assert brief.status == "sent"
    assert is_missing(field) and field.review_comment == "Be specific"
    event = db.session.scalars(select(Event).order_by(Event.id.desc())).first()
    review = db.session.scalar(select(Review))
    assert (event.field_id, event.data) == (
        field.id,
        # The brief has a contact, so send-due will tell her by e-mail.
        {
            "verdict": CHANGES_REQUESTED,
            "comment": "Be specific",
            "by_mail": True,
            "review": review.id,
            "sha256": review_digest(CHANGES_REQUESTED, "Be specific"),
        },
    )


def test_review_refuses_an_unknown_verdict(app):
    brief, _ = make_brief()
    with pytest.raises(ValueError):
        workflow.review(_fields(brief)["name"], "maybe", "", SYSTEM, NOW)


@pytest.mark.parametrize(
    ("sent", "submitted", "expected"),
    [(False, False, "draft"), (True, False, "sent"), (True, True, "submitted")],
)
def test_close_and_reopen_restore_the_status(app, sent, submitted, expected):
    brief, _ = make_brief()
    if sent:
        workflow.mark_sent(brief, SYSTEM, NOW)
    if submitted:
        workflow.submit(brief, CLIENT, NOW, missing=[])
    workflow.close(brief, SYSTEM, NOW)
    assert (brief.status, brief.closed_at) == ("closed", NOW)
    workflow.reopen(brief, SYSTEM, NOW)
    db.session.commit()
    assert (brief.status, brief.closed_at) == (expected, None)
    assert _kinds(brief)[-2:] == ["brief_closed", "brief_reopened"]


def test_two_saves_from_the_same_revision_cannot_both_write(app):
    from sqlalchemy.orm import Session

    from briefs.workflow import RevisionConflict

    brief, _token = make_brief()
    field_id = brief.sections[0].fields[0].id
    # A second, independent session read the field before the first save committed.
    other = Session(db.engine)
    stale = other.get(type(brief.sections[0].fields[0]), field_id)
    assert stale.revision == 0
    first = db.session.get(type(stale), field_id)
    workflow.save_answer(first, "Mine", not_applicable=False, actor=Actor.client("A"), now=NOW)
    db.session.commit()
    with pytest.raises(RevisionConflict):
        workflow.save_answer(
            stale, "Theirs", not_applicable=False, actor=Actor.client("B"), now=NOW
        )
    other.rollback()
    other.close()
    db.session.expire_all()
    assert db.session.get(type(stale), field_id).value == "Mine"


def test_a_save_racing_an_identical_save_is_not_a_conflict(app):
    from sqlalchemy.orm import Session

    brief, _token = make_brief()
    model = type(brief.sections[0].fields[0])
    field_id = brief.sections[0].fields[0].id
    other = Session(db.engine)
    stale = other.get(model, field_id)
    first = db.session.get(model, field_id)
    workflow.save_answer(first, "Same", not_applicable=False, actor=Actor.client("A"), now=NOW)
    db.session.commit()
    assert (
        workflow.save_answer(stale, "Same", not_applicable=False, actor=Actor.client("A"), now=NOW)
        is None
    )
    assert stale.revision == 1
    other.rollback()
    other.close()

"""Runs of saves: one person's consecutive saves within an hour told as one line."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from briefs import workflow
from briefs.extensions import db
from briefs.timeline.sentences import save_runs
from tests.factories import IVAN, NOW, answer_fields, make_long_brief


def _event(id_, minutes, keys, who="Ivan", kind="answer_saved"):
    return SimpleNamespace(
        id=id_,
        kind=kind,
        actor_kind="client",
        actor_user_id=None,
        actor_label=who,
        data={"fields": keys, "count": len(keys)},
        created_at=NOW + timedelta(minutes=minutes),
    )


def test_it_folds_one_persons_saves_within_an_hour():
    events = [
        _event(1, 0, ["a"]),
        _event(2, 20, ["b", "a"]),
        _event(3, 55, ["c"]),
        _event(4, 70, ["d"]),  # more than an hour after the run began: a new line
    ]
    touched, later = save_runs(events)
    assert touched == {1: ("a", "b", "c")}
    assert later == {2, 3}


def test_another_person_or_another_event_ends_a_run():
    events = [
        _event(1, 0, ["a"]),
        _event(2, 5, ["b"], who="Maria"),
        _event(3, 10, ["c"], who="Maria"),
        _event(4, 15, [], kind="comment_added"),
        _event(5, 20, ["d"], who="Maria"),
    ]
    touched, later = save_runs(events)
    assert touched == {2: ("b", "c")} and later == {3}


def test_the_brief_page_tells_a_run_of_saves_in_one_line(auth_client, frozen_clock):
    brief, _token = make_long_brief(6)
    workflow.mark_sent(brief, IVAN, NOW)
    for minutes, key in ((0, "q0"), (10, "q1"), (40, "q2")):
        answer_fields(brief, [key], NOW + timedelta(hours=1, minutes=minutes))
    answer_fields(brief, ["q3"], NOW + timedelta(hours=3))
    db.session.commit()
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    events = body[body.index('<ol class="events">') : body.index("</ol>", body.index("events"))]
    assert events.count("Ivan Contact saved") == 2
    assert "Ivan Contact saved 3 answers: “Question number 0" in events
    assert "Ivan Contact saved 1 answer: “Question number 3" in events
    timeline = auth_client.get(f"/briefs/{brief.id}/timeline").get_data(as_text=True)
    assert timeline.count("Ivan Contact saved") == 2
    assert "Ivan Contact saved 3 answers: “Question number 0" in timeline

"""Where a brief stands for chasing: whose questions each reminder is about."""

from __future__ import annotations

from types import SimpleNamespace

from briefs.chase_status import BriefChase


def chase_with(missing: tuple[str, ...], *handed: list[str]) -> BriefChase:
    handovers = [SimpleNamespace(id=i, field_keys=keys) for i, keys in enumerate(handed, 1)]
    summary = SimpleNamespace(missing_keys=missing)
    return BriefChase(summary=summary, state=None, status=None, handovers=handovers)


def test_it_keeps_missing_questions_nobody_took_with_the_contacts():
    own, theirs = chase_with(("a", "b")).split_missing()
    assert (own, theirs) == (["a", "b"], [])


def test_it_gives_each_question_to_the_first_colleague_holding_it():
    chase = chase_with(("a", "b", "c"), ["b", "z"], ["b", "c"])
    own, theirs = chase.split_missing()
    assert own == ["a"]
    assert [(h.id, keys) for h, keys in theirs] == [(1, ["b"]), (2, ["c"])]


def test_it_skips_a_colleague_whose_questions_are_all_answered():
    own, theirs = chase_with(("a",), ["x"]).split_missing()
    assert (own, theirs) == (["a"], [])

"""The limits on handing questions on from a client link, as pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from briefs.rules.handover_limits import (
    DAILY_LIMIT,
    DAILY_LIMIT_REACHED,
    REPEAT,
    Earlier,
    refusal,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def earlier(minutes_ago: int, email="a@x.example", keys=("a", "b"), active=True) -> Earlier:
    return Earlier(NOW - timedelta(minutes=minutes_ago), email, keys, active)


def test_it_allows_a_first_handover():
    assert refusal([], "a@x.example", ["a"], NOW) is None


def test_it_refuses_past_the_daily_limit_and_forgets_after_24_hours():
    day = [earlier(60 + n, email=f"p{n}@x.example") for n in range(DAILY_LIMIT)]
    assert refusal(day, "new@x.example", ["a"], NOW) == DAILY_LIMIT_REACHED
    assert refusal(day[:-1], "new@x.example", ["a"], NOW) is None
    old = [earlier(24 * 60 + n, email=f"p{n}@x.example") for n in range(DAILY_LIMIT)]
    assert refusal(old, "new@x.example", ["a"], NOW) is None


def test_it_refuses_the_same_questions_to_the_same_address_within_the_hour():
    assert refusal([earlier(59)], "A@X.example", ["b", "a"], NOW) == REPEAT
    assert refusal([earlier(61)], "a@x.example", ["a", "b"], NOW) is None
    assert refusal([earlier(5)], "a@x.example", ["a"], NOW) is None  # other questions
    assert refusal([earlier(5)], "b@x.example", ["a", "b"], NOW) is None
    assert refusal([earlier(5, active=False)], "a@x.example", ["a", "b"], NOW) is None

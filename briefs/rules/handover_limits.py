"""How much a brief's client links may hand on: a daily cap, no quick repeats, a short note.

Every hand-over mails a link to an address the client typed, so a link left in the wrong
hands must not become a way to mail anyone, as often as it likes, with text of its own.
The cap counts the hand-overs made through all of a brief's client links together in the
last 24 hours; a repeat is the same questions to the same address within the hour while
that earlier link still works (the mail may simply be slow).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

#: Hand-overs (and so hand-over mails) a brief's client links may make in 24 hours.
DAILY_LIMIT = 10
#: How long the same questions to the same address count as a repeat.
REPEAT_WINDOW = timedelta(hours=1)
#: The longest personal note to a colleague, in characters.
MAX_NOTE = 500
#: The window of the daily cap.
DAY = timedelta(hours=24)

# Why a hand-over is refused.
DAILY_LIMIT_REACHED = "daily_limit"
REPEAT = "repeat"


@dataclass(frozen=True)
class Earlier:
    """A hand-over the brief's client links made before."""

    created_at: datetime
    email: str
    field_keys: tuple[str, ...]
    #: False once the link was withdrawn.
    active: bool


def refusal(
    earlier: Iterable[Earlier],
    email: str,
    field_keys: Iterable[str],
    now: datetime,
    *,
    daily_limit: int = DAILY_LIMIT,
) -> str | None:
    """Return why one more hand-over is refused (DAILY_LIMIT_REACHED, REPEAT), or None."""
    recent = [e for e in earlier if now - e.created_at < DAY]
    if len(recent) >= daily_limit:
        return DAILY_LIMIT_REACHED
    keys = set(field_keys)
    address = email.casefold()
    for e in recent:
        if (
            e.active
            and now - e.created_at < REPEAT_WINDOW
            and e.email.casefold() == address
            and set(e.field_keys) == keys
        ):
            return REPEAT
    return None

"""Whose move it is on a brief (the ball in court), and since when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

CLIENT = "client"
AGENCY = "agency"


@dataclass(frozen=True)
class Move:
    """Who holds the ball (CLIENT, AGENCY or None when nothing is pending) since when."""

    side: str | None
    since: datetime | None


def whose_move(
    *,
    status: str,
    missing: int,
    unreviewed: int,
    created_at: datetime,
    last_request_at: datetime | None,
    last_client_at: datetime | None,
    submitted_at: datetime | None,
    waiting_since: datetime | None = None,
    question_since: datetime | None = None,
    telling_since: datetime | None = None,
) -> Move:
    """Decide who must act next on a brief.

    last_request_at is the agency's latest ask (sending the link, sending an answer back);
    last_client_at the client's latest save, submit or comment; waiting_since the oldest ask
    that is still open, so a wait is never shortened by a later, smaller ask;
    question_since the oldest client comment the agency has not replied to yet;
    telling_since the oldest answer sent back whose mail has not reached the client yet
    (`missing` then leaves those answers out: the client does not owe them yet).
    """
    if status == "closed":
        return Move(None, None)
    if status == "draft" or last_request_at is None:
        return Move(AGENCY, created_at)
    if (
        submitted_at is not None
        and submitted_at >= last_request_at
        and (missing or unreviewed or telling_since)
    ):
        return Move(AGENCY, submitted_at)
    if question_since is not None:
        # The client asked something: she waits for the agency's reply before going on.
        return Move(AGENCY, question_since)
    if missing:
        return Move(CLIENT, waiting_since or last_request_at)
    if telling_since is not None:
        # Answers sent back, the mail telling the client still on its way.
        return Move(AGENCY, telling_since)
    if unreviewed:
        return Move(AGENCY, last_client_at or last_request_at)
    return Move(None, None)

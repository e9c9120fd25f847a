"""The columns of a row delivered by send-due under a leased claim (see briefs.claims)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from briefs.models.types import UTCDateTime

#: Waiting to be delivered (maybe after a failed attempt), and being delivered by a run.
QUEUED, SENDING = "queued", "sending"


class RetryState:
    """Where a row stands in delivery: its state, attempts, next try, the claim, last error.

    A table using it adds its own index on (status, next_attempt_at) for the due query.
    """

    #: QUEUED, SENDING, or the table's own outcomes (sent, delivered, failed).
    status: Mapped[str] = mapped_column(String(12), default=QUEUED)
    #: Attempts so far, counted when claimed (so a run that died counts too).
    attempts: Mapped[int] = mapped_column(default=0)
    #: Not tried before this time (back-off after a failure).
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The run holding it while it is delivered ("" for none), and until when.
    claimed_by: Mapped[str] = mapped_column(String(40), default="")
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Why the last attempt failed ("" once delivered).
    last_error: Mapped[str] = mapped_column(Text, default="")

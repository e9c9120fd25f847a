"""What the status page shows: where a brief stands, as the escalation mail says it.

No answer's content, only the names of the questions still missing; a token that is
unknown, or whose brief is closed, answers with the same plain 404 as the client form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import abort, g
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from briefs.accounts import agency_settings
from briefs.chase_status import assess
from briefs.extensions import db
from briefs.labels import RISK_BADGES, RISK_LABELS
from briefs.models import Brief
from briefs.rules.deadlines import LATE
from briefs.rules.tokens import hash_token


@dataclass(frozen=True)
class StatusView:
    """One brief's status in the words the decision-maker reads."""

    agency: str
    title: str
    client: str
    answered: int
    required: int
    #: Labels of the required questions still missing, in brief order.
    missing: list[str]
    asked_since: datetime | None
    reminders_sent: int
    #: Who has the form on the client's side.
    holders: list[str]
    info_due: date | None
    launch: date | None
    risk: str | None
    risk_label: str
    risk_badge: str
    submitted: bool

    @property
    def late(self) -> bool:
        """Tell whether the answers are past their due date."""
        return self.risk == LATE

    @property
    def percent(self) -> int:
        """How much of the required part is answered, for the bar."""
        return round(100 * self.answered / self.required) if self.required else 100


def open_status(token: str) -> Brief:
    """Return the brief the status token opens and use its language, else 404."""
    brief = db.session.scalar(
        select(Brief)
        .where(Brief.status_token_hash == hash_token(token))
        .options(joinedload(Brief.client), selectinload(Brief.recipients))
    )
    if brief is None or brief.is_closed:
        abort(404)
    g.locale = brief.locale
    g.timezone = brief.client.timezone
    return brief


def load_status(brief: Brief, now: datetime) -> StatusView:
    """Judge the brief at `now` the way chasing does, and keep only what may be shown."""
    settings = agency_settings()
    [chase], _cal = assess([brief], settings, now)
    summary, deadline = chase.summary, chase.status.deadline
    holders = [c.name for c in brief.recipients]
    holders += [h.name for h in chase.handovers if h.name not in holders]
    return StatusView(
        agency=settings.name,
        title=brief.title,
        client=brief.client.name,
        answered=summary.progress.answered,
        required=summary.progress.required,
        missing=[field.label for field in summary.missing_fields],
        asked_since=brief.sent_at,
        reminders_sent=chase.status.reminders_sent,
        holders=holders,
        info_due=deadline.info_due,
        launch=brief.launch_date,
        risk=deadline.risk,
        risk_label=str(RISK_LABELS[deadline.risk]),
        risk_badge=RISK_BADGES[deadline.risk],
        submitted=brief.status == "submitted",
    )

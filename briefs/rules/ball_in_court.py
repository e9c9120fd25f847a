"""Whose move it was, measured: waits on the client and on the agency from the events.

A pure function over a brief's events. The client owes an answer from the moment
something is asked (the brief is sent: every required question; an answer is sent back:
that question) until each asked question is answered. The agency owes a look from the
moment an answer is handed to it (the brief is submitted, or a sent-back question is
answered) until it reviews that answer. Both sides' waits are measured the same way.

Two refinements keep the record true to what each side knew:

- An answer sent back to be told by e-mail becomes the client's wait only when that mail
  is delivered. Until then the move is still the agency's: its request has not reached
  the client, and it is the agency's tool that owes the delivery (a mail stuck in the
  outbox for a day is a day the agency, not the client, held things up). If the client
  answers before the mail arrives (she saw it on the form), that answer ends it.
- A client's comment is a question to the agency: the agency owes a reply from then
  until it comments on that question, reviews it, or marks the thread resolved.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from briefs.rules.completeness import CHANGES_REQUESTED
from briefs.rules.whose_move import AGENCY, CLIENT
from briefs.rules.working_days import WorkCalendar

#: Why the agency owes: an answer sent back whose mail has not reached the client yet.
TELLING = "telling"
#: Why the agency owes: the client asked a question in a comment.
QUESTION = "question"


@dataclass(frozen=True)
class TimelineEvent:
    """The facts of one event the measures need."""

    kind: str
    at: datetime
    #: For answer_saved: the keys saved; for review_given: the key reviewed.
    keys: tuple[str, ...] = ()
    verdict: str | None = None
    #: For message_queued reminders: the message kind and the keys it listed as missing;
    #: for message_sent the same, from the message's queued event.
    message_kind: str | None = None
    #: For review_given sending an answer back: the client is told by e-mail.
    by_mail: bool = False
    #: For comment_added: which side wrote it.
    side: str | None = None


@dataclass
class Request:
    """Something one side asked of the other, and how it was answered."""

    side: str
    asked_at: datetime
    keys: frozenset[str]
    reason: str
    answered: dict[str, datetime] = field(default_factory=dict)
    reminders: list[datetime] = field(default_factory=list)

    @property
    def open_keys(self) -> frozenset[str]:
        return self.keys - set(self.answered)

    @property
    def closed_at(self) -> datetime | None:
        """When the last asked question was answered (None while any is open)."""
        if self.open_keys or not self.answered:
            return None
        return max(self.answered.values())

    @property
    def is_response(self) -> bool:
        """Whether answering it was a response to the other side (a mail on its way is not)."""
        return self.reason != TELLING

    def age(self, now: datetime) -> timedelta:
        """How long it waited: until answered, or until now if still open."""
        return (self.closed_at or now) - self.asked_at


@dataclass(frozen=True)
class Interval:
    """A stretch of time during which one side owed the other something."""

    side: str
    start: datetime
    end: datetime
    open: bool

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class SideMeasure:
    """Totals for one side."""

    total: timedelta
    working_days: int
    median_response: timedelta | None
    answered: int
    open: int


@dataclass(frozen=True)
class Measures:
    """Everything measured about whose move it was."""

    requests: list[Request]
    intervals: list[Interval]
    sides: dict[str, SideMeasure]

    def open_requests(self) -> list[Request]:
        return [r for r in self.requests if r.open_keys]


def _requests(events: list[TimelineEvent], required: frozenset[str]) -> list[Request]:
    requests: list[Request] = []
    sent = False
    submitted_keys: set[str] = set()
    saved_at: dict[str, datetime] = {}
    reviewed_at: dict[str, datetime] = {}
    for event in sorted(events, key=lambda e: e.at):
        if event.kind == "brief_sent" and not sent:
            sent = True
            requests.append(Request(CLIENT, event.at, required, "sent"))
        elif event.kind == "review_given":
            reviewed_at.update(dict.fromkeys(event.keys, event.at))
            # Any verdict answers what the agency owed on the key, including an earlier
            # sending back whose mail had not gone yet (the request is withdrawn).
            _answer(requests, AGENCY, event.keys, event.at)
            if event.verdict == CHANGES_REQUESTED:
                reason = TELLING if event.by_mail else "sent_back"
                side = AGENCY if event.by_mail else CLIENT
                requests.append(Request(side, event.at, frozenset(event.keys), reason))
        elif event.kind == "message_sent" and event.message_kind == "changes_requested":
            told = _answer(requests, AGENCY, event.keys, event.at, reasons={TELLING})
            if told:
                requests.append(Request(CLIENT, event.at, frozenset(told), "sent_back"))
        elif event.kind == "comment_added" and event.side == CLIENT:
            requests.append(Request(AGENCY, event.at, frozenset(event.keys), QUESTION))
        elif event.kind == "comment_added" and event.side == AGENCY:
            _answer(requests, AGENCY, event.keys, event.at, reasons={QUESTION})
        elif event.kind == "comments_resolved":
            _answer(requests, AGENCY, event.keys, event.at, reasons={QUESTION})
        elif event.kind == "answer_saved":
            handed_over: set[str] = set()
            for request in requests:
                if request.side == CLIENT:
                    for key in event.keys:
                        if key in request.open_keys:
                            request.answered[key] = event.at
                            if request.reason == "sent_back":
                                handed_over.add(key)
            # Answered before the mail arrived: she saw the request on the form.
            handed_over |= _answer(requests, AGENCY, event.keys, event.at, reasons={TELLING})
            submitted_keys.update(event.keys)
            saved_at.update(dict.fromkeys(event.keys, event.at))
            if handed_over:
                requests.append(Request(AGENCY, event.at, frozenset(handed_over), "answered"))
        elif event.kind == "brief_submitted":
            already = {
                k
                for r in requests
                if r.side == AGENCY and r.reason not in (TELLING, QUESTION)
                for k in r.keys
            }
            # An answer the agency already reviewed since it was last saved needs no look.
            looked_at = {k for k, at in reviewed_at.items() if at >= saved_at.get(k, at)}
            new = frozenset(submitted_keys - already - looked_at)
            if new:
                requests.append(Request(AGENCY, event.at, new, "submitted"))
        elif event.kind == "message_queued" and event.message_kind == "reminder":
            for request in requests:
                if request.side == CLIENT and request.open_keys & set(event.keys):
                    request.reminders.append(event.at)
    return requests


def _answer(
    requests: list[Request],
    side: str,
    keys: tuple[str, ...],
    at: datetime,
    *,
    reasons: set[str] | None = None,
) -> set[str]:
    """Mark the keys answered at `at` in the side's open requests; return those it closed."""
    closed: set[str] = set()
    for request in requests:
        if request.side != side or (reasons is not None and request.reason not in reasons):
            continue
        for key in keys:
            if key in request.open_keys:
                request.answered[key] = at
                closed.add(key)
    return closed


def _intervals(requests: list[Request], side: str, now: datetime) -> list[Interval]:
    """Merge a side's requests into the stretches when at least one was open."""
    spans = sorted(
        (r.asked_at, r.closed_at or now, r.closed_at is None) for r in requests if r.side == side
    )
    merged: list[Interval] = []
    for start, end, is_open in spans:
        if merged and start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Interval(side, last.start, max(last.end, end), last.open or is_open)
        else:
            merged.append(Interval(side, start, end, is_open))
    return merged


def measure(
    events: list[TimelineEvent],
    required_keys: frozenset[str],
    now: datetime,
    calendar: WorkCalendar,
    tz: tzinfo = UTC,
) -> Measures:
    """Measure the requests, waits and their totals for both sides.

    Working days are counted on the calendar days of `tz` (the agency's zone).
    """
    requests = _requests(events, required_keys)
    intervals: list[Interval] = []
    sides: dict[str, SideMeasure] = {}
    for side in (CLIENT, AGENCY):
        spans = _intervals(requests, side, now)
        intervals += spans
        responses = [
            r.age(now) for r in requests if r.side == side and r.closed_at and r.is_response
        ]
        sides[side] = SideMeasure(
            total=sum((s.duration for s in spans), timedelta()),
            working_days=sum(
                calendar.between(s.start.astimezone(tz).date(), s.end.astimezone(tz).date())
                for s in spans
            ),
            median_response=statistics.median(responses) if responses else None,
            answered=len(responses),
            open=sum(1 for r in requests if r.side == side and r.open_keys),
        )
    intervals.sort(key=lambda i: (i.start, i.side))
    return Measures(requests=requests, intervals=intervals, sides=sides)

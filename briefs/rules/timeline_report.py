"""Turn a brief's events and measured waits into day-grouped lines and a Markdown report.

Pure: takes plain data and the fixed words in the report's language (built elsewhere with
Babel), returns values and text. The same data always gives the same bytes: nothing here
reads the clock, and open waits are measured up to a moment the caller passes in.

Sentences are kept as a translated template plus its values, so each output escapes the
values its own way (HTML for pages, Markdown for the export) and never the other's.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from briefs.rules.ball_in_court import AGENCY, CLIENT, Interval, Measures
from briefs.rules.markdown_text import heading, inline, single_line

SIDES = (CLIENT, AGENCY)

#: A `%(name)s` or `%(name)d` placeholder, or a literal `%%`.
_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])|%%")


class Code(str):
    """A value shown as code (a command to run), not as prose."""


@dataclass(frozen=True)
class Sentence:
    """A translated sentence template and the values that fill it (values may nest)."""

    template: str
    params: dict = field(default_factory=dict)

    def render(
        self,
        text: Callable[[str], str] = str,
        value: Callable[[str], str] = str,
        code: Callable[[str], str] | None = None,
    ) -> str:
        """Fill the template: fixed words through `text`, values through `value`."""
        out: list[str] = []
        position = 0
        for match in _PLACEHOLDER.finditer(self.template):
            out.append(text(self.template[position : match.start()]))
            if match.group(0) == "%%":
                out.append(text("%"))
            else:
                item = self.params.get(match.group(1), "")
                if isinstance(item, Sentence):
                    out.append(item.render(text, value, code))
                elif isinstance(item, Code) and code is not None:
                    out.append(code(item))
                elif match.group(2) == "d" and isinstance(item, int):
                    out.append(text(str(item)))
                else:
                    out.append(value(str(item)))
            position = match.end()
        out.append(text(self.template[position:]))
        return "".join(out)

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""

    #: When it happened (UTC): a hand-added contact's own time, else when it was recorded.
    at: datetime
    #: The event's id: keeps events of the same moment in the order they were recorded.
    event_id: int
    sentence: Sentence
    #: Added by hand by an agency user (an off-system contact).
    by_hand: bool = False
    #: The brief's title, on a client's timeline; None on a brief's own.
    brief_title: str | None = None


@dataclass(frozen=True)
class Day:
    """The entries of one day in the agency's time zone."""

    day: date
    entries: tuple[Entry, ...]


def group_by_day(entries: Iterable[Entry], zone: tzinfo) -> list[Day]:
    """Sort entries by when they happened and group them by local day."""
    days: list[Day] = []
    for entry in sorted(entries, key=lambda e: (e.at, e.event_id)):
        local = entry.at.astimezone(zone).date()
        if days and days[-1].day == local:
            days[-1] = Day(local, days[-1].entries + (entry,))
        else:
            days.append(Day(local, (entry,)))
    return days


@dataclass(frozen=True)
class Words:
    """The fixed words of summaries and reports, already in the right language."""

    #: "Waiting on the client" / "Waiting on the agency", by side.
    side: dict[str, str]
    duration: Callable[[timedelta], str]
    working_days: Callable[[int], str]
    #: Shown instead of a median when nothing has been answered yet.
    no_median: str
    #: Why a request was made, by ball_in_court reason ("sent", "sent_back", ...).
    reason: dict[str, str]
    #: Names a list of questions: takes labels, returns a sentence.
    names: Callable[[Sequence[str]], Sentence]


@dataclass(frozen=True)
class SideSummary:
    """One side's waits, in words."""

    side: str
    heading: str
    total: str
    working_days: str
    median: str
    answered: int
    open: int


@dataclass(frozen=True)
class OpenWait:
    """A request still waiting: since when, for how long, what it covers, reminders."""

    side: str
    heading: str
    since: datetime
    age: str
    reason: str
    covers: Sentence
    reminders: tuple[datetime, ...]


@dataclass(frozen=True)
class Summary:
    """Both sides' waits with equal weight, and every request still open."""

    sides: tuple[SideSummary, ...]
    open: tuple[OpenWait, ...]
    #: Open waits are measured up to this moment.
    measured_to: datetime
    intervals: tuple[Interval, ...] = ()


def _responses(measures: Measures, side: str, now: datetime) -> list[timedelta]:
    return [
        r.age(now) for r in measures.requests if r.side == side and r.closed_at and r.is_response
    ]


def summarize_waits(
    measures: Measures,
    now: datetime,
    words: Words,
    labels_by_key: dict[str, str],
) -> Summary:
    """Put one brief's measures into words; `now` is where open waits stop."""
    sides = tuple(
        _side(
            side,
            measures.sides[side].total,
            measures.sides[side].working_days,
            _responses(measures, side, now),
            measures.sides[side].open,
            words,
        )
        for side in SIDES
    )
    waits = tuple(
        OpenWait(
            side=request.side,
            heading=words.side[request.side],
            since=request.asked_at,
            age=words.duration(request.age(now)),
            reason=words.reason.get(request.reason, request.reason),
            covers=words.names(
                [labels_by_key.get(key, key) for key in _in_order(request.open_keys, labels_by_key)]
            ),
            reminders=tuple(request.reminders),
        )
        for request in sorted(measures.open_requests(), key=lambda r: (r.asked_at, r.side))
    )
    return Summary(sides, waits, now, tuple(measures.intervals))


def combine(summaries: Sequence[tuple[Measures, datetime]], words: Words) -> Summary:
    """Add up several briefs' waits per side (their open requests stay with each brief)."""
    sides = []
    for side in SIDES:
        responses = [t for m, now in summaries for t in _responses(m, side, now)]
        sides.append(
            _side(
                side,
                sum((m.sides[side].total for m, _now in summaries), timedelta()),
                sum(m.sides[side].working_days for m, _now in summaries),
                responses,
                sum(m.sides[side].open for m, _now in summaries),
                words,
            )
        )
    measured_to = max((now for _m, now in summaries), default=datetime.min)
    return Summary(tuple(sides), (), measured_to)


def _side(
    side: str,
    total: timedelta,
    working_days: int,
    responses: list[timedelta],
    still_open: int,
    words: Words,
) -> SideSummary:
    median = statistics.median(responses) if responses else None
    return SideSummary(
        side=side,
        heading=words.side[side],
        total=words.duration(total),
        working_days=words.working_days(working_days),
        median=words.duration(median) if median is not None else words.no_median,
        answered=len(responses),
        open=still_open,
    )


def _in_order(keys: Iterable[str], labels_by_key: dict[str, str]) -> list[str]:
    """Order keys as the brief orders its fields (unknown keys last, by name)."""
    order = {key: n for n, key in enumerate(labels_by_key)}
    return sorted(keys, key=lambda k: (order.get(k, len(order)), k))


# Markdown ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportWords:
    """The fixed words of the Markdown report."""

    summary_heading: str
    #: Builds the note on where open waits stop, from the local moment as text.
    measured_to: Callable[[str], str]
    total: str
    median: str
    answered: str
    still_open: str
    open_heading: str
    #: Builds one open wait's line: (heading, age, since, reason) → text.
    open_wait: Callable[[str, str, str, str], str]
    #: Builds the reminders note from their local times as text.
    reminders: Callable[[list[str]], str]
    nothing_open: str
    nothing_measured: str
    no_events: str
    chain_heading: str
    chain_event: str
    chain_hash: str
    #: How to check the hash later; names the command as a Code value.
    chain_check: Sentence
    #: Labels of the whole log's event count and head hash.
    log_count: str
    log_head: str
    empty_chain: str
    #: The heading of a day, e.g. "Monday, 2 November 2026".
    day: Callable[[date], str]


@dataclass(frozen=True)
class ReportPart:
    """One brief's summary within a report (a client report has one per brief)."""

    title: str | None
    summary: Summary


@dataclass(frozen=True)
class Report:
    """Everything the Markdown report holds."""

    title: str
    #: Label/value lines under the title ("Client:", "Times:"), already in words.
    facts: tuple[tuple[str, str], ...]
    parts: tuple[ReportPart, ...]
    days: tuple[Day, ...]
    zone: tzinfo
    #: Heading of the added-up summary on a client report (None on a brief's).
    totals_title: str | None = None
    totals: Summary | None = None
    head_event_id: int | None = None
    head_hash: str = ""
    #: The whole log when the report was made: its event count and head hash.
    log_count: int = 0
    log_head: str = ""


def _md_value(text: str) -> str:
    """Escape user text (or a whole line of fixed words) onto one Markdown line."""
    return inline(single_line(text))


def _md_words(text: str) -> str:
    """Escape a piece of a sentence's fixed words, keeping the spaces around it."""
    return inline(" ".join(text.splitlines()))


def _md_code(text: str) -> str:
    return f"`{text}`" if "`" not in text else _md_value(text)


def _md_sentence(sentence: Sentence) -> str:
    return sentence.render(_md_words, _md_value, _md_code)


def _local(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _md_summary(summary: Summary, words: ReportWords, zone: tzinfo, level: int) -> list[str]:
    blocks: list[str] = []
    for side in summary.sides:
        blocks.append(heading(level, side.heading))
        blocks.append(
            "\n".join(
                [
                    f"- {_md_value(words.total)} {_md_value(side.total)} "
                    f"({_md_value(side.working_days)})",
                    f"- {_md_value(words.median)} {_md_value(side.median)}",
                    f"- {_md_value(words.answered)} {side.answered}",
                    f"- {_md_value(words.still_open)} {side.open}",
                ]
            )
        )
    return blocks


def _md_open(summary: Summary, words: ReportWords, zone: tzinfo, level: int) -> list[str]:
    blocks = [heading(level, words.open_heading)]
    if not summary.open:
        return blocks + [_md_value(words.nothing_open)]
    lines = []
    for wait in summary.open:
        line = words.open_wait(wait.heading, wait.age, _local(wait.since, zone), wait.reason)
        text = f"- {_md_value(line)}: {_md_sentence(wait.covers)}"
        if wait.reminders:
            text += ". " + _md_value(words.reminders([_local(r, zone) for r in wait.reminders]))
        lines.append(text)
    return blocks + ["\n".join(lines)]


def report_markdown(report: Report, words: ReportWords) -> str:
    """Return the report as a Markdown document ending in one newline."""
    zone = report.zone
    blocks = [heading(1, report.title)]
    if report.facts:
        blocks.append(
            "\n".join(
                f"- **{_md_value(label)}** {_md_value(value)}" for label, value in report.facts
            )
        )
    measured_to = max((p.summary.measured_to for p in report.parts), default=None)
    blocks.append(heading(2, words.summary_heading))
    if measured_to is not None:
        blocks.append(_md_value(words.measured_to(_local(measured_to, zone))))
    for part in report.parts:
        level = 3
        if part.title is not None:
            blocks.append(heading(3, part.title))
            level = 4
        if not part.summary.intervals:
            blocks.append(_md_value(words.nothing_measured))
        blocks.extend(_md_summary(part.summary, words, zone, level))
        blocks.extend(_md_open(part.summary, words, zone, level))
    if report.totals is not None and report.totals_title:
        blocks.append(heading(3, report.totals_title))
        blocks.extend(_md_summary(report.totals, words, zone, 4))
    if not report.days:
        blocks.append(_md_value(words.no_events))
    for day in report.days:
        blocks.append(heading(2, words.day(day.day)))
        lines = []
        for entry in day.entries:
            where = f"{_md_value(entry.brief_title)} · " if entry.brief_title is not None else ""
            time = entry.at.astimezone(zone).strftime("%H:%M")
            lines.append(f"- {time} · {where}{_md_sentence(entry.sentence)}")
        blocks.append("\n".join(lines))
    blocks.append(heading(2, words.chain_heading))
    if report.head_event_id is None:
        blocks.append(_md_value(words.empty_chain))
    else:
        blocks.append(
            f"- **{_md_value(words.chain_event)}** {report.head_event_id}\n"
            f"- **{_md_value(words.chain_hash)}** `{report.head_hash}`"
            + (
                f"\n- **{_md_value(words.log_count)}** {report.log_count}\n"
                f"- **{_md_value(words.log_head)}** `{report.log_head}`"
                if report.log_head
                else ""
            )
        )
        blocks.append(_md_sentence(words.chain_check))
    return "\n\n".join(blocks) + "\n"

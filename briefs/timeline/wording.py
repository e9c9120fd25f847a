"""The fixed words of summaries, reports and the bar, in the current language."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import format_date, format_datetime, ngettext
from flask_babel import gettext as _

from briefs.formatting import capitalize_first
from briefs.rules.ball_in_court import AGENCY, CLIENT, Interval
from briefs.rules.timeline_report import Code, ReportWords, Sentence, Words
from briefs.rules.timeline_svg import BarLabels
from briefs.timeline.sentences import names


def duration(value: timedelta) -> str:
    """Say how long something took: "3 days 4 hours", "2 hours 5 minutes", "40 minutes"."""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    day_text = ngettext("%(num)d day", "%(num)d days", days)
    hour_text = ngettext("%(num)d hour", "%(num)d hours", hours)
    minute_text = ngettext("%(num)d minute", "%(num)d minutes", mins)
    if days:
        if not hours:
            return day_text
        return _("%(larger)s %(smaller)s", larger=day_text, smaller=hour_text)
    if hours:
        if not mins:
            return hour_text
        return _("%(larger)s %(smaller)s", larger=hour_text, smaller=minute_text)
    if mins or value <= timedelta():
        return minute_text
    return _("less than a minute")


def working_days(num: int) -> str:
    """Say how many working days a wait touched."""
    return ngettext("%(num)d working day", "%(num)d working days", num)


def side_headings() -> dict[str, str]:
    """Name each side's waits the same way."""
    return {CLIENT: _("Waiting on the client"), AGENCY: _("Waiting on the agency")}


def words() -> Words:
    """Return the words of the whose-move summary."""
    return Words(
        side=side_headings(),
        duration=duration,
        working_days=working_days,
        no_median=_("no request answered yet"),
        reason={
            "sent": _("asked when the brief was sent"),
            "sent_back": _("sent back for changes"),
            "submitted": _("submitted for review"),
            "answered": _("answered again after a request for changes"),
            "telling": _("sent back; the e-mail telling the client is not delivered yet"),
            "question": _("the client asked in a comment"),
        },
        names=names,
    )


def report_words() -> ReportWords:
    """Return the fixed words of the Markdown report."""
    return ReportWords(
        summary_heading=_("Whose move, measured"),
        measured_to=lambda when: _(
            "As of %(when)s: waits still open are counted up to this moment.", when=when
        ),
        total=_("Total:"),
        median=_("Median response:"),
        answered=_("Requests answered:"),
        still_open=_("Still open:"),
        open_heading=_("Still open"),
        open_wait=lambda heading, age, since, reason: _(
            "%(heading)s for %(age)s (since %(since)s, %(reason)s)",
            heading=heading,
            age=age,
            since=since,
            reason=reason,
        ),
        reminders=lambda times: ngettext(
            "%(num)d reminder sent: %(times)s",
            "%(num)d reminders sent: %(times)s",
            len(times),
            times=", ".join(times),
        ),
        nothing_open=_("Nothing is waiting."),
        nothing_measured=_("Nothing has been asked yet, so no waits are measured."),
        no_events=_("Nothing has happened yet."),
        chain_heading=_("Checking this record"),
        chain_event=_("Latest event:"),
        chain_hash=_("Its hash (SHA-256):"),
        chain_check=check_sentence(),
        log_count=_("Events in the whole record:"),
        log_head=_("Head of the whole record:"),
        empty_chain=_("No events are recorded yet."),
        # Russian writes weekdays in lower case; a heading starts with a capital anyway.
        day=lambda day: capitalize_first(format_date(day, "full")),
    )


def check_sentence() -> Sentence:
    """Say how to check a printed hash against the system later."""
    return Sentence(
        _(
            "Each event's hash covers its content and the hash before it, so a change to "
            "any earlier event changes every hash after it. To check, run %(command)s on the "
            "server, adding %(option)s and the head of the whole record given here: it "
            "confirms the record is unbroken, that no answer, comment or review was edited "
            "since, and that this head is still in it (so no events were cut off and the "
            "record was not recomputed)."
        ),
        {"command": Code("flask --app app verify-log"), "option": Code("--head")},
    )


def bar_labels(title: str) -> BarLabels:
    """Return the words of the whose-move bar."""
    headings = side_headings()

    def interval(item: Interval) -> str:
        text = _(
            "%(side)s: %(start)s – %(end)s (%(length)s)",
            side=headings[item.side],
            start=format_datetime(item.start, "short"),
            end=format_datetime(item.end, "short"),
            length=duration(item.duration),
        )
        return _("%(wait)s, still open", wait=text) if item.open else text

    return BarLabels(
        title=title,
        desc=_(
            "Two lanes over time: when the brief waited on the client (solid) and when it "
            "waited on the agency (hatched). The same facts are listed below in words."
        ),
        lanes={CLIENT: _("Client"), AGENCY: _("Agency")},
        interval=interval,
        tick=lambda day: format_date(day, "d MMM"),
    )


def bar_title(title: str) -> str:
    """Name the bar of one brief."""
    return _("Whose move it was over time: %(title)s", title=title)

"""The timeline's pure parts: sentences filled and escaped, days grouped, reports written."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from briefs.rules.ball_in_court import AGENCY, CLIENT, TimelineEvent, measure
from briefs.rules.timeline_report import (
    Code,
    Day,
    Entry,
    Report,
    ReportPart,
    ReportWords,
    Sentence,
    Words,
    group_by_day,
    report_markdown,
    summarize_waits,
)
from briefs.rules.working_days import WorkCalendar

MOSCOW = ZoneInfo("Europe/Moscow")


def at(day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)  # 2 Nov 2026 is a Monday


def names(labels):
    return Sentence(", ".join(f"“%(q{n})s”" for n in range(len(labels))),
                    {f"q{n}": label for n, label in enumerate(labels)})  # fmt: skip


WORDS = Words(
    side={CLIENT: "Waiting on the client", AGENCY: "Waiting on the agency"},
    duration=lambda d: f"{int(d.total_seconds() // 3600)} h",
    working_days=lambda n: f"{n} wd",
    no_median="none yet",
    reason={"sent": "asked when sent", "sent_back": "sent back"},
    names=names,
)

REPORT_WORDS = ReportWords(
    summary_heading="Whose move",
    measured_to=lambda when: f"Measured up to {when}.",
    total="Total:",
    median="Median:",
    answered="Answered:",
    still_open="Open:",
    open_heading="Still open",
    open_wait=lambda heading, age, since, reason: f"{heading} for {age} (since {since}, {reason})",
    reminders=lambda times: f"reminders: {', '.join(times)}",
    nothing_open="Nothing is waiting.",
    nothing_measured="Nothing asked yet.",
    no_events="Nothing happened.",
    chain_heading="Checking",
    chain_event="Latest event:",
    chain_hash="Hash:",
    chain_check=Sentence("Run %(command)s.", {"command": Code("flask --app app verify-log")}),
    log_count="Events in the log:",
    log_head="Head of the log:",
    empty_chain="No events.",
    day=lambda d: d.isoformat(),
)


def test_sentence_escapes_values_and_words_each_their_own_way():
    s = Sentence("%(actor)s <said> %(num)d%%: %(inner)s", {
        "actor": "<b>Ivan</b>", "num": 3, "inner": Sentence("“%(x)s”", {"x": "*x*"}),
    })  # fmt: skip
    assert s.render() == "<b>Ivan</b> <said> 3%: “*x*”"
    rendered = s.render(str.upper, lambda v: f"[{v}]")
    assert rendered == "[<b>Ivan</b>] <SAID> 3%: “[*x*]”"


def test_code_values_render_as_code_where_asked():
    s = Sentence("Run %(c)s now", {"c": Code("verify")})
    assert s.render(str, str, lambda c: f"`{c}`") == "Run `verify` now"
    assert s.render() == "Run verify now"


def test_days_are_local_days_and_entries_sort_by_when_they_happened():
    late = Entry(at(2, 21, 30), 5, Sentence("late evening"))  # 00:30 on the 3rd in Moscow
    early = Entry(at(2, 8), 9, Sentence("morning, recorded later"))
    same_a = Entry(at(3, 9), 7, Sentence("a"))
    same_b = Entry(at(3, 9), 6, Sentence("b"))
    days = group_by_day([late, same_a, early, same_b], MOSCOW)
    assert [d.day for d in days] == [date(2026, 11, 2), date(2026, 11, 3)]
    assert [str(e.sentence) for e in days[1].entries] == ["late evening", "b", "a"]


def test_summary_names_open_waits_with_their_reminders_in_brief_order():
    events = [
        TimelineEvent("brief_sent", at(2)),
        TimelineEvent("answer_saved", at(3), ("name",)),
        TimelineEvent("message_queued", at(5), ("photos", "price"), message_kind="reminder"),
    ]
    labels = {"name": "Name", "price": "Price", "photos": "Photos"}
    measures = measure(events, frozenset(labels), at(6), WorkCalendar())
    summary = summarize_waits(measures, at(6), WORDS, labels)
    client, agency = summary.sides
    assert (client.heading, client.total, client.working_days, client.open) == (
        "Waiting on the client", "96 h", "4 wd", 1,
    )  # fmt: skip
    assert (agency.total, agency.median, agency.answered) == ("0 h", "none yet", 0)
    [wait] = summary.open
    assert wait.age == "96 h" and wait.reason == "asked when sent"
    assert str(wait.covers) == "“Price”, “Photos”"
    assert wait.reminders == (at(5),)


def report(**overrides) -> Report:
    measures = measure(
        [TimelineEvent("brief_sent", at(2))], frozenset({"name"}), at(3), WorkCalendar()
    )
    summary = summarize_waits(measures, at(3), WORDS, {"name": "Name *bold*"})
    base = dict(
        title="Page # one",
        facts=(("Client:", "Acme | Co"),),
        parts=(ReportPart(None, summary),),
        days=(Day(date(2026, 11, 2), (
            Entry(at(2), 1, Sentence("%(actor)s wrote: %(note)s", {
                "actor": "Olga", "note": "<script>\n# not a heading [x](y)",
            }), by_hand=True),
        )),),
        zone=MOSCOW,
        head_event_id=1,
        head_hash="ab" * 32,
    )  # fmt: skip
    base.update(overrides)
    return Report(**base)


def test_markdown_report_escapes_what_users_typed():
    text = report_markdown(report(), REPORT_WORDS)
    assert text.startswith("# Page \\# one\n")
    assert "- **Client:** Acme &#124; Co" in text
    assert "- 13:00 · Olga wrote: &lt;script\\> # not a heading \\[x\\](y)" in text
    assert "“Name \\*bold\\*”" in text
    assert "<script>" not in text
    assert text.endswith(f"- **Hash:** `{'ab' * 32}`\n\nRun `flask --app app verify-log`.\n")


def test_markdown_report_is_the_same_bytes_for_the_same_data():
    assert report_markdown(report(), REPORT_WORDS) == report_markdown(report(), REPORT_WORDS)
    assert "Measured up to 2026-11-03 13:00." in report_markdown(report(), REPORT_WORDS)


def test_markdown_report_without_events_says_so():
    text = report_markdown(report(days=(), head_event_id=None, head_hash=""), REPORT_WORDS)
    assert "Nothing happened." in text and "No events." in text


def test_client_report_names_each_brief_and_its_lines():
    part = report().parts[0]
    entry = Entry(at(2), 1, Sentence("Sent"), brief_title="Prices_page")
    text = report_markdown(
        report(
            parts=(ReportPart("Prices_page", part.summary), ReportPart("Photos", part.summary)),
            days=(Day(date(2026, 11, 2), (entry,)),),
        ),
        REPORT_WORDS,
    )
    assert "### Prices\\_page" in text and "### Photos" in text
    assert "- 13:00 · Prices\\_page · Sent" in text


def test_markdown_report_carries_the_whole_logs_count_and_head():
    text = report_markdown(report(log_count=42, log_head="cd" * 32), REPORT_WORDS)
    assert f"- **Hash:** `{'ab' * 32}`\n- **Events in the log:** 42\n" in text
    assert f"- **Head of the log:** `{'cd' * 32}`\n\nRun" in text

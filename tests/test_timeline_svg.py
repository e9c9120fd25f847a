"""The whose-move bar: rects where the intervals are, ticks, escaped text, both lanes."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from briefs.rules.ball_in_court import AGENCY, CLIENT, Interval
from briefs.rules.timeline_svg import GUTTER, PLOT_W, BarLabels, render_bar, ticks

NS = {"svg": "http://www.w3.org/2000/svg"}
UTC_ZONE = ZoneInfo("UTC")
START = datetime(2026, 11, 2, 0, tzinfo=UTC)  # a Monday
END = START + timedelta(days=10)


def labels(title="Whose move <&> “quoted”"):
    return BarLabels(
        title=title,
        desc="Two lanes",
        lanes={CLIENT: "Client", AGENCY: "Agency & co"},
        interval=lambda i: f"{i.side} <{i.duration}>",
        tick=lambda d: d.strftime("%d %b"),
    )


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def waits(root):
    return [r for r in root.iter(f"{{{NS['svg']}}}rect") if "wait" in r.get("class", "")]


def test_rects_sit_at_the_intervals_proportions():
    intervals = [
        Interval(CLIENT, START, START + timedelta(days=2, hours=12), False),
        Interval(AGENCY, START + timedelta(days=3), START + timedelta(days=4), False),
        Interval(CLIENT, START + timedelta(days=5), END, True),
    ]
    root = parse(render_bar(intervals, START, END, labels(), UTC_ZONE))
    found = [(r.get("class"), float(r.get("x")), float(r.get("width"))) for r in waits(root)]
    expected = [
        ("wait wait-client", GUTTER, PLOT_W * 0.25),
        ("wait wait-agency", GUTTER + PLOT_W * 0.3, PLOT_W * 0.1),
        ("wait wait-client open", GUTTER + PLOT_W * 0.5, PLOT_W * 0.5),
    ]
    for (cls, x, width), (want_cls, want_x, want_width) in zip(found, expected, strict=True):
        assert cls == want_cls
        assert x == pytest.approx(want_x, abs=0.01)
        assert width == pytest.approx(want_width, abs=0.01)


def test_lanes_differ_without_colour_and_open_waits_are_dashed():
    intervals = [
        Interval(CLIENT, START, START + timedelta(days=1), False),
        Interval(AGENCY, START + timedelta(days=1), START + timedelta(days=2), True),
    ]
    client, agency = waits(
        parse(render_bar(intervals, START, END, labels(), UTC_ZONE, id_prefix="x"))
    )
    assert client.get("fill").startswith("#") and agency.get("fill") == "url(#x-hatch)"
    assert agency.get("stroke-dasharray") and not client.get("stroke-dasharray")


def test_text_is_escaped_and_accessible():
    svg = render_bar([], START, END, labels(), UTC_ZONE, id_prefix="b1")
    root = parse(svg)  # would raise on unescaped text
    assert root.get("role") == "img" and root.get("aria-labelledby") == "b1-title b1-desc"
    assert root.find("svg:title", NS).text == "Whose move <&> “quoted”"
    assert root.find("svg:desc", NS).text == "Two lanes"
    lane_names = [
        t.text for t in root.iter(f"{{{NS['svg']}}}text") if t.get("class") == "lane-label"
    ]
    assert lane_names == ["Client", "Agency & co"]
    interval = Interval(CLIENT, START, END, False)
    rect = waits(parse(render_bar([interval], START, END, labels(), UTC_ZONE)))[0]
    assert rect.find("svg:title", NS).text.startswith("client <10 days")


def test_day_ticks_on_short_spans_and_mondays_on_long_ones():
    short = ticks(START, END, UTC_ZONE)
    assert [d.day for _m, d in short] == list(range(3, 13))
    long = ticks(START, START + timedelta(days=60), UTC_ZONE)
    assert all(d.weekday() == 0 for _m, d in long) and len(long) == 8
    root = parse(render_bar([], START, END, labels(), UTC_ZONE))
    tick_labels = [
        t.text for t in root.iter(f"{{{NS['svg']}}}text") if t.get("class") == "tick-label"
    ]
    assert tick_labels[0] == "03 Nov" and len(tick_labels) == 10


def test_ticks_fall_on_local_midnights():
    moscow = ZoneInfo("Europe/Moscow")
    [(moment, day), *_rest] = ticks(START, END, moscow)
    assert moment.astimezone(moscow).hour == 0 and day.day == 3


def test_an_empty_span_still_draws():
    root = parse(render_bar([], START, START, labels(), UTC_ZONE))
    assert waits(root) == []
    assert len([r for r in root.iter(f"{{{NS['svg']}}}rect") if r.get("class") == "lane"]) == 2

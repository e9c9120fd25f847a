"""Draw whose move it was over time as an inline SVG bar: two lanes, one per side.

Pure: takes the measured intervals, the span to draw and the words, returns markup. Every
piece of text is escaped. The client's waits are solid, the agency's hatched, so the two
read apart without colour (and in black and white print).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from html import escape

from briefs.rules.ball_in_court import AGENCY, CLIENT, Interval

#: Drawing units of the viewBox; the SVG scales to its box.
WIDTH = 1000
GUTTER = 150  # room for the lane names on the left
PLOT_X = GUTTER
PLOT_W = WIDTH - GUTTER - 10
LANE_H = 26
LANES = {CLIENT: 8, AGENCY: 42}  # top of each lane
AXIS_Y = 76
HEIGHT = 104

#: At most this many day ticks; beyond it ticks fall on Mondays.
MAX_DAY_TICKS = 14


@dataclass(frozen=True)
class BarLabels:
    """The words of the bar, already in the page's language."""

    title: str
    desc: str
    #: Lane names by side.
    lanes: dict[str, str]
    #: Describes one interval for its tooltip and screen readers.
    interval: Callable[[Interval], str]
    #: A tick's label from its local date.
    tick: Callable[[date], str]


def _x(moment: datetime, start: datetime, span: float) -> float:
    """Map a moment to its x coordinate on the plot."""
    offset = (moment - start).total_seconds() / span
    return PLOT_X + max(0.0, min(1.0, offset)) * PLOT_W


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def ticks(start: datetime, end: datetime, zone: tzinfo) -> list[tuple[datetime, date]]:
    """Return local midnights between start and end: every day, or Mondays on long spans."""
    first = start.astimezone(zone).date() + timedelta(days=1)
    last = end.astimezone(zone).date()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if len(days) > MAX_DAY_TICKS:
        days = [d for d in days if d.weekday() == 0]
        if len(days) > MAX_DAY_TICKS:  # very long spans: every few Mondays
            step = -(-len(days) // MAX_DAY_TICKS)
            days = days[::step]
    return [(datetime.combine(d, time(), zone), d) for d in days]


def render_bar(
    intervals: Sequence[Interval],
    start: datetime,
    end: datetime,
    labels: BarLabels,
    zone: tzinfo,
    *,
    id_prefix: str = "bar",
) -> str:
    """Return an SVG bar of the intervals between start and end."""
    if end <= start:
        end = start + timedelta(hours=1)
    span = (end - start).total_seconds()
    e = escape
    p = escape(id_prefix)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="whose-move-bar" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{p}-title {p}-desc">',
        f'<title id="{p}-title">{e(labels.title)}</title>',
        f'<desc id="{p}-desc">{e(labels.desc)}</desc>',
        "<defs>",
        f'<pattern id="{p}-hatch" patternUnits="userSpaceOnUse" width="8" height="8" '
        'patternTransform="rotate(45)">'
        '<rect width="8" height="8" fill="#ffffff"/>'
        '<rect width="4" height="8" fill="#9a3412"/></pattern>',
        "</defs>",
    ]
    for side, top in LANES.items():
        out.append(
            f'<text class="lane-label" x="{GUTTER - 10}" y="{top + LANE_H / 2 + 5:g}" '
            f'text-anchor="end" font-size="17" fill="#1a1f2b">{e(labels.lanes[side])}</text>'
        )
        out.append(
            f'<rect class="lane" x="{PLOT_X}" y="{top}" width="{PLOT_W}" height="{LANE_H}" '
            'fill="#f5f6f8" stroke="#8a93a3" stroke-width="1"/>'
        )
    for interval in intervals:
        x0 = _x(interval.start, start, span)
        x1 = _x(interval.end, start, span)
        top = LANES[interval.side]
        fill = "#1d4ed8" if interval.side == CLIENT else f"url(#{p}-hatch)"
        stroke = "#1d4ed8" if interval.side == CLIENT else "#9a3412"
        dash = ' stroke-dasharray="4 3"' if interval.open else ""
        classes = f"wait wait-{interval.side}" + (" open" if interval.open else "")
        out.append(
            f'<rect class="{classes}" x="{_num(x0)}" y="{top}" width="{_num(max(x1 - x0, 0))}" '
            f'height="{LANE_H}" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}>'
            f"<title>{e(labels.interval(interval))}</title></rect>"
        )
    out.append(
        f'<line class="axis" x1="{PLOT_X}" y1="{AXIS_Y}" x2="{PLOT_X + PLOT_W}" y2="{AXIS_Y}" '
        'stroke="#555e6e" stroke-width="1"/>'
    )
    shown = ticks(start, end, zone)
    # Leave a label out when it would crowd the one before it.
    last_label_x = -1000.0
    for moment, day in shown:
        x = _x(moment, start, span)
        out.append(
            f'<line class="tick" x1="{_num(x)}" y1="{LANES[CLIENT]}" x2="{_num(x)}" '
            f'y2="{AXIS_Y + 5}" stroke="#8a93a3" stroke-width="1" stroke-dasharray="2 3"/>'
        )
        if x - last_label_x >= 70:
            last_label_x = x
            # Near the right edge the label ends at its tick, so it stays in the picture.
            anchor = "end" if x > PLOT_X + PLOT_W - 35 else "middle"
            out.append(
                f'<text class="tick-label" x="{_num(x)}" y="{AXIS_Y + 20}" text-anchor="{anchor}" '
                f'font-size="15" fill="#555e6e">{e(labels.tick(day))}</text>'
            )
    out.append("</svg>")
    return "".join(out)

"""Server-rendered SVG charts. Geometry is computed here; the templates in
``templates/charts/`` draw it, so the page and the PDF show the same chart."""

import datetime
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

SERIES_COLOURS = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1"]


@dataclass
class RadarSeries:
    name: str
    values: Sequence[Fraction | Decimal | int | None]  # levels 0–3, one per axis
    dashed: bool = False


def _point(cx: float, cy: float, radius: float, index: int, count: int, scale: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return cx + radius * scale * math.cos(angle), cy + radius * scale * math.sin(angle)


def _described(kind: str, summary: str) -> dict[str, str]:
    """The chart's text alternative, as a ``<title>`` element the ``<svg>``
    points to: text content, never an attribute (user text stays out of
    attributes of the PDF templates). The id is derived from the text, so
    the same chart renders the same bytes."""
    text = f"{kind}. {summary}" if summary else kind
    return {"chart_id": "chart-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10], "chart_title": text}


LABEL_SIZE = 13
LINE_HEIGHT = 15
# A label longer than this is broken at its spaces (Thai writes a space
# between phrases, not words, so it never breaks inside a word).
LABEL_MAX_WIDTH = 170


@lru_cache(maxsize=1)
def _advances() -> tuple[dict[int, int], float]:
    """Sarabun's advance width of each character, in font units, and the
    scale to pixels at the labels' size: the charts' text is measured as it
    is set, so no label is cut off at the chart's edge."""
    from django.contrib.staticfiles import finders
    from fontTools.ttLib import TTFont

    font = TTFont(finders.find("fonts/sarabun/Sarabun_400Regular.ttf"), lazy=True)
    widths = font["hmtx"].metrics
    advances = {code: widths[glyph][0] for code, glyph in font.getBestCmap().items()}
    return advances, LABEL_SIZE / font["head"].unitsPerEm


def text_width(text: str) -> float:
    """The width of ``text`` in Sarabun at the labels' size, in pixels (a
    character the font lacks counts as an em)."""
    advances, scale = _advances()
    return sum(advances.get(ord(character), 1 / scale) for character in text) * scale


def label_lines(label: str) -> list[str]:
    """The label in lines no wider than ``LABEL_MAX_WIDTH`` where its spaces
    allow; a phrase wider than that keeps its own line."""
    lines: list[str] = []
    for word in label.split():
        if lines and text_width(f"{lines[-1]} {word}") <= LABEL_MAX_WIDTH:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def radar_svg(
    *, labels: list[str], series: list[RadarSeries], maximum: int = 3, size: int = 420, title: str = ""
) -> str:
    """A radar (spider) chart of criterion levels: one axis per criterion,
    rings at each level, one polygon per series. The drawing's box grows to
    hold every label as Sarabun sets it, and the legend goes below both."""
    count = max(len(labels), 3)
    cx = cy = size / 2
    radius = size / 2 - 30
    axes, (left, right, top, bottom) = _radar_axes(labels, cx, cy, radius, count, size)
    left, right, top = math.floor(left) - 6, math.ceil(right) + 6, math.floor(top) - 4
    legend, right = _radar_legend(series, left, right, bottom)
    polygons = [
        _radar_polygon(number, item, cx, cy, radius, count, maximum, legend[number])
        for number, item in enumerate(series)
    ]
    height = (legend[-1][1] if legend else math.ceil(bottom)) + 10 - top
    summary = title or "; ".join(
        f"{item.name}: "
        + ", ".join(
            f"{label} {float(Fraction(value)) if value is not None else 0:.2f}"
            for label, value in zip(labels, item.values, strict=False)
        )
        for item in series
    )
    context = {
        **_described(_("Criterion levels (0–3)"), summary),
        "view_box": f"{left} {top} {right - left} {height}",
        "line_height": LINE_HEIGHT,
        "title": title,
        "cx": cx,
        "cy": cy,
        "rings": _radar_rings(cx, cy, radius, count, maximum),
        "axes": axes,
        "polygons": polygons,
    }
    return mark_safe(render_to_string("charts/radar.svg", context))


def _radar_rings(cx: float, cy: float, radius: float, count: int, maximum: int) -> list[dict[str, object]]:
    rings: list[dict[str, object]] = []
    for level in range(1, maximum + 1):
        points = [_point(cx, cy, radius, i, count, level / maximum) for i in range(count)]
        rings.append(
            {
                "level": level,
                "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                "label_y": cy - radius * level / maximum,
            }
        )
    return rings


def _radar_axes(
    labels: list[str], cx: float, cy: float, radius: float, count: int, size: int
) -> tuple[list[dict[str, object]], tuple[float, float, float, float]]:
    """Each axis with its label's lines and place, and the box (left, right,
    top, bottom) that holds the chart and every label."""
    axes: list[dict[str, object]] = []
    left, right, top, bottom = 0.0, float(size), 0.0, float(size)
    for index, label in enumerate(labels):
        x, y = _point(cx, cy, radius, index, count, 1)
        lx, ly = _point(cx, cy, radius + 14, index, count, 1)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        lines = label_lines(label)
        extra = (len(lines) - 1) * LINE_HEIGHT
        if abs(ly - cy) < 8:
            first = ly + 4 - extra / 2  # beside the centre: centred on the axis
        elif ly < cy:
            first = ly - extra  # above: the last line ends at the axis
        else:
            first = ly + 4  # below: the first line starts at the axis
        width = max(text_width(line) for line in lines)
        start = {"start": lx, "end": lx - width, "middle": lx - width / 2}[anchor]
        left, right = min(left, start), max(right, start + width)
        top, bottom = min(top, first - LABEL_SIZE), max(bottom, first + extra + 4)
        axes.append({"x": x, "y": y, "lx": lx, "ly": first, "anchor": anchor, "lines": lines})
    return axes, (left, right, top, bottom)


def _radar_legend(
    series: list[RadarSeries], left: float, right: float, bottom: float
) -> tuple[list[tuple[float, int]], float]:
    """The legend below the chart: its items flow in rows, each as wide as
    its name. Returns each item's place and the box's right edge."""
    legend: list[tuple[float, int]] = []
    x, row = left + 6, 0
    for item in series:
        width = 18 + text_width(item.name) + 16
        if x > left + 6 and x + width > right:
            x, row = left + 6, row + 1
        legend.append((x, math.ceil(bottom) + 14 + row * 20))
        x += width
        right = max(right, math.ceil(x))
    return legend, right


def _radar_polygon(
    number: int,
    item: RadarSeries,
    cx: float,
    cy: float,
    radius: float,
    count: int,
    maximum: int,
    legend: tuple[float, int],
) -> dict[str, object]:
    values = [float(Fraction(v)) if v is not None else 0.0 for v in item.values]
    points = [_point(cx, cy, radius, i, count, min(max(v / maximum, 0), 1)) for i, v in enumerate(values)]
    return {
        "name": item.name,
        "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
        "dots": points,
        "colour": SERIES_COLOURS[number % len(SERIES_COLOURS)],
        "dashed": item.dashed,
        # Earlier series drawn wider, later ones on top narrower: a
        # series equal to another still shows as a coloured edge.
        "width": max(6 - 2 * number, 1.5),
        "dot": max(5 - 1.5 * number, 2),
        "legend_x": legend[0],
        "legend_y": legend[1],
    }


@dataclass
class TimelineBar:
    label: str
    start: datetime.date
    end: datetime.date | None  # None = open-ended
    group: str
    done: bool = False
    overdue: bool = False


def _month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


MAX_MONTHS = 120


def timeline_svg(
    *,
    bars: list[TimelineBar],
    groups: list[tuple[str, str]],
    language: str = "th",
    window: tuple[datetime.date, datetime.date] | None = None,
) -> str:
    """A Gantt-like timeline on a month axis: one band per group (phase),
    one bar per activity; open-ended bars fade out at the right edge.
    Month names in Thai with Buddhist-era years (English: Gregorian).

    The axis never spans more than ``window`` (first and last day shown) nor
    ``MAX_MONTHS`` months: bars reaching beyond are cut at the edge, so the
    chart's size does not depend on what dates are stored."""
    from pso_site.lib.dates import format_date

    if not bars:
        return ""
    first, months = _timeline_months(bars, window)
    label_width, month_width, row_height, top = 330, max(34, min(64, 760 // months)), 26, 50
    place = _TimelinePlace(first, months, label_width, month_width)
    rows, y = [], top
    for code, name in groups:
        members = [bar for bar in bars if bar.group == code]
        if not members:
            continue
        rows.append({"kind": "group", "label": name, "y": y})
        y += row_height
        for bar in members:
            rows.append(place.bar_row(bar, y))
            y += row_height
    summary = "; ".join(
        f"{bar.label}: {format_date(bar.start, language=language)} – "
        + (format_date(bar.end, language=language) if bar.end else "…")
        for bar in bars
    )
    context = {
        **_described(_("Timeline of the activities"), summary),
        "width": label_width + months * month_width + 10,
        "height": y + 10,
        "label_width": label_width,
        "month_width": month_width,
        "rows": rows,
        "axis": _timeline_axis(first, months, label_width, month_width, language),
        "top": top,
        "row_height": row_height,
    }
    return mark_safe(render_to_string("charts/timeline.svg", context))


def _timeline_months(
    bars: list[TimelineBar], window: tuple[datetime.date, datetime.date] | None
) -> tuple[int, int]:
    """The first month shown (as ``_month_index``) and how many."""
    first = min(_month_index(bar.start) for bar in bars)
    ends = [_month_index(bar.end) for bar in bars if bar.end]
    last = max(ends + [_month_index(bar.start) for bar in bars]) + (
        3 if any(b.end is None for b in bars) else 0
    )
    if window is not None:
        first = min(max(first, _month_index(window[0])), _month_index(window[1]))
        last = max(min(last, _month_index(window[1])), first)
    last = min(last, first + MAX_MONTHS - 1)
    return first, last - first + 1


@dataclass(frozen=True)
class _TimelinePlace:
    first: int
    months: int
    label_width: int
    month_width: int

    def bar_row(self, bar: TimelineBar, y: int) -> dict[str, object]:
        """The bar on the month axis, cut at its edges."""
        months = self.months
        start = min(max(_month_index(bar.start) - self.first, 0), months)
        end = min(max((_month_index(bar.end) - self.first + 1) if bar.end else months, 0), months)
        # Days within the month give the bar its real start and end.
        start_day = (bar.start.day - 1) / 31 if 0 < start < months else 0
        end_day = (1 - bar.end.day / 31) if bar.end and 0 < end < months else 0
        x = self.label_width + (start + start_day) * self.month_width
        x_end = self.label_width + (end - end_day) * self.month_width
        return {
            "kind": "bar",
            "label": bar.label if len(bar.label) <= 48 else bar.label[:46] + "…",
            "title": bar.label,
            "y": y,
            "x": x,
            "width": max(x_end - x, 4),
            "open": bar.end is None,
            "done": bar.done,
            "overdue": bar.overdue,
        }


def _timeline_axis(
    first: int, months: int, label_width: int, month_width: int, language: str
) -> list[dict[str, object]]:
    """Each month's name, and its year on the first month and each January."""
    from pso_site.lib.dates import BUDDHIST_ERA_OFFSET, ENGLISH_MONTHS, THAI_MONTHS_SHORT

    axis: list[dict[str, object]] = []
    for offset in range(months):
        year, month = divmod(first + offset, 12)
        if language.startswith("en"):
            name, shown_year = ENGLISH_MONTHS[month][:3], year
        else:
            name, shown_year = THAI_MONTHS_SHORT[month], year + BUDDHIST_ERA_OFFSET
        axis.append(
            {
                "x": label_width + offset * month_width,
                "name": name,
                "year": shown_year if (offset == 0 or month == 0) else "",
            }
        )
    return axis

"""Server-rendered SVG charts. Geometry is computed here; the templates in
``templates/charts/`` draw it, so the page and the PDF show the same chart."""

import math
from dataclasses import dataclass
from fractions import Fraction

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

SERIES_COLOURS = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1"]


@dataclass
class RadarSeries:
    name: str
    values: list  # levels 0–3, one per axis, Fraction/Decimal/int
    dashed: bool = False


def _point(cx, cy, radius, index, count, scale):
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return cx + radius * scale * math.cos(angle), cy + radius * scale * math.sin(angle)


def radar_svg(
    *, labels: list[str], series: list[RadarSeries], maximum: int = 3, size: int = 420, title: str = ""
) -> str:
    """A radar (spider) chart of criterion levels: one axis per criterion,
    rings at each level, one polygon per series."""
    count = max(len(labels), 3)
    cx = cy = size / 2
    radius = size / 2 - 30
    # Room on both sides for long Thai criterion names.
    pad = 150
    rings = []
    for level in range(1, maximum + 1):
        points = [_point(cx, cy, radius, i, count, level / maximum) for i in range(count)]
        rings.append({"level": level, "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points), "label_y": cy - radius * level / maximum})
    axes = []
    for index, label in enumerate(labels):
        x, y = _point(cx, cy, radius, index, count, 1)
        lx, ly = _point(cx, cy, radius + 14, index, count, 1)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        axes.append({"x": x, "y": y, "lx": lx, "ly": ly + (4 if ly >= cy else 0), "anchor": anchor, "label": label})
    polygons = []
    for number, item in enumerate(series):
        values = [float(Fraction(v)) if v is not None else 0.0 for v in item.values]
        points = [_point(cx, cy, radius, i, count, min(max(v / maximum, 0), 1)) for i, v in enumerate(values)]
        polygons.append(
            {
                "name": item.name,
                "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                "dots": points,
                "colour": SERIES_COLOURS[number % len(SERIES_COLOURS)],
                "dashed": item.dashed,
            }
        )
    context = {
        "size": size,
        "pad": pad,
        "width": size + 2 * pad,
        "title": title,
        "cx": cx,
        "cy": cy,
        "rings": rings,
        "axes": axes,
        "polygons": polygons,
    }
    return mark_safe(render_to_string("charts/radar.svg", context))

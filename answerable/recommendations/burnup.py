"""A burn-up chart (actions in scope and actions delivered, month by month, with the forecast
band ahead) laid out as SVG coordinates for a template to draw.

Drawn by the template rather than by matplotlib: the page is read afresh on every view
(ADR 0010), and laying out a few lines costs microseconds where a matplotlib figure costs
tens of milliseconds. The table beside the chart holds every figure it shows.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import date_format

from answerable.recommendations.selectors.forecast import BurnupPoint

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40


@dataclass(frozen=True)
class BandRow:
    month_end: datetime.date
    low: int
    middle: int
    high: int


@dataclass(frozen=True)
class BurnupChart:
    total: str  # polyline points
    done: str
    band: str  # polygon points, empty when there is no forecast
    middle: str
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, str]]
    band_rows: list[BandRow]
    points: list[BurnupPoint]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = HEIGHT - BOTTOM


def burnup_chart(
    points: list[BurnupPoint], band: Sequence[tuple[datetime.date, int, int, int]]
) -> BurnupChart | None:
    """Lay out the history and the forecast's `band` (Forecast.band), if there is one."""
    if not points:
        return None
    done_now = points[-1].done
    rows = [BandRow(end, done_now + lo, done_now + mid, done_now + hi) for end, lo, mid, hi in band]
    months = len(points) + len(rows)
    top = max(max(p.total for p in points), 1)

    def x(index: int) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * index / max(months - 1, 1), 1)

    def y(value: int) -> float:
        return round(HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / top, 1)

    def line(values: list[tuple[int, int]]) -> str:
        return " ".join(f"{x(i)},{y(v)}" for i, v in values)

    last = len(points) - 1
    ahead = [(last + 1 + i, row) for i, row in enumerate(rows)]
    band_points = ""
    if ahead:
        upper = [(last, done_now)] + [(i, row.high) for i, row in ahead]
        lower = [(i, row.low) for i, row in reversed(ahead)] + [(last, done_now)]
        band_points = line(upper + lower)
    step = max(1, months // 6)
    labels = [p.month for p in points] + [row.month_end for row in rows]
    return BurnupChart(
        total=line(
            [(i, p.total) for i, p in enumerate(points)] + [(i, points[-1].total) for i, _ in ahead]
        ),
        done=line([(i, p.done) for i, p in enumerate(points)]),
        band=band_points,
        middle=line([(last, done_now)] + [(i, row.middle) for i, row in ahead]) if ahead else "",
        y_ticks=[(y(top * n // 4), top * n // 4) for n in range(5)],
        # Month names from Django's translations, so they follow the page's language.
        x_ticks=[(x(i), date_format(labels[i], "M Y")) for i in range(0, months, step)],
        band_rows=rows,
        points=points,
    )

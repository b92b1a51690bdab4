"""An XmR chart laid out as SVG coordinates for the indicator page's template to draw.

Drawn by the template, as the burn-up chart is (recommendations/burnup.py): the page is read
afresh on every view (ADR 0010), and laying out a few lines costs microseconds. The table
beside the chart holds every figure it shows.
"""

import datetime
import math
from dataclasses import dataclass
from fractions import Fraction

from answerable.indicators import periods
from answerable.indicators.spc import PointType, Reading

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    point_type: str  # spc.PointType


@dataclass(frozen=True)
class ChartLine:
    y: float
    label: str  # drawn at the right-hand end, as "Mean", "Upper limit"


@dataclass(frozen=True)
class XmrChart:
    segments: list[str]  # polyline points, one per unbroken run of periods
    points: list[ChartPoint]
    mean: ChartLine | None
    upper: ChartLine | None
    lower: ChartLine | None
    target: ChartLine | None
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round-numbered ticks (steps of 1, 2 or 5 times a power of ten) covering low to high."""
    if high <= low:
        high = low + 1
    rough = (high - low) / count
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    steps = round((last - first) / step)
    return [round(first + n * step, 10) for n in range(steps + 1)]


def tick_label(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.10g}"


def xmr_chart(
    reading: Reading, period_starts: list[datetime.date], frequency: str
) -> XmrChart | None:
    """Lay out the reading's points over every period from the first to the last recorded.

    `period_starts` are the periods the reading's indexes count (gaps included), so a missing
    period leaves a gap in the line rather than joining its neighbours.
    """
    if not reading.points:
        return None
    # Drawn in floats: the exact fractions are for the rules, not for pixels.
    heights = [p.whole / p.scale for p in reading.points]
    levels: list[float | Fraction] = list(heights)
    limits = reading.limits
    if limits is not None:
        levels += [limits.upper, limits.lower]
    if reading.target is not None:
        levels.append(reading.target)
    ticks = nice_ticks(float(min(levels)), float(max(levels)))
    low, high = ticks[0], ticks[-1]
    span = max(len(period_starts) - 1, 1)

    def x(index: int) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * index / span, 1)

    def y(value: Fraction | float) -> float:
        return round(
            HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (float(value) - low) / (high - low), 1
        )

    points = [
        ChartPoint(x(p.index), y(height), PointType(p.point_type).value)
        for p, height in zip(reading.points, heights, strict=True)
    ]
    segments: list[list[str]] = []
    previous = None
    for point, placed in zip(reading.points, points, strict=True):
        if previous is None or point.index != previous + 1:
            segments.append([])
        segments[-1].append(f"{placed.x},{placed.y}")
        previous = point.index
    step = max(1, math.ceil(len(period_starts) / 6))
    return XmrChart(
        segments=[" ".join(segment) for segment in segments],
        points=points,
        mean=ChartLine(y(limits.mean), "mean") if limits else None,
        upper=ChartLine(y(limits.upper), "upper") if limits else None,
        lower=ChartLine(y(limits.lower), "lower") if limits else None,
        target=ChartLine(y(reading.target), "target") if reading.target is not None else None,
        y_ticks=[(y(tick), tick_label(tick)) for tick in ticks],
        x_ticks=[
            (x(i), periods.short_period_label(period_starts[i], frequency))
            for i in range(0, len(period_starts), step)
        ],
    )

"""Stacked horizontal bar charts laid out as SVG coordinates for a template to draw
(`charts/bar_chart.html`).

Drawn by the template, as the burn-up chart is (recommendations/burnup.py): no JavaScript, no
image library, and a table beside each chart holds every figure it shows. The layout knows
nothing of the register: callers pass each bar's counts by series and each series' label and
colour, and the same layout serves the public home page and the progress report.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

WIDTH = 640
RIGHT = 48  # room on the right for each bar's total
BAR = 22
TOP = 8
ROW_TITLE_ABOVE = 52  # a long title above its bar
ROW_LABEL_LEFT = 28  # a short label to the left of its bar
LEGEND_ROW = 24
LABEL_CHARACTERS = 90


@dataclass(frozen=True)
class Series:
    """One kind of count in every bar (a status), with its label and colour."""

    value: str
    label: str
    colour: str


@dataclass(frozen=True)
class Segment:
    status: str
    label: str
    count: int
    x: float
    width: float
    colour: str


@dataclass(frozen=True)
class Bar:
    title: str
    total: int
    title_x: int
    title_y: int
    bar_y: int
    end_x: float  # where the bar ends, for its total
    segments: list[Segment]


@dataclass(frozen=True)
class LegendKey:
    label: str
    colour: str
    x: int
    y: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    legend: list[LegendKey]
    width: int = WIDTH
    height: int = 0
    bar_height: int = BAR
    labels_left: bool = False


def _shorten(title: str, characters: int) -> str:
    return title if len(title) <= characters else title[: characters - 1] + "…"


def stacked_bar_chart(
    *,
    bars: Sequence[tuple[str, Mapping[str, int]]],
    series: Sequence[Series],
    label_width: int = 0,
) -> BarChart | None:
    """One bar for each (title, counts by series), split by series, all on one scale.

    With `label_width` the titles sit to the left of their bars in that many units (for short
    names, such as organisations); without it each title sits above its bar. Series with no
    count in a bar draw nothing there. The legend, inside the chart, follows the bars.
    """
    if not bars:
        return None
    totals = [sum(counts.get(s.value, 0) for s in series) for _title, counts in bars]
    most = max([*totals, 1])
    left = label_width + 8 if label_width else 8
    span = WIDTH - left - RIGHT
    row = ROW_LABEL_LEFT if label_width else ROW_TITLE_ABOVE
    # About 7 units a character at the chart's 13-unit type.
    characters = label_width // 7 if label_width else LABEL_CHARACTERS
    laid_out = []
    for index, ((title, counts), total) in enumerate(zip(bars, totals, strict=True)):
        top = TOP + index * row
        bar_y = top if label_width else top + 20
        x = float(left)
        segments = []
        for s in series:
            count = counts.get(s.value, 0)
            if not count:
                continue
            width = round(span * count / most, 1)
            segments.append(Segment(s.value, s.label, count, round(x, 1), width, s.colour))
            x += width
        laid_out.append(
            Bar(
                title=_shorten(title, characters),
                total=total,
                title_x=label_width if label_width else 8,
                title_y=bar_y + 16 if label_width else top + 14,
                bar_y=bar_y,
                end_x=round(x, 1),
                segments=segments,
            )
        )
    legend_top = TOP + len(bars) * row + 8
    legend, x, y = [], 8, legend_top
    for s in series:
        room = 24 + 7 * len(s.label) + 16
        if x + room > WIDTH and x > 8:
            x, y = 8, y + LEGEND_ROW
        legend.append(LegendKey(s.label, s.colour, x, y))
        x += room
    return BarChart(
        bars=laid_out,
        legend=legend,
        height=y + LEGEND_ROW,
        labels_left=bool(label_width),
    )

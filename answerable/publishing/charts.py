"""The public home's bar chart (each published report's recommendations by assurance status)
laid out as SVG coordinates for a template to draw.

Drawn by the template, as the burn-up chart is (recommendations/burnup.py): no JavaScript, no
image library, and the table on the same page holds every figure the chart shows.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from answerable.recommendations.models import AssuranceStatus, Source
from answerable.recommendations.selectors import PublicSummary

WIDTH = 640
LEFT, RIGHT = 8, 48  # room on the right for each bar's total
ROW = 52  # a report's title above its bar
BAR = 22
TOP = 8

# GOV.UK colours matching the assurance tags on the same pages.
COLOURS: dict[str, str] = {
    AssuranceStatus.NOT_ASSESSED: "#b1b4b6",
    AssuranceStatus.ASSURED: "#00703c",
    AssuranceStatus.PARTLY_ASSURED: "#ffdd00",
    AssuranceStatus.NOT_ASSURED: "#d4351c",
    AssuranceStatus.REOPENED: "#f47738",
}


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
    title_y: int
    bar_y: int
    end_x: float  # where the bar ends, for its total
    segments: list[Segment]


@dataclass(frozen=True)
class AssuranceChart:
    bars: list[Bar]
    legend: list[tuple[str, str]]  # (label, colour)
    width: int = WIDTH
    height: int = 0
    bar_height: int = BAR


def assurance_chart(
    *, sources: Sequence[Source], summaries: Mapping[int, PublicSummary]
) -> AssuranceChart | None:
    """One bar a report, split by assurance status, on one scale so sizes compare."""
    if not sources:
        return None
    most = max([summaries[s.pk].recommendations for s in sources] + [1])
    span = WIDTH - LEFT - RIGHT
    bars = []
    for index, source in enumerate(sources):
        summary = summaries[source.pk]
        top = TOP + index * ROW
        x = float(LEFT)
        segments = []
        for status, label in AssuranceStatus.choices:
            count = summary.by_assurance.get(status, 0)
            if not count:
                continue
            width = round(span * count / most, 1)
            segments.append(Segment(status, str(label), count, round(x, 1), width, COLOURS[status]))
            x += width
        title = source.title if len(source.title) <= 90 else source.title[:89] + "…"
        bars.append(Bar(title, summary.recommendations, top + 14, top + 20, round(x, 1), segments))
    return AssuranceChart(
        bars=bars,
        legend=[(str(label), COLOURS[status]) for status, label in AssuranceStatus.choices],
        height=TOP + len(sources) * ROW,
    )

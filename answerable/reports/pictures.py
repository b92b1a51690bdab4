"""The report's charts as pictures for Word, which cannot show SVG, drawn by matplotlib from
the same layouts the HTML and PDF draw (`core.charts`, `recommendations.burnup`), so the
figures and colours match. Each picture carries alternative text and its table follows it.
"""

import io
from typing import Any

from django.utils.translation import gettext as _
from docx.shared import Inches

from answerable.core.charts import BarChart
from answerable.recommendations.burnup import BurnupChart

WIDTH_INCHES = 6.3
DPI = 110


def add_picture(document: Any, png: bytes, description: str) -> None:
    """Add a picture the width of the page, with `description` as its alternative text."""
    document.add_picture(io.BytesIO(png), width=Inches(WIDTH_INCHES))
    inline = document.paragraphs[-1].runs[0]._r.xpath("./w:drawing/wp:inline/wp:docPr")[0]
    inline.set("descr", description)


def _figure(height: float) -> Any:
    import matplotlib  # imported here: only Word output draws with it

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(6.5, height), dpi=DPI)


def _png(figure: Any, **options: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", **options)
    return buffer.getvalue()


def bar_chart_png(chart: BarChart) -> bytes:
    """A stacked bar chart: one bar a row, top to bottom as in the table, the legend below.

    Laid out with fixed margins rather than `bbox_inches="tight"`, which draws the figure
    twice: three charts of 31 organisations took 1.6 seconds that way, a quarter of that now.
    """
    rows = len(chart.bars)
    height = 0.25 * rows + 1.0
    figure = _figure(height)
    # Room for labels of about 34 characters on the left and two legend rows below.
    figure.subplots_adjust(left=0.36, right=0.94, top=1 - 0.1 / height, bottom=0.75 / height)
    axes = figure.add_subplot()
    segments: dict[str, list[tuple[int, int, int]]] = {key.label: [] for key in chart.legend}
    for row, bar in enumerate(chart.bars):
        left = 0
        for segment in bar.segments:
            segments[segment.label].append((row, segment.count, left))
            left += segment.count
    for key in chart.legend:  # one call a series, with only the rows that have some
        placed = segments[key.label] or [(0, 0, 0)]
        row_numbers, counts, lefts = zip(*placed, strict=True)
        axes.barh(row_numbers, counts, left=lefts, color=key.colour, label=key.label, height=0.7)
    axes.set_yticks(range(rows), [bar.title for bar in chart.bars], fontsize=8)
    axes.set_ylim(rows - 0.5, -0.5)  # the first row at the top, as in the table
    axes.tick_params(axis="x", labelsize=8)
    for row, bar in enumerate(chart.bars):
        axes.annotate(str(bar.total), (bar.total, row), xytext=(3, 0), textcoords="offset points",
                      va="center", fontsize=8)  # fmt: skip
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper center", bbox_to_anchor=(0.3, -0.35 / (height - 0.85)), ncols=3,
                fontsize=8, frameon=False)  # fmt: skip
    return _png(figure)


def burnup_png(chart: BurnupChart) -> bytes:
    """The burn-up: actions in scope, delivered, and the forecast band ahead."""
    from matplotlib.dates import date2num

    figure = _figure(3)
    axes = figure.add_subplot()
    months = date2num([p.month for p in chart.points])
    axes.plot(months, [p.total for p in chart.points], color="#505a5f", linestyle="--")
    axes.plot(months, [p.done for p in chart.points], color="#1d70b8", linewidth=2)
    if chart.band_rows:
        ends = date2num([row.month_end for row in chart.band_rows])
        axes.fill_between(
            ends, [r.low for r in chart.band_rows], [r.high for r in chart.band_rows],
            color="#1d70b8", alpha=0.2, linewidth=0,
        )  # fmt: skip
        axes.plot(ends, [r.middle for r in chart.band_rows], color="#1d70b8", linestyle=":")
    axes.xaxis_date()
    axes.set_ylabel(_("Actions"))
    figure.autofmt_xdate()
    return _png(figure, bbox_inches="tight")

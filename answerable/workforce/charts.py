"""Coverage charts drawn by matplotlib as SVG, made safe to inline under the page's CSP.

matplotlib writes colours as `style="..."` attributes and a `<style>` element, which a strict
Content-Security-Policy (style-src 'self') blocks inside an HTML page. Each chart is rewritten
to use SVG presentation attributes instead, its element IDs are prefixed so several charts can
share a page, and it gains `role="img"` with a `<title>` and `<desc>`. Every chart sits beside
a table holding the same figures, which is the text alternative.
"""

import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET  # noqa: N817 - parses matplotlib's own output only
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402 - after choosing the Agg backend

from answerable.workforce.coverage import TrendPoint  # noqa: E402 - as above
from answerable.workforce.models import ChartDrawing  # noqa: E402 - as above

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

BLUE, RED, BLACK, GREY = "#1d70b8", "#d4351c", "#0b0c0c", "#505a5f"
# SVG presentation attributes matplotlib's inline styles use; anything else is dropped.
PRESENTATION = frozenset(
    {
        "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
        "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit",
        "opacity", "clip-path", "font-size", "font-family", "font-weight", "text-anchor",
    }
)  # fmt: skip
MAX_BARS = 40

matplotlib.rcParams.update(
    {
        "svg.fonttype": "path",
        "svg.hashsalt": "answerable",
        "font.size": 10,
        "axes.edgecolor": GREY,
        "axes.labelcolor": BLACK,
        "xtick.color": BLACK,
        "ytick.color": BLACK,
    }
)


@dataclass(frozen=True)
class ChartFigures:
    """What a chart shows: a per cent in date for each label, against the course's target."""

    chart_id: str
    title: str
    description: str
    labels: Sequence[str]
    percents: Sequence[float | None]
    target: int


def _chart(kind: str, figures: ChartFigures, draw: Callable[[ChartFigures], str]) -> "Chart":
    """The chart, keyed by the digest of what it shows; `draw` runs only if never drawn."""
    shows = (figures.chart_id, figures.title, figures.description, figures.labels)
    key = _key(kind, *shows, figures.percents, figures.target)
    return Chart(key, lambda: draw(figures))


def bar_chart(figures: ChartFigures) -> "Chart":
    """A horizontal bar per cohort (coverage per cent) with the target as a dashed line."""
    shown = replace(
        figures,
        labels=list(figures.labels)[:MAX_BARS],
        percents=list(figures.percents)[:MAX_BARS],
    )
    return _chart("bar", shown, _bar_svg)


def _bar_svg(figures: ChartFigures) -> str:
    labels, target = figures.labels, figures.target
    figure = Figure(figsize=(6.4, max(1.6, 0.38 * len(labels) + 1.0)))
    axes = figure.add_subplot()
    positions = range(len(labels))
    values = [p or 0 for p in figures.percents]
    axes.barh(positions, values, color=[RED if v < target else BLUE for v in values])
    axes.set_yticks(list(positions), [_short(label) for label in labels])
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("Per cent in date")
    axes.axvline(target, color=BLACK, linestyle="--", linewidth=1.2)
    axes.text(target, -0.7, f"Target {target}%", ha="center", va="bottom", color=BLACK)
    for position, value in zip(positions, values, strict=True):
        # Long bars carry their figure inside in white; short ones beside them in black.
        inside = value >= 85
        axes.text(
            value - 1 if inside else value + 1,
            position,
            f"{value:.0f}%",
            va="center",
            ha="right" if inside else "left",
            color="#ffffff" if inside else BLACK,
        )
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return _inline(figure, figures)


def line_chart(figures: ChartFigures) -> "Chart":
    """Coverage per cent over time as a line with points, and the target as a dashed line."""
    return _chart("line", figures, _line_svg)


def _line_svg(figures: ChartFigures) -> str:
    labels, target = figures.labels, figures.target
    figure = Figure(figsize=(6.4, 3.2))
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    values = [p if p is not None else float("nan") for p in figures.percents]
    axes.plot(positions, values, color=BLUE, marker="o", linewidth=2)
    axes.axhline(target, color=BLACK, linestyle="--", linewidth=1.2)
    axes.text(0, target + 1.5, f"Target {target}%", color=BLACK)
    axes.set_ylim(0, 105)
    axes.set_ylabel("Per cent in date")
    step = max(1, len(labels) // 8)
    axes.set_xticks(positions[::step], list(labels)[::step])
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return _inline(figure, figures)


def _key(*parts: object) -> str:
    encoded = json.dumps(parts, default=str, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()


@dataclass(frozen=True)
class Chart:
    """A chart to show: the digest of what it shows, and how to draw it if never drawn."""

    key: str
    draw: Callable[[], str]


def drawn(wanted: Sequence[Chart]) -> list[str]:
    """Each chart's SVG: those drawn before read in one query, the others drawn and kept."""
    kept = dict(
        ChartDrawing.objects.filter(key__in=[chart.key for chart in wanted]).values_list(
            "key", "svg"
        )
    )
    new = {chart.key: chart.draw() for chart in wanted if chart.key not in kept}
    # Two requests drawing the same new chart at once store it once.
    ChartDrawing.objects.bulk_create(
        [ChartDrawing(key=key, svg=svg) for key, svg in new.items()], ignore_conflicts=True
    )
    return [kept.get(chart.key) or new[chart.key] for chart in wanted]


def _short(label: str, width: int = 28) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _inline(figure: Figure, figures: ChartFigures) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return make_inline_svg(
        buffer.getvalue(),
        chart_id=figures.chart_id,
        title=figures.title,
        description=figures.description,
    )


def make_inline_svg(svg: str, *, chart_id: str, title: str, description: str) -> str:
    """Rewrite matplotlib's SVG for inlining: no styles, unique IDs, a title and description."""
    root = ET.fromstring(svg.encode())  # noqa: S314 - matplotlib's own output, not user input
    prefix = re.sub(r"[^a-z0-9-]", "-", chart_id.lower())
    for parent in root.iter():
        for child in list(parent):
            if child.tag in (f"{{{SVG_NS}}}style", f"{{{SVG_NS}}}metadata"):
                parent.remove(child)
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    for element in root.iter():
        style = element.attrib.pop("style", "")
        for declaration in style.split(";"):
            name, _, value = declaration.partition(":")
            if name.strip() in PRESENTATION and value.strip():
                element.set(name.strip(), value.strip())
        if "id" in element.attrib:
            element.set("id", f"{prefix}-{element.get('id')}")
        href = element.get(f"{{{XLINK_NS}}}href")
        if href and href.startswith("#"):
            element.set(f"{{{XLINK_NS}}}href", f"#{prefix}-{href[1:]}")
        clip = element.get("clip-path")
        if clip and clip.startswith("url(#"):
            element.set("clip-path", f"url(#{prefix}-{clip[5:]}")
    for attribute in ("width", "height"):
        root.attrib.pop(attribute, None)
    root.set("width", "100%")
    root.set("role", "img")
    root.set("focusable", "false")
    root.set("aria-labelledby", f"{prefix}-title {prefix}-desc")
    root.set("class", "app-chart")
    title_element = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{prefix}-title"})
    title_element.text = title
    desc_element = ET.Element(f"{{{SVG_NS}}}desc", {"id": f"{prefix}-desc"})
    desc_element.text = description
    root.insert(0, desc_element)
    root.insert(0, title_element)
    # Registered on each call: the map is global, and other libraries (WeasyPrint's PDF
    # metadata) re-register prefixes, which would otherwise turn ours into "ns0:".
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="unicode")


def percent_text(value: float | None) -> str:
    """A coverage figure as the page and chart descriptions write it: 84.6%, or 'no one'."""
    return "no one required" if value is None else f"{value:.1f}%"


def cohort_chart(*, course_title: str, dimension_label: str, cohorts: list, target: int) -> Chart:
    """The bar chart for one dimension of a coverage summary, described in words."""
    described = "; ".join(f"{c.label} {percent_text(c.percent)}" for c in cohorts[:MAX_BARS])
    return bar_chart(
        ChartFigures(
            chart_id=f"chart-{dimension_label}",
            title=f"{course_title}: per cent in date by {dimension_label.lower()}",
            description=(
                f"Bar chart against a target of {target}%. {described}. "
                "The table beside the chart gives the same figures."
            ),
            labels=[c.label for c in cohorts],
            percents=[c.percent for c in cohorts],
            target=target,
        )
    )


def trend_chart(*, course_title: str, points: Sequence[TrendPoint], target: int) -> Chart:
    """The line chart of coverage by month, described in words."""
    described = "; ".join(f"{p.month:%B %Y} {percent_text(p.percent)}" for p in points)
    return line_chart(
        ChartFigures(
            chart_id="chart-trend",
            title=f"{course_title}: per cent in date by month",
            description=(
                f"Line chart against a target of {target}%. {described}. "
                "The table beside the chart gives the same figures."
            ),
            labels=[f"{p.month:%b %Y}" for p in points],
            percents=[p.percent for p in points],
            target=target,
        )
    )

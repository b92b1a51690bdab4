"""The public home's bar chart: each published report's recommendations by assurance status.

Laid out by `core.charts` and drawn by `charts/bar_chart.html`; the table of published
reports on the same page holds every figure the chart shows.
"""

from collections.abc import Mapping, Sequence

from answerable.core.charts import BarChart, stacked_bar_chart
from answerable.recommendations.charts import ASSURANCE_COLOURS, status_series
from answerable.recommendations.models import AssuranceStatus, Source
from answerable.recommendations.selectors import PublicSummary


def assurance_chart(
    *, sources: Sequence[Source], summaries: Mapping[int, PublicSummary]
) -> BarChart | None:
    """One bar a report, split by assurance status, on one scale so sizes compare."""
    return stacked_bar_chart(
        bars=[(source.title, summaries[source.pk].by_assurance) for source in sources],
        series=status_series(AssuranceStatus.choices, ASSURANCE_COLOURS),
    )

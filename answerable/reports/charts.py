"""The progress report's summary charts, from its content's summary (a stored snapshot holds
only plain data, so an approved report draws the same charts from what was approved).

Each chart has its table in the report: recommendations by assurance, and each
organisation's actions by delivery status and by assurance.
"""

from typing import Any

from django.utils.translation import gettext as _

from answerable.core.charts import BarChart, stacked_bar_chart
from answerable.recommendations.charts import (
    ASSURANCE_COLOURS,
    DELIVERY_COLOURS,
    status_series,
)
from answerable.reports.content import report_burnup

# Organisation names to the left of their bars, in chart units (about 34 characters).
ORGANISATION_LABEL_WIDTH = 240


def report_charts(content: dict[str, Any]) -> dict[str, BarChart | None]:
    """The summary's three bar charts, keyed "recommendations", "delivery" and "assurance"."""
    summary = content["summary"]
    assurance = status_series(summary["assurance_labels"], ASSURANCE_COLOURS)
    organisations = summary["organisations"]
    return {
        "recommendations": stacked_bar_chart(
            bars=[(_("All recommendations"), summary["recommendations_by_assurance"])]
            if summary["recommendations_total"]
            else [],
            series=assurance,
            label_width=ORGANISATION_LABEL_WIDTH,
        ),
        "delivery": stacked_bar_chart(
            bars=[(o["name"], o["delivery"]) for o in organisations],
            series=status_series(summary["delivery_labels"], DELIVERY_COLOURS),
            label_width=ORGANISATION_LABEL_WIDTH,
        ),
        "assurance": stacked_bar_chart(
            bars=[(o["name"], o["assurance"]) for o in organisations],
            series=assurance,
            label_width=ORGANISATION_LABEL_WIDTH,
        ),
    }


def report_figures(content: dict[str, Any]) -> dict[str, Any]:
    """What `reports/includes/report_body.html` draws beside the content: the burn-up
    ("chart") and the summary's bar charts ("charts")."""
    return {"chart": report_burnup(content), "charts": report_charts(content)}

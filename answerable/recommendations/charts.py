"""Status colours for charts of the register, matching the status tags on its pages
(`recommendations/includes/tags.html`), as series for `core.charts`."""

from collections.abc import Iterable

from answerable.core.charts import Series
from answerable.recommendations.models import AssuranceStatus, DeliveryStatus

# GOV.UK colours: grey, blue, red, yellow, green, purple and orange, as on the tags.
DELIVERY_COLOURS: dict[str, str] = {
    DeliveryStatus.NOT_STARTED: "#b1b4b6",
    DeliveryStatus.ON_TRACK: "#1d70b8",
    DeliveryStatus.OFF_TRACK: "#d4351c",
    DeliveryStatus.READY_FOR_ASSESSMENT: "#ffdd00",
    DeliveryStatus.COMPLETED: "#00703c",
    DeliveryStatus.UNABLE_TO_IMPLEMENT: "#4c2c92",
}
ASSURANCE_COLOURS: dict[str, str] = {
    AssuranceStatus.NOT_ASSESSED: "#b1b4b6",
    AssuranceStatus.ASSURED: "#00703c",
    AssuranceStatus.PARTLY_ASSURED: "#ffdd00",
    AssuranceStatus.NOT_ASSURED: "#d4351c",
    AssuranceStatus.REOPENED: "#f47738",
}


def status_series(labels: Iterable[tuple[str, object]], colours: dict[str, str]) -> list[Series]:
    """Series for (value, label) pairs, such as `DeliveryStatus.choices` or a report's labels."""
    return [Series(str(value), str(label), colours[value]) for value, label in labels]

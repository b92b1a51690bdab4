"""The open data (issue #14): every public source's recommendations and actions as rows, with
the data dictionary's columns. Read only through `public`'s rule."""

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from answerable.recommendations.models import Action, Recommendation, Source
from answerable.recommendations.selectors.public import published_q

# The open data's columns, in order, each with what it holds (the data dictionary page).
OPEN_DATA_COLUMNS = (
    ("report_id", _("The report's identifier here; it never changes.")),
    ("report", _("The report's title.")),
    ("publisher", _("Who published the report.")),
    ("recommendation_id", _("The recommendation's identifier here; it never changes.")),
    ("reference", _("The recommendation's number or reference in the report.")),
    ("recommendation", _("The recommendation's text, as the report words it.")),
    ("finding_type", _("Recommendation, cause of concern or area for improvement.")),
    ("recommendation_assurance", _("Whether the office is assured the recommendation is met.")),
    (
        "superseded_by_id",
        _("The identifier of the later recommendation that replaces it; empty if none."),
    ),
    ("action_id", _("The action's identifier here; empty where no organisation has one yet.")),
    ("organisation", _("The organisation responsible for the action.")),
    ("target_date", _("When the organisation plans to finish (YYYY-MM-DD); may be empty.")),
    ("delivery_status", _("What the organisation reports of its progress.")),
    ("action_assurance", _("Whether the office is assured the organisation's action is done.")),
    ("last_updated", _("The day the recommendation or action last changed (YYYY-MM-DD).")),
)


def public_open_data_rows(*, source: Source | None = None) -> list[tuple[Any, ...]]:
    """One row an action (or a recommendation with none) of every public source, or of one,
    with only the columns in OPEN_DATA_COLUMNS. The rule leaves an unpublished source's out.

    The day each row last changed is made from the time zone looked up once: `localdate`
    looked it up for each of a report's 1,300 rows, half the file's Python (issue #12). The
    database's `TruncDate` is no cheaper on SQLite, where it is a Python function a row."""
    rule = published_q()
    if source is not None:
        rule &= Q(source_id=source.pk)
    recommendations = list(
        Recommendation.objects.filter(rule)
        .order_by("source__title", "source_id", "position", "id")
        .values_list(
            "id",
            "source_id",
            "source__title",
            "source__publisher",
            "reference",
            "text",
            "finding_type",
            "assurance_status",
            "superseded_by_id",
            "updated_at",
        )
    )
    actions: dict[int, list[tuple[Any, ...]]] = {}
    for recommendation_id, *action in (
        Action.objects.filter(published_q("recommendation__"), is_archived=False)
        .filter(**({"source_id": source.pk} if source is not None else {}))
        .order_by("owner__name", "id")
        .values_list(
            "recommendation_id",
            "id",
            "owner__name",
            "target_on",
            "delivery_status",
            "assurance_status",
            "updated_at",
        )
    ):
        actions.setdefault(recommendation_id, []).append(tuple(action))
    rows: list[tuple[Any, ...]] = []
    zone = timezone.get_current_timezone()
    for pk, *recommendation, updated in recommendations:
        shared = (*recommendation[:3], pk, *recommendation[3:])
        for *action, changed in actions.get(pk, [(None, "", None, "", "", updated)]):
            rows.append((*shared, *action, max(updated, changed).astimezone(zone).date()))
    return rows

"""Rows for downloading the recommendation and action lists as CSV or XLSX.

Callers pass querysets already scoped by the selectors, so an export holds only what the user
can see. Rows are read in chunks with their relations prefetched: the number of queries does not
grow with the number of rows. Column names match the importer's fields where they mean the
same. Archived rows are not exported (the selectors leave them out); a superseded
recommendation says what supersedes it.
"""

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from answerable.recommendations.models import Action, Recommendation

CHUNK_SIZE = 500

RECOMMENDATION_HEADERS = [
    "source",
    "source_kind",
    "publisher",
    "published_on",
    "source_url",
    "deadline_rule",
    "reference",
    "text",
    "finding_type",
    "addressees",
    "themes",
    "action_owners",
    "deadline_on",
    "response",
    "responded_on",
    "assurance_status",
    "superseded_by",
    "superseded_on",
]
ACTION_HEADERS = [
    "source",
    "reference",
    "owner",
    "lead",
    "action_description",
    "target_on",
    "delivery_status",
    "assurance_status",
    "last_update_on",
    "is_overdue",
    "is_superseded",
]


def recommendation_rows(
    recommendations: QuerySet[Recommendation], *, visible_actions: QuerySet[Action]
) -> Iterator[list[Any]]:
    """Yield one row per recommendation; owners come only from the actions the user can see."""
    actions = (
        visible_actions.select_related(None).select_related("owner").order_by("owner__name", "id")
    )
    queryset = recommendations.select_related("source", "superseded_by__source").prefetch_related(
        "themes", Prefetch("actions", queryset=actions, to_attr="export_actions")
    )
    zone = timezone.get_current_timezone()
    for recommendation in queryset.iterator(chunk_size=CHUNK_SIZE):
        source = recommendation.source
        yield [
            source.title,
            source.get_kind_display(),
            source.publisher,
            source.published_on,
            source.url,
            source.deadline_rule,
            recommendation.reference,
            recommendation.text,
            recommendation.get_finding_type_display(),
            recommendation.addressees,
            ", ".join(sorted(theme.name for theme in recommendation.themes.all())),
            "; ".join(dict.fromkeys(a.owner.name for a in recommendation.export_actions)),
            recommendation.deadline_on,
            recommendation.get_response_display() if recommendation.response else "",
            recommendation.responded_on,
            recommendation.get_assurance_status_display(),
            _superseded_by(recommendation),
            _local_day(recommendation.superseded_at, zone),
        ]


def _local_day(moment: datetime.datetime | None, zone: datetime.tzinfo) -> datetime.date | None:
    """The day a moment falls on where the office is (`localdate`, its zone given)."""
    return moment.astimezone(zone).date() if moment else None


def _superseded_by(recommendation: Recommendation) -> str:
    """The recommendation that supersedes it, as "source title, reference"."""
    successor = recommendation.superseded_by
    return f"{successor.source.title}, {successor.reference}" if successor else ""


def action_rows(actions: QuerySet[Action]) -> Iterator[list[Any]]:
    """Yield one row per action with its recommendation, source, owner and lead."""
    queryset = actions.select_related("recommendation__source", "owner", "lead")
    # The zone and the day looked up once, not for each of a national export's 75,000 rows.
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    for action in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [
            action.recommendation.source.title,
            action.recommendation.reference,
            action.owner.name,
            str(action.lead) if action.lead else "",
            action.description,
            action.target_on,
            action.get_delivery_status_display(),
            action.get_assurance_status_display(),
            _local_day(action.last_update_at, zone),
            "Yes" if action.is_overdue_on(today) else "No",
            "Yes" if action.is_superseded else "No",
        ]

"""The recurring themes among the recommendations a user may see, grouped from the register
on each read."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet

from answerable.accounts.models import User
from answerable.recommendations.models import (
    Action,
    AssuranceStatus,
    DeliveryStatus,
    Recommendation,
)
from answerable.recommendations.selectors import recommendation_list
from answerable.recurrence.selectors.similar import _visible, active_backend

# Sources named on the page for each theme, the most recommendations first.
SOURCES_SHOWN = 10


@dataclass
class Theme:
    """Recommendations in two or more sources that ask for the same thing."""

    cluster: int
    size: int
    source_count: int
    found_again: bool
    example: Recommendation | None = None
    by_source: list[tuple[str, int]] = field(default_factory=list)
    by_status: list[tuple[str, int]] = field(default_factory=list)


def _done() -> Q:
    """Assured, or every live action on it completed: what a later report should not raise."""
    live = Action.objects.filter(recommendation=OuterRef("pk"), is_archived=False)
    return Q(assurance_status=AssuranceStatus.ASSURED) | (
        Q(Exists(live)) & ~Q(Exists(live.exclude(delivery_status=DeliveryStatus.COMPLETED)))
    )


def _cluster() -> F:
    return F("recurrence_vector__cluster")


def _themed(user: User) -> QuerySet[Recommendation]:
    return recommendation_list(user=user).filter(
        recurrence_vector__backend=active_backend(), recurrence_vector__cluster__isnull=False
    )


def theme_list(*, user: User) -> QuerySet[Any, Any]:
    """The recurring themes among the recommendations the user may see, those found again and
    widest first: one row per theme with its size, sources and whether it was found again
    (an earlier one completed or assured, and a later report raising it)."""
    return (
        _themed(user)
        .select_related(None)
        .values(cluster=_cluster())
        .annotate(
            size=Count("pk"),
            source_count=Count("source_id", distinct=True),
            first_done_on=Min("source__published_on", filter=_done()),
            last_on=Max("source__published_on"),
            example_id=Min("pk"),
        )
        .filter(source_count__gte=2)
        .order_by("-source_count", "-size", "cluster")
    )


def theme_details(*, user: User, rows: list[dict[str, Any]]) -> list[Theme]:
    """The page's themes (rows of `theme_list`) with their counts by source and by status and
    an example recommendation: three queries whatever the number of themes."""
    themes = {
        int(row["cluster"]): Theme(
            cluster=int(row["cluster"]),
            size=int(row["size"]),
            source_count=int(row["source_count"]),
            found_again=bool(
                row["first_done_on"] and row["last_on"] and row["first_done_on"] < row["last_on"]
            ),
        )
        for row in rows
    }
    if not themes:
        return []
    members = _themed(user).filter(recurrence_vector__cluster__in=list(themes)).select_related(None)
    for cluster, title, count in (
        members.values_list("recurrence_vector__cluster", "source__title")
        .annotate(n=Count("pk"))
        .order_by("recurrence_vector__cluster", "-n", "source__title")
    ):
        themes[cluster].by_source.append((title, count))
    labels = dict(AssuranceStatus.choices)
    for cluster, status, count in (
        members.values_list("recurrence_vector__cluster", "assurance_status")
        .annotate(n=Count("pk"))
        .order_by("recurrence_vector__cluster", "assurance_status")
    ):
        themes[cluster].by_status.append((str(labels.get(status, status)), count))
    examples = _visible(user, [int(row["example_id"]) for row in rows])
    for row in rows:
        themes[int(row["cluster"])].example = examples.get(int(row["example_id"]))
    return list(themes.values())

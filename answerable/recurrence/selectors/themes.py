"""The recurring themes, as a user may see them: read from what `services.themes_count`
stored (ADR 0014), not by grouping the register. A theme whose every source the viewer sees
whole is read as counted (RecurringTheme); any other is added up from the sources they see
whole (ThemeCount) and their other recommendations, one by one (ThemeMember), which never
share a source. Which is which is the register's rule
(`recommendations.selectors.recommendation_visible_parts`)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from answerable.accounts.models import User
from answerable.recommendations.models import AssuranceStatus, Recommendation
from answerable.recommendations.selectors import VisibleParts, recommendation_visible_parts
from answerable.recurrence.models import IndexState, RecurringTheme, ThemeCount, ThemeMember
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

    @property
    def other_sources(self) -> int:
        """Sources in the theme not named in `by_source`."""
        return self.source_count - len(self.by_source)

    @property
    def other_size(self) -> int:
        """Recommendations in the sources not named."""
        return self.size - sum(count for _title, count in self.by_source)


@dataclass(frozen=True)
class ThemeRow:
    """One theme of `theme_list`, as the user sees it: how many recommendations and sources,
    whether it was found again, its first recommendation, and whether the user sees all of
    it (then its details are read as counted for the whole theme)."""

    cluster: int
    size: int
    source_count: int
    found_again: bool
    example_id: int
    is_whole: bool = False


def _found_again(first_done_on: datetime.date | None, last_on: datetime.date | None) -> bool:
    return bool(first_done_on and last_on and first_done_on < last_on)


@dataclass(frozen=True)
class _Parts:
    counts: QuerySet[ThemeCount]
    members: QuerySet[ThemeMember]


def _parts(visible: VisibleParts, backend: str) -> _Parts:
    return _Parts(
        counts=ThemeCount.objects.filter(backend=backend, source_id__in=visible.whole_sources),
        members=ThemeMember.objects.filter(
            backend=backend, recommendation_id__in=visible.other_recommendations
        ),
    )


def theme_list(*, user: User) -> list[ThemeRow]:
    """The recurring themes among the recommendations the user may see, those in the most
    sources first, then the largest: each theme in two or more of their sources, and
    whether it was found again (an earlier one completed or assured, and a later report
    raising it). As last counted (`theme_counted_at`).

    A theme whose every source the user sees whole is read as counted (one query for all
    of them); only themes they see in part are added up from their parts (two more).
    """
    visible = recommendation_visible_parts(user=user)
    backend = active_backend()
    themes: list[ThemeRow] = []
    partial: set[int] = set()
    for (
        cluster,
        owners,
        size,
        sources,
        first_done_on,
        last_on,
        example,
    ) in RecurringTheme.objects.filter(backend=backend).values_list(
        "cluster",
        "owners",
        "size",
        "source_count",
        "first_done_on",
        "last_on",
        "first_recommendation_id",
    ):
        if visible.whole_owners.issuperset(owners):
            found_again = _found_again(first_done_on, last_on)
            themes.append(ThemeRow(cluster, size, sources, found_again, example, is_whole=True))
        else:
            partial.add(cluster)
    if partial:
        themes += _partial_themes(_parts(visible, backend), partial)
    return sorted(themes, key=lambda t: (-t.source_count, -t.size, t.cluster))


def _partial_themes(parts: _Parts, clusters: set[int]) -> list[ThemeRow]:
    """The themes the user sees in part, added up from the sources they see whole and their
    other recommendations, which never share a source."""
    whole = parts.counts.values("cluster").annotate(
        size=Sum("size"),
        sources=Count("source_id"),
        first_done_on=Min("published_on", filter=Q(done__gt=0)),
        last_on=Max("published_on"),
        example_id=Min("first_recommendation_id"),
    )
    singles = parts.members.values("cluster").annotate(
        size=Count("pk"),
        sources=Count("source_id", distinct=True),
        first_done_on=Min("published_on", filter=Q(is_done=True)),
        last_on=Max("published_on"),
        example_id=Min("recommendation_id"),
    )
    merged: dict[int, dict[str, Any]] = {}
    found = cast(list[dict[str, Any]], [*whole.order_by(), *singles.order_by()])
    for row in found:
        if row["cluster"] not in clusters:
            continue  # a theme they see whole, read as counted
        seen = merged.setdefault(row["cluster"], {**row, "size": 0, "sources": 0})
        seen["size"] += row["size"]
        seen["sources"] += row["sources"]
        for key, pick in (("first_done_on", min), ("last_on", max), ("example_id", min)):
            values = [v for v in (seen[key], row[key]) if v is not None]
            seen[key] = pick(values) if values else None
    return [
        ThemeRow(
            cluster=cluster,
            size=row["size"],
            source_count=row["sources"],
            found_again=_found_again(row["first_done_on"], row["last_on"]),
            example_id=row["example_id"],
        )
        for cluster, row in merged.items()
        if row["sources"] >= 2
    ]


def theme_counted_at(*, backend: str | None = None) -> datetime.datetime | None:
    """When the recurring themes were last counted, or None if never."""
    return (
        IndexState.objects.filter(backend=backend or active_backend())
        .values_list("counted_at", flat=True)
        .first()
    )


def _statuses(counted: dict[str, int]) -> list[tuple[str, int]]:
    labels = dict(AssuranceStatus.choices)
    return [
        (str(labels[status]), counted[status])
        for status in AssuranceStatus.values
        if counted.get(status)
    ]


def theme_details(*, user: User, rows: Sequence[ThemeRow]) -> list[Theme]:
    """The page's themes (rows of `theme_list`) with their largest sources, their counts by
    status and an example recommendation, in a fixed number of queries whatever the number
    of themes: two, and four more when the page has themes the user sees in part."""
    themes = {
        row.cluster: Theme(
            cluster=row.cluster,
            size=row.size,
            source_count=row.source_count,
            found_again=row.found_again,
        )
        for row in rows
    }
    if not themes:
        return []
    backend = active_backend()
    whole = [row.cluster for row in rows if row.is_whole]
    for counted in RecurringTheme.objects.filter(backend=backend, cluster__in=whole).values(
        "cluster", "largest_sources", *AssuranceStatus.values
    ):
        theme = themes[counted["cluster"]]
        theme.by_source = [(title, size) for title, size in counted["largest_sources"]]
        theme.by_status = _statuses(cast(dict[str, int], counted))
    partial = [row.cluster for row in rows if not row.is_whole]
    if partial:
        _add_partial_details(
            themes, _parts(recommendation_visible_parts(user=user), backend), partial
        )
    examples = _visible(user, [shown_row.example_id for shown_row in rows])
    for shown_row in rows:
        themes[shown_row.cluster].example = examples.get(shown_row.example_id)
    return list(themes.values())


def _add_partial_details(themes: dict[int, Theme], parts: _Parts, clusters: list[int]) -> None:
    counts = parts.counts.filter(cluster__in=clusters)
    members = parts.members.filter(cluster__in=clusters)
    largest: dict[int, list[tuple[int, str]]] = {cluster: [] for cluster in clusters}
    ranked = counts.annotate(
        rank=Window(
            RowNumber(), partition_by=F("cluster"), order_by=[F("size").desc(), "source__title"]
        )
    ).filter(rank__lte=SOURCES_SHOWN)
    for cluster, title, size in ranked.values_list("cluster", "source__title", "size"):
        largest[cluster].append((size, title))
    for cluster, title, size in (
        members.values_list("cluster", "source__title").annotate(n=Count("pk")).order_by()
    ):
        largest[cluster].append((size, title))
    for cluster in clusters:
        shown = sorted(largest[cluster], key=lambda pair: (-pair[0], pair[1]))[:SOURCES_SHOWN]
        themes[cluster].by_source = [(title, size) for size, title in shown]
    statuses: dict[int, dict[str, int]] = {cluster: {} for cluster in clusters}
    totals = counts.values("cluster").annotate(
        **{status: Sum(status) for status in AssuranceStatus.values}
    )
    for total in cast(list[dict[str, Any]], list(totals.order_by())):
        for status in AssuranceStatus.values:
            statuses[total["cluster"]][status] = total[status]
    for cluster, status, size in (
        members.values_list("cluster", "assurance_status").annotate(n=Count("pk")).order_by()
    ):
        statuses[cluster][status] = statuses[cluster].get(status, 0) + size
    for cluster in clusters:
        themes[cluster].by_status = _statuses(statuses[cluster])

"""The recurring themes counted for the themes page (ADR 0014): derived from the register
and the vectors' themes, written again whole at each count, without audit events."""

from collections import defaultdict

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper
from django.utils import timezone

from answerable.recommendations.models import AssuranceStatus
from answerable.recommendations.selectors import (
    recommendation_done_condition,
    recommendation_unscoped_list,
    source_owner_titles,
)
from answerable.recurrence import selectors
from answerable.recurrence.models import IndexState, RecurringTheme, ThemeCount, ThemeMember

BATCH = 2000


def _members(backend: str) -> list[ThemeMember]:
    """Every live recommendation in a theme whose recommendations lie in two or more sources:
    a theme in one source is never shown."""
    rows = (
        recommendation_unscoped_list()
        .filter(
            is_archived=False,
            recurrence_vector__backend=backend,
            recurrence_vector__cluster__isnull=False,
        )
        .annotate(
            done=ExpressionWrapper(recommendation_done_condition(), output_field=BooleanField())
        )
        .values_list(
            "pk",
            "recurrence_vector__cluster",
            "source_id",
            "source__published_on",
            "assurance_status",
            "done",
        )
    )
    members = [
        ThemeMember(
            recommendation_id=pk,
            backend=backend,
            cluster=int(cluster or pk),  # never None: filtered above
            source_id=source_id,
            published_on=published_on,
            assurance_status=status,
            is_done=bool(done),
        )
        for pk, cluster, source_id, published_on, status, done in rows.iterator(chunk_size=5000)
    ]
    sources: defaultdict[int, set[int]] = defaultdict(set)
    for member in members:
        sources[member.cluster].add(member.source_id)
    return [member for member in members if len(sources[member.cluster]) >= 2]


def _source_counts(backend: str, members: list[ThemeMember]) -> list[ThemeCount]:
    counts: dict[tuple[int, int], ThemeCount] = {}
    for member in members:
        count = counts.get((member.cluster, member.source_id))
        if count is None:
            count = counts[(member.cluster, member.source_id)] = ThemeCount(
                backend=backend,
                cluster=member.cluster,
                source_id=member.source_id,
                published_on=member.published_on,
                size=0,
                first_recommendation_id=member.recommendation_id,
            )
        count.size += 1
        count.done += member.is_done
        count.first_recommendation_id = min(count.first_recommendation_id, member.recommendation_id)
        setattr(count, member.assurance_status, getattr(count, member.assurance_status) + 1)
    return list(counts.values())


def _themes(backend: str, counts: list[ThemeCount]) -> list[RecurringTheme]:
    """Each theme as a whole, from its sources' parts."""
    sources = source_owner_titles()
    parts: defaultdict[int, list[ThemeCount]] = defaultdict(list)
    for count in counts:
        parts[count.cluster].append(count)
    themes = []
    for cluster, shares in parts.items():
        done = [share.published_on for share in shares if share.done and share.published_on]
        published = [share.published_on for share in shares if share.published_on]
        largest = sorted(
            ((share.size, sources[share.source_id][1]) for share in shares),
            key=lambda pair: (-pair[0], pair[1]),
        )
        theme = RecurringTheme(
            backend=backend,
            cluster=cluster,
            owners=sorted({sources[share.source_id][0] for share in shares}),
            size=sum(share.size for share in shares),
            source_count=len(shares),
            first_done_on=min(done, default=None),
            last_on=max(published, default=None),
            first_recommendation_id=min(share.first_recommendation_id for share in shares),
            largest_sources=[[title, size] for size, title in largest[: selectors.SOURCES_SHOWN]],
        )
        for status in AssuranceStatus.values:
            setattr(theme, status, sum(getattr(share, status) for share in shares))
        themes.append(theme)
    return themes


def themes_count(*, backend: str | None = None) -> int:
    """Count the recurring themes again from the register as it now stands (sources, archived
    recommendations, assurance and delivery), for the themes page; returns how many themes
    span two or more sources.

    The page reads only what this stores, so a change in the register shows there after
    the next count: `manage.py recurrence_index` (and every refresh of vectors) counts again.
    """
    backend = backend or selectors.active_backend()
    members = _members(backend)
    counts = _source_counts(backend, members)
    themes = _themes(backend, counts)
    with transaction.atomic():
        for model in (ThemeMember, ThemeCount, RecurringTheme):
            model.objects.all().delete()
        ThemeMember.objects.bulk_create(members, batch_size=BATCH)
        ThemeCount.objects.bulk_create(counts, batch_size=BATCH)
        RecurringTheme.objects.bulk_create(themes, batch_size=BATCH)
        state, _ = IndexState.objects.select_for_update().get_or_create(backend=backend)
        state.counted_at = timezone.now()
        state.save(update_fields=["counted_at"])
    return len(themes)

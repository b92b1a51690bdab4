"""What the public site may show of the register: only sources their office has published.

Every public page, download and feed reads through here, so publishing a source, or taking it
off, changes all of them at once. Only the fields named here leave the register: an action's
owner, target date and statuses, never its internal description or updates. The modules
beside it read through the same rule: `public_detail` (published evidence, target date
changes, themes), `public_changes` (history and feeds) and `public_open_data`.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from answerable.core.prepared import prepared_get_or_404, prepared_list
from answerable.core.prepared_rows import prepared_rows
from answerable.recommendations.models import (
    Action,
    Assessment,
    PublicNarrative,
    Recommendation,
    Source,
)
from answerable.recommendations.search import recommendation_search
from answerable.recommendations.selectors.compiled import rows_for_organisations
from answerable.recommendations.selectors.scope import overdue_q

# An action's fields the public may see: read alone, so a page has nothing else to show.
PUBLIC_ACTION_FIELDS = (
    "id",
    "recommendation_id",
    "owner__name",
    "target_on",
    "delivery_status",
    "assurance_status",
    "updated_at",
)

# A recommendation's fields a public list shows (the report page and the public API).
PUBLIC_RECOMMENDATION_FIELDS = (
    "id",
    "source_id",
    "source__title",
    "reference",
    "text",
    "finding_type",
    "assurance_status",
    "superseded_by_id",
    "position",
    "updated_at",
)


@dataclass
class PublicSummary:
    """A published source's progress: its recommendations and actions counted."""

    recommendations: int = 0
    by_assurance: dict[str, int] = field(default_factory=dict)  # recommendations
    by_delivery: dict[str, int] = field(default_factory=dict)  # actions
    overdue: int = 0  # open actions past their target date


def public_source_list() -> QuerySet[Source]:
    """The sources on the public site, newest report first."""
    return (
        Source.objects.filter(public_since__isnull=False, is_archived=False)
        .select_related("owner")
        .order_by("-published_on", "title", "id")
    )


def public_source_get(*, pk: int) -> Source:
    """The source if it is on the public site; raise Http404 otherwise. Its SQL is built once
    per process (core.prepared): every public report page, feed and download reads it."""
    return prepared_get_or_404(
        "public_source_get", Source, _public_source, pk, missing="No such report"
    )


def _public_source(pk: int) -> QuerySet[Source]:
    return public_source_list().filter(pk=pk).order_by()


def published_q(path: str = "") -> Q:
    """The public rule, on the recommendation at `path` (like "action__recommendation__"): live,
    under a live source its office has published. Written as joins, so a read of given rows
    checks just those rather than listing every public recommendation first."""
    return Q(
        **{
            f"{path}is_archived": False,
            f"{path}source__public_since__isnull": False,
            f"{path}source__is_archived": False,
        }
    )


def source_q(path: str = "") -> Q:
    """The public rule on the source of the row at `path`, for counting actions: archiving a
    recommendation archives its live actions, so a live action of a public source is public."""
    return Q(**{f"{path}source__public_since__isnull": False, f"{path}source__is_archived": False})


def _published_recommendations() -> QuerySet[Recommendation]:
    """Every recommendation the public may see: live, under a public source."""
    return Recommendation.objects.filter(published_q())


def public_recommendation_filter(
    *,
    source_id: int | None = None,
    organisation_id: int | None = None,
    delivery_status: str | None = None,
    assurance_status: str | None = None,
    theme_id: int | None = None,
    is_overdue: bool | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Recommendation]:
    """Public recommendations with a source, or with an action of an organisation or in a
    delivery status, or in an assurance status, or of a theme, or with (or without) an
    overdue action; each filter narrows the last. An organisation's overdue action is the
    one counted when both are asked. A page of them gains its actions by
    `with_public_actions`."""
    recommendations = _published_recommendations()
    if source_id is not None:
        recommendations = recommendations.filter(source_id=source_id)
    if assurance_status is not None:
        recommendations = recommendations.filter(assurance_status=assurance_status)
    if theme_id is not None:
        recommendations = recommendations.filter(
            pk__in=Recommendation.themes.through.objects.filter(theme_id=theme_id).values(
                "recommendation_id"
            )
        )
    actions = Action.objects.filter(is_archived=False)
    if organisation_id is not None:
        actions = actions.filter(owner_id=organisation_id)
    if delivery_status is not None:
        actions = actions.filter(delivery_status=delivery_status)
    if organisation_id is not None or delivery_status is not None:
        recommendations = recommendations.filter(pk__in=actions.values("recommendation_id"))
    if is_overdue is not None:
        late = actions.filter(overdue_q(today or timezone.localdate()))
        late_ids = late.values("recommendation_id")
        recommendations = (
            recommendations.filter(pk__in=late_ids)
            if is_overdue
            else recommendations.exclude(pk__in=late_ids)
        )
    return recommendations.select_related("source").only(*PUBLIC_RECOMMENDATION_FIELDS)


def with_public_actions(recommendations: Iterable[Recommendation]) -> list[Recommendation]:
    """The recommendations (a page of a list), each with its public actions, by owner name,
    as `public_actions`: one read whose SQL is built once, where a prefetch built it for
    every page (issue #12)."""
    found = list(recommendations)
    actions = public_actions(recommendation_ids=[r.pk for r in found])
    for recommendation in found:
        recommendation.public_actions = actions[recommendation.pk]  # type: ignore[attr-defined]
    return found


def public_source_recommendations(*, source: Source, **filters: Any) -> QuerySet[Recommendation]:
    """A public source's recommendations matching the filters (those of
    `public_recommendation_filter`), in the report's order. The filter's rule keeps an
    unpublished source's out."""
    return public_recommendation_filter(source_id=source.pk, **filters).order_by("position", "id")


def public_recommendation_get(*, pk: int) -> Recommendation:
    """The recommendation if its source is on the public site; raise Http404 otherwise.

    Its page's reads have their SQL built once per process (core.prepared): building it took
    longer than running it (issue #12).
    """
    return prepared_get_or_404(
        "public_recommendation_get",
        Recommendation,
        _public_recommendation,
        pk,
        missing="No such recommendation",
    )


def _public_recommendation(pk: int) -> QuerySet[Recommendation]:
    return _published_recommendations().select_related("source", "source__owner").filter(pk=pk)


def public_recommendations_among(*, pks: list[int]) -> QuerySet[Recommendation]:
    """Those of the given recommendations the public may see, by report and position."""
    return (
        _published_recommendations()
        .filter(pk__in=pks)
        .select_related("source")
        .order_by("source__title", "source_id", "position", "id")
    )


def public_successor(*, recommendation: Recommendation) -> Recommendation | None:
    """The recommendation that supersedes this one, if the public may see it too."""
    if recommendation.superseded_by_id is None:
        return None
    return (
        _published_recommendations()
        .select_related("source")
        .filter(pk=recommendation.superseded_by_id)
        .first()
    )


def public_actions(*, recommendation_ids: list[int]) -> dict[int, list[Action]]:
    """Each public recommendation's actions, by owner name, as the public may see them."""
    actions: dict[int, list[Action]] = {pk: [] for pk in recommendation_ids}
    for action in prepared_list("public_actions", Action, _public_actions, recommendation_ids):
        actions[action.recommendation_id].append(action)
    return actions


def _public_actions(recommendation_ids: frozenset[int]) -> QuerySet[Action]:
    return (
        Action.objects.filter(
            published_q("recommendation__"),
            recommendation_id__in=recommendation_ids,
            is_archived=False,
        )
        .select_related("owner")
        .only(*PUBLIC_ACTION_FIELDS)
        .order_by("owner__name", "id")
    )


@dataclass(frozen=True, slots=True)
class PublicText:
    """What the public pages and API show of an action's latest approved public narrative."""

    text: str
    reviewed_at: datetime.datetime


def public_narratives(*, action_ids: list[int]) -> dict[int, PublicText]:
    """The latest approved public narrative of each public action, by action id: read as
    plain values, where two model instances a narrative took most of the public API's
    time for a page of 100 recommendations (issue #12)."""
    approved = prepared_rows("public_narratives", PublicNarrative, _public_narratives, action_ids)
    return {action_id: PublicText(text, reviewed_at) for action_id, text, reviewed_at in approved}


def _public_narratives(action_ids: frozenset[int]) -> QuerySet[PublicNarrative, tuple[Any, ...]]:
    return (
        PublicNarrative.objects.filter(
            published_q("update__action__recommendation__"),
            status=PublicNarrative.Status.APPROVED,
            update__action_id__in=action_ids,
            update__action__is_archived=False,
        )
        .order_by("reviewed_at", "pk")
        .values_list("update__action_id", "text", "reviewed_at")
    )


def public_assurance(*, recommendation: Recommendation) -> Assessment | None:
    """The latest assurance verdict on a public recommendation, for its verdict and date."""
    found = prepared_list("public_assurance", Assessment, _public_assurance, recommendation.pk)
    return found[0] if found else None


def _public_assurance(recommendation_id: int) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(
            published_q("recommendation__"), recommendation_id=recommendation_id
        )
        .only("verdict", "created_at")
        .order_by("-created_at", "-id")[:1]
    )


def public_summaries(
    *, sources: list[Source], today: datetime.date | None = None
) -> dict[int, PublicSummary]:
    """Each public source's recommendations by assurance and actions by delivery status.

    Three queries whose SQL is built once per process for each number of sources
    (`rows_for_organisations`, here with the page's sources as its ids): the public home
    built them afresh on every view (issue #12)."""
    today = today or timezone.localdate()
    asked = frozenset(source.pk for source in sources)
    ids = frozenset(
        pk for (pk,) in rows_for_organisations("public_summary_ids", Source, asked, _public_ids)
    )
    summaries = {pk: PublicSummary() for pk in ids}
    for source_id, status, count in rows_for_organisations(
        "public_summary_assurance", Recommendation, ids, _by_assurance
    ):
        summaries[source_id].by_assurance[status] = count
        summaries[source_id].recommendations += count
    for source_id, status, count, late in rows_for_organisations(
        "public_summary_delivery", Action, ids, _by_delivery, today
    ):
        summaries[source_id].by_delivery[status] = count
        summaries[source_id].overdue += late
    return summaries


def _public_ids(source_ids: frozenset[int]) -> QuerySet[Any]:
    return public_source_list().filter(pk__in=source_ids).order_by().values_list("pk")


def _by_assurance(source_ids: frozenset[int]) -> QuerySet[Any]:
    return (
        Recommendation.objects.filter(source_id__in=source_ids, is_archived=False)
        .order_by()
        .values_list("source_id", "assurance_status")
        .annotate(Count("id"))
    )


def _by_delivery(source_ids: frozenset[int], today: datetime.date) -> QuerySet[Any]:
    return (
        Action.objects.filter(source_id__in=source_ids, is_archived=False)
        .order_by()
        .values_list("source_id", "delivery_status")
        .annotate(Count("id"), overdue=Count("id", filter=overdue_q(today)))
    )


@dataclass
class PublicSourceOverview:
    """A public source's page head: its summary, each owner's actions by delivery status
    (owners by name) and the owners to filter by, as (id, name)."""

    summary: PublicSummary
    owners: list[tuple[str, dict[str, int]]]
    owner_choices: list[tuple[int, str]]


def public_source_overview(
    *, source: Source, today: datetime.date | None = None
) -> PublicSourceOverview:
    """A public source's summary and its actions by owner, from one count of its
    recommendations by assurance and one of its actions by owner and delivery status, their
    SQL built once per process (`rows_for_organisations`, the source's id as its ids)."""
    summary = PublicSummary()
    ids = frozenset({source.pk})
    for status, count in rows_for_organisations(
        "public_overview_assurance", Recommendation, ids, _published_by_assurance
    ):
        summary.by_assurance[status] = count
        summary.recommendations += count
    owners: dict[tuple[int, str], dict[str, int]] = {}
    for owner_id, name, status, count, late in rows_for_organisations(
        "public_overview_owners", Action, ids, _by_owner, today or timezone.localdate()
    ):
        owners.setdefault((owner_id, name), {})[status] = count
        summary.by_delivery[status] = summary.by_delivery.get(status, 0) + count
        summary.overdue += late
    return PublicSourceOverview(
        summary=summary,
        owners=[(name, counts) for (_pk, name), counts in owners.items()],
        owner_choices=list(owners),
    )


def _published_by_assurance(source_ids: frozenset[int]) -> QuerySet[Any]:
    return (
        Recommendation.objects.filter(published_q(), source_id__in=source_ids)
        .order_by()
        .values_list("assurance_status")
        .annotate(Count("id"))
    )


def _by_owner(source_ids: frozenset[int], today: datetime.date) -> QuerySet[Any]:
    return (
        Action.objects.filter(source_q(), source_id__in=source_ids, is_archived=False)
        .order_by("owner__name", "owner_id")
        .values_list("owner_id", "owner__name", "delivery_status")
        .annotate(Count("id"), overdue=Count("id", filter=overdue_q(today)))
    )


def public_search(*, query: str) -> QuerySet[Recommendation]:
    """Published recommendations matching every word of the query in their text, reference,
    addressees or report's title (the register's full-text search)."""
    return recommendation_search(_published_recommendations(), query).select_related("source")

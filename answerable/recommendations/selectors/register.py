"""The register's sources, recommendations, actions and evidence, as a user may see them."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.http import Http404

from answerable.accounts.models import User
from answerable.core.prepared import prepared_get_or_404, prepared_list
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import (
    OPEN_STATUSES,
    Action,
    DeliveryStatus,
    Evidence,
    Recommendation,
    RecommendationLink,
    Source,
    Theme,
)
from answerable.recommendations.selectors.scope import (
    Role,
    actions_owned,
    indexed_in,
    owned_sources,
    visible_actions_q,
    visible_recommendations_q,
    visible_sources_q,
)

# --- sources ---------------------------------------------------------------------------


def _visible_sources(user: User) -> QuerySet[Source]:
    """Sources the user may see, archived ones too (each stays readable at its address)."""
    return Source.objects.filter(visible_sources_q(access_for(user).organisation_ids))


def source_list(*, user: User) -> QuerySet[Source]:
    """Return sources the user's organisations own or have an action under, with how many
    live recommendations each has."""
    return (
        _visible_sources(user)
        .filter(is_archived=False)
        .select_related("owner")
        .annotate(
            recommendation_count=Count(
                "recommendations", filter=Q(recommendations__is_archived=False), distinct=True
            )
        )
    )


def source_choice_list(*, user: User) -> QuerySet[Source]:
    """Return the sources of `source_list` by title, with only what a filter's options show."""
    return (
        Source.objects.filter(visible_sources_q(access_for(user).organisation_ids))
        .filter(is_archived=False)
        .only("pk", "title")
        .order_by("title")
    )


def source_order_list(*, user: User, owner_id: int) -> QuerySet[Source, tuple[int, str]]:
    """The owner's sources the user may see, archived ones too, in the register's order
    (title, then id) as (id, title) pairs: the groups a long list of their recommendations or
    actions is read in, a few at a time (recommendations.picker.BySource)."""
    return (
        _visible_sources(user)
        .filter(owner_id=owner_id)
        .order_by("title", "id")
        .values_list("pk", "title")
    )


def source_get_for_user(*, user: User, pk: int) -> Source:
    """Return the source, archived or not, if the user may see it; raise Http404 otherwise."""
    try:
        return _visible_sources(user).select_related("owner").get(pk=pk)
    except Source.DoesNotExist:
        raise Http404("No such source") from None


# --- recommendations -------------------------------------------------------------------


def _visible_recommendations(
    user: User, sources: Sequence[int] | None = None
) -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(
        visible_recommendations_q(access_for(user).organisation_ids, sources=sources)
    ).select_related("source", "source__owner")


def recommendation_list(
    *, user: User, sources: Sequence[int] | None = None, hashed: bool = False
) -> QuerySet[Recommendation]:
    """Return the live (not archived) recommendations the user may see, with their source;
    given `sources`, only those under these sources (read a few sources at a time); `hashed`
    where a filter finds the few to test (`visible_recommendations_q`)."""
    return live_recommendations_seen_by(
        access_for(user).organisation_ids, sources=sources, hashed=hashed
    ).select_related("source", "source__owner")


def live_recommendations_seen_by(
    organisations: frozenset[int], *, sources: Sequence[int] | None = None, hashed: bool = False
) -> QuerySet[Recommendation]:
    """`recommendation_list` for a member of these organisations, without the user: for a
    page whose SQL is built once for any user (core.prepared_rows)."""
    return Recommendation.objects.filter(
        visible_recommendations_q(organisations, sources=sources, hashed=hashed),
        is_archived=False,
    )


@dataclass(frozen=True)
class VisibleParts:
    """The recommendations of `recommendation_list` in two parts that do not overlap: the
    sources whose every live recommendation the user sees (those of the organisations in
    `whole_owners`), and the user's other visible recommendations, one by one (each part a
    query of ids)."""

    whole_owners: frozenset[int]
    whole_sources: QuerySet[Source, Any]
    other_recommendations: QuerySet[Recommendation, Any]


def recommendation_visible_parts(*, user: User) -> VisibleParts:
    """What the user may see of the register as `VisibleParts`, for reads of figures kept
    per source: those of the whole sources are read as kept, the others one by one."""
    organisations = access_for(user).organisation_ids
    owned = owned_sources(organisations)
    return VisibleParts(
        whole_owners=organisations,
        whole_sources=owned,
        other_recommendations=Recommendation.objects.filter(
            indexed_in("pk", actions_owned(organisations).values("recommendation_id")),
            is_archived=False,
        )
        .exclude(source_id__in=owned)
        .values("pk"),
    )


def supersede_candidate_list(
    *, user: User, recommendation: Recommendation
) -> QuerySet[Recommendation]:
    """What may supersede the recommendation: live, not superseded themselves, in a source of
    the same office, as the user sees them."""
    return (
        recommendation_list(user=user)
        .filter(source__owner_id=recommendation.source.owner_id, superseded_by__isnull=True)
        .exclude(pk=recommendation.pk)
        .order_by("source__title", "position", "id")
    )


def source_recommendation_list(*, user: User, source: Source) -> QuerySet[Recommendation]:
    """The source's recommendations the user may see, for its page: its live ones, or, once
    the source is archived, those archived with it."""
    recommendations = _visible_recommendations(user).filter(source=source)
    if source.is_archived:
        return recommendations.filter(is_archived=True, archived_at=source.archived_at)
    return recommendations.filter(is_archived=False)


def _recommendation_with_relations(
    organisations: frozenset[int], pk: int
) -> QuerySet[Recommendation]:
    return (
        Recommendation.objects.filter(visible_recommendations_q(organisations), pk=pk)
        .select_related("source", "source__owner", "superseded_by", "superseded_by__source")
        .order_by()
    )


def recommendation_ids_seen(*, user: User, ids: Iterable[int]) -> set[int]:
    """Of these recommendation ids, those the user may see, archived or not (as
    `recommendation_get_for_user`): for another app's page that names recommendations it
    read by its own links."""
    return set(
        Recommendation.objects.filter(
            visible_recommendations_q(access_for(user).organisation_ids), pk__in=list(ids)
        ).values_list("pk", flat=True)
    )


def recommendation_get_for_user(*, user: User, pk: int) -> Recommendation:
    """Return the recommendation, archived or not, if the user may see it, with what
    supersedes it and its themes; raise Http404 otherwise."""
    recommendation = recommendation_get_for_page(user=user, pk=pk)
    prefetch_related_objects([recommendation], "themes")
    return recommendation


def recommendation_get_for_page(*, user: User, pk: int) -> Recommendation:
    """`recommendation_get_for_user` without its themes, which its page reads through
    `recommendation_theme_list`.

    Its SQL is built once per process (core.prepared): every recommendation page reads it.
    """
    return prepared_get_or_404(
        "recommendation_get_for_user",
        Recommendation,
        _recommendation_with_relations,
        access_for(user).organisation_ids,
        pk,
        missing="No such recommendation",
    )


def recommendation_theme_list(*, recommendation: Recommendation) -> list[Theme]:
    """The recommendation's themes by name, for its page: its SQL is built once per process
    (core.prepared), where prefetching them cost ten times as much."""
    return prepared_list("recommendation_theme_list", Theme, _themes, recommendation.pk)


def _themes(pk: int) -> QuerySet[Theme]:
    return Theme.objects.filter(recommendations=pk)


# --- actions ---------------------------------------------------------------------------


def _visible_actions(user: User) -> QuerySet[Action]:
    return Action.objects.filter(visible_actions_q(access_for(user).organisation_ids))


def action_list(*, user: User) -> QuerySet[Action]:
    """Return live actions the user may see: all under their office's sources, or their own."""
    return live_actions_seen_by(access_for(user).organisation_ids).select_related(
        "recommendation", "recommendation__source", "owner", "lead"
    )


def live_actions_seen_by(organisations: frozenset[int]) -> QuerySet[Action]:
    """`action_list` for a member of these organisations, without the user (see
    `live_recommendations_seen_by`)."""
    return Action.objects.filter(visible_actions_q(organisations), is_archived=False)


def recommendation_link_list(*, recommendation: Recommendation) -> list[RecommendationLink]:
    """The recommendation's links to others, with each one's reference, oldest first.

    Its SQL is built once per process (core.prepared): every recommendation page reads it.
    """
    return prepared_list("recommendation_link_list", RecommendationLink, _links, recommendation.pk)


def _links(pk: int) -> QuerySet[RecommendationLink]:
    return (
        RecommendationLink.objects.filter(from_recommendation_id=pk)
        .select_related("to_recommendation")
        .only("kind", "to_recommendation__reference")
        .order_by("pk")
    )


def _recommendation_actions(organisations: frozenset[int], pk: int) -> QuerySet[Action]:
    return Action.objects.filter(
        visible_actions_q(organisations), is_archived=False, recommendation_id=pk
    ).select_related("owner")


def recommendation_action_list(*, user: User, recommendation: Recommendation) -> list[Action]:
    """The recommendation's actions the user may see, with their owners, for its page.

    Each action's recommendation is the one given, already read, rather than joined again.
    Its SQL is built once per process (core.prepared).
    """
    actions = prepared_list(
        "recommendation_action_list",
        Action,
        _recommendation_actions,
        access_for(user).organisation_ids,
        recommendation.pk,
    )
    for action in actions:
        action.recommendation = recommendation
    return actions


def _action_with_relations(organisations: frozenset[int], pk: int) -> QuerySet[Action]:
    return (
        Action.objects.filter(visible_actions_q(organisations), pk=pk)
        .select_related("recommendation", "recommendation__source", "owner", "lead")
        .order_by()
    )


def action_get_for_user(*, user: User, pk: int) -> Action:
    """Return the action, archived or not, if the user may see it; raise Http404 otherwise.

    Its SQL is built once per process (core.prepared): every action page reads it.
    """
    return prepared_get_or_404(
        "action_get_for_user",
        Action,
        _action_with_relations,
        access_for(user).organisation_ids,
        pk,
        missing="No such action",
    )


def assessment_queue(*, user: User) -> QuerySet[Action]:
    """Actions marked ready for assessment and not assessed since, for the user's offices."""
    return assessment_queue_for(access_for(user).organisations_with_role(Role.SCRUTINY_OFFICER))


def assessment_queue_for(offices: frozenset[int]) -> QuerySet[Action]:
    """`assessment_queue` for a scrutiny officer of these offices, without the user (so a
    query counting it can have its SQL built once: `selectors.compiled`)."""
    return (
        Action.objects.filter(
            indexed_in("source_id", owned_sources(offices)),
            delivery_status=DeliveryStatus.READY_FOR_ASSESSMENT,
            is_archived=False,
        )
        .filter(Q(assessed_at__isnull=True) | Q(assessed_at__lt=F("ready_at")))
        .select_related("recommendation", "recommendation__source", "owner", "lead")
        .order_by("ready_at", "id")
    )


def evidence_get_for_user(*, user: User, pk: int) -> Evidence:
    """Return evidence on an action the user may see, archived or not; raise Http404
    otherwise."""
    visible_actions = _visible_actions(user).values("pk")
    try:
        return Evidence.objects.select_related("action").get(pk=pk, action__in=visible_actions)
    except Evidence.DoesNotExist:
        raise Http404("No such evidence") from None


# --- reminders (added for meetings, issue #3) ----------------------------------------------


def action_due_list(*, due_by: datetime.date) -> QuerySet[Action]:
    """Open register actions in every office with a target date on or before `due_by`.

    Unscoped: for the reminder job, which decides each recipient itself.
    """
    return (
        Action.objects.filter(
            delivery_status__in=OPEN_STATUSES,
            is_archived=False,
            is_superseded=False,
            target_on__isnull=False,
            target_on__lte=due_by,
        )
        .select_related("recommendation", "recommendation__source", "owner")
        .order_by("target_on", "id")
    )

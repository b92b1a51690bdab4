"""The register's sources, recommendations, actions and evidence, as a user may see them."""

import datetime

from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
)
from django.http import Http404

from answerable.accounts.models import User
from answerable.core.forms import DrawnOptions
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import (
    OPEN_STATUSES,
    Action,
    DeliveryStatus,
    Evidence,
    Recommendation,
    Source,
)
from answerable.recommendations.selectors.scope import (
    Role,
    indexed_in,
    owned_sources,
    visible_actions_q,
    visible_recommendations_q,
    visible_sources_q,
)

# --- sources ---------------------------------------------------------------------------


def source_list(*, user: User) -> QuerySet[Source]:
    """Return sources the user's organisations own or have an action under."""
    return (
        Source.objects.filter(visible_sources_q(access_for(user).organisation_ids))
        .filter(is_archived=False)
        .select_related("owner")
        .annotate(recommendation_count=Count("recommendations", distinct=True))
    )


def source_choice_list(*, user: User) -> QuerySet[Source]:
    """Return the sources of `source_list` by title, with only what a filter's options show."""
    return (
        Source.objects.filter(visible_sources_q(access_for(user).organisation_ids))
        .filter(is_archived=False)
        .only("pk", "title")
        .order_by("title")
    )


def source_options(*, user: User, sources: QuerySet[Source] | None = None) -> DrawnOptions:
    """`source_choice_list` (or `sources`, that list already built) as (id, title) options."""
    if sources is None:
        sources = source_choice_list(user=user)
    return DrawnOptions(list(sources.values_list("pk", "title")))


def source_get_for_user(*, user: User, pk: int) -> Source:
    """Return the source if the user may see it; raise Http404 otherwise."""
    try:
        return source_list(user=user).get(pk=pk)
    except Source.DoesNotExist:
        raise Http404("No such source") from None


# --- recommendations -------------------------------------------------------------------


def recommendation_list(*, user: User) -> QuerySet[Recommendation]:
    """Return recommendations the user may see, with their source."""
    return (
        Recommendation.objects.filter(visible_recommendations_q(access_for(user).organisation_ids))
        .filter(is_archived=False)
        .select_related("source", "source__owner")
    )


def recommendation_get_for_user(*, user: User, pk: int) -> Recommendation:
    """Return the recommendation if the user may see it; raise Http404 otherwise."""
    try:
        return recommendation_list(user=user).prefetch_related("themes").get(pk=pk)
    except Recommendation.DoesNotExist:
        raise Http404("No such recommendation") from None


# --- actions ---------------------------------------------------------------------------


def action_list(*, user: User) -> QuerySet[Action]:
    """Return actions the user may see: all under their office's sources, or their own."""
    return (
        Action.objects.filter(visible_actions_q(access_for(user).organisation_ids))
        .filter(is_archived=False)
        .select_related("recommendation", "recommendation__source", "owner", "lead")
    )


def recommendation_action_list(*, user: User, recommendation: Recommendation) -> list[Action]:
    """The recommendation's actions the user may see, with their owners, for its page.

    Each action's recommendation is the one given, already read, rather than joined again.
    """
    actions = list(
        action_list(user=user)
        .filter(recommendation=recommendation)
        .select_related(None)
        .select_related("owner")
    )
    for action in actions:
        action.recommendation = recommendation
    return actions


def action_get_for_user(*, user: User, pk: int) -> Action:
    """Return the action if the user may see it; raise Http404 otherwise."""
    try:
        return action_list(user=user).get(pk=pk)
    except Action.DoesNotExist:
        raise Http404("No such action") from None


def assessment_queue(*, user: User) -> QuerySet[Action]:
    """Actions marked ready for assessment and not assessed since, for the user's offices."""
    offices = access_for(user).organisations_with_role(Role.SCRUTINY_OFFICER)
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
    """Return evidence on an action the user may see; raise Http404 otherwise."""
    visible_actions = action_list(user=user).values("pk")
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
            target_on__isnull=False,
            target_on__lte=due_by,
        )
        .select_related("recommendation", "recommendation__source", "owner")
        .order_by("target_on", "id")
    )

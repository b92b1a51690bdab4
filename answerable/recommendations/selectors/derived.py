"""Reads for what other apps derive from the register: recurrence's vectors and themes,
computed in the background from every recommendation, and which of its suggestions a user
may see (through the register's own rule, `recommendation_list`)."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from answerable.accounts.models import User
from answerable.recommendations.models import (
    Action,
    AssuranceStatus,
    DeliveryStatus,
    Recommendation,
    Source,
)
from answerable.recommendations.selectors.register import recommendation_list


def recommendation_unscoped_list(
    *, ids: Iterable[int] | QuerySet[Any] | None = None
) -> QuerySet[Recommendation]:
    """Every recommendation (or those with these ids), archived ones too, whoever may see
    them: for data derived from the whole register in the background, never for a page."""
    recommendations = Recommendation.objects.all()
    if ids is not None:
        recommendations = recommendations.filter(pk__in=ids)
    return recommendations


def recommendation_done_condition() -> Q:
    """Assured, or every live action on it completed: what a later report should not raise.

    A condition on a recommendation query, to annotate or filter by."""
    live = Action.objects.filter(recommendation=OuterRef("pk"), is_archived=False)
    return Q(assurance_status=AssuranceStatus.ASSURED) | (
        Q(Exists(live)) & ~Q(Exists(live.exclude(delivery_status=DeliveryStatus.COMPLETED)))
    )


def source_owner_titles() -> dict[int, tuple[int, str]]:
    """Every source's owning office and title, by the source's id, archived ones too."""
    return {
        pk: (owner, title)
        for pk, owner, title in Source.objects.values_list("pk", "owner_id", "title")
    }


def recommendation_visible_among(*, user: User, ids: list[int]) -> QuerySet[Recommendation]:
    """Those of these recommendations the user may see, by the register's rule.

    Asked of each candidate (EXISTS on its own id) rather than as `pk IN (...)` beside the
    rule's OR: SQLite otherwise reads every row the user may see through the rule's indexes
    and then filters by id (20 ms for a national viewer, 1 ms this way).
    """
    mine = recommendation_list(user=user).filter(pk=OuterRef("pk"))
    return Recommendation.objects.filter(pk__in=ids).filter(Exists(mine))

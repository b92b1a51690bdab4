"""What an agenda item may consider: the meeting office's register, as its planner sees it;
and the agenda items a user may see, for apps that link to them.

Beside meetings/selectors/, which it reads through. The picker narrows a long register to the
words the planner looked for, while keeping what the item already considers in view.
"""

from collections.abc import Collection
from typing import Any

from django.db.models import Q, QuerySet

from answerable.accounts.models import User
from answerable.meetings.models import AgendaItem
from answerable.meetings.selectors.scope import item_scope, meeting_list
from answerable.recommendations import selectors as register_selectors
from answerable.recommendations.search import recommendation_search


def agenda_register_choices(
    *,
    user: User,
    office_id: int,
    find: str = "",
    keep_recommendations: Collection[int] = (),
    keep_actions: Collection[int] = (),
) -> dict[str, QuerySet[Any]]:
    """The recommendations and actions an item of the office's meeting may consider.

    With `find`, only those matching its words (a recommendation's reference, text or source
    title; an action's recommendation or description), plus the ones to keep.
    """
    recommendations = register_selectors.recommendation_list(user=user).filter(
        source__owner_id=office_id
    )
    actions = register_selectors.action_list(user=user).filter(
        recommendation__source__owner_id=office_id
    )
    if find.strip():
        found = recommendation_search(recommendations, find).order_by().values("pk")
        recommendations = recommendations.filter(
            Q(pk__in=[row["pk"] for row in found]) | Q(pk__in=list(keep_recommendations))
        )
        described = Q()
        for word in find.split():
            described &= Q(description__icontains=word)
        actions = actions.filter(
            Q(recommendation_id__in=[row["pk"] for row in found])
            | described
            | Q(pk__in=list(keep_actions))
        )
    return {
        "recommendations": recommendations.order_by("source__title", "position", "id"),
        "actions": actions.order_by(
            "recommendation__source__title", "recommendation__position", "id"
        ),
    }


def agenda_item_list(*, user: User) -> QuerySet[AgendaItem]:
    """The agenda items the user may see: those of meetings they may see, a sensitive one only
    for the office holding the meeting and the organisations questioned on it."""
    return AgendaItem.objects.filter(
        item_scope(user), meeting__in=meeting_list(user=user).values("pk")
    )

"""What an agenda item may consider: the meeting office's register, as its planner sees it;
and the agenda items a user may see, for apps that link to them.

Beside meetings/selectors/, which it reads through. The item form's picker
(recommendations.picker) lists part of a long register; it finds actions here.
"""

from typing import Any

from django.db.models import Q, QuerySet

from answerable.accounts.models import User
from answerable.meetings.models import AgendaItem
from answerable.meetings.selectors.scope import item_scope, meeting_list
from answerable.recommendations import selectors as register_selectors
from answerable.recommendations.models import Action, Recommendation
from answerable.recommendations.picker import recommendations_found


def agenda_register_choices(*, user: User, office_id: int) -> dict[str, QuerySet[Any]]:
    """The recommendations and actions an item of the office's meeting may consider."""
    recommendations = register_selectors.recommendation_list(user=user).filter(
        source__owner_id=office_id
    )
    actions = register_selectors.action_list(user=user).filter(
        recommendation__source__owner_id=office_id
    )
    return {
        "recommendations": recommendations.select_related("source").order_by(
            "source__title", "position", "id"
        ),
        "actions": actions.select_related("recommendation", "owner").order_by(
            "recommendation__source__title", "recommendation__position", "id"
        ),
    }


def agenda_actions_found(
    actions: QuerySet[Action], find: str, *, recommendations: QuerySet[Recommendation]
) -> QuerySet[Action]:
    """The actions whose recommendation (one of `recommendations`) matches the words of
    `find`, or whose description holds every one of them: for the item's picker."""
    found = recommendations_found(recommendations, find).order_by().values("pk")
    described = Q()
    for word in find.split():
        described &= Q(description__icontains=word)
    return actions.filter(Q(recommendation_id__in=[row["pk"] for row in found]) | described)


def agenda_item_list(*, user: User) -> QuerySet[AgendaItem]:
    """The agenda items the user may see: those of meetings they may see, a sensitive one only
    for the office holding the meeting and the organisations questioned on it."""
    return AgendaItem.objects.filter(
        item_scope(user), meeting__in=meeting_list(user=user).values("pk")
    )

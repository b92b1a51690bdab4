"""What an agenda item may consider: the meeting office's register, as its planner sees it;
and the agenda items a user may see, for apps that link to them.

Beside meetings/selectors/, which it reads through. The picker narrows a long register to the
words the planner looked for, while keeping what the item already considers in view.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
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
        "recommendations": recommendations.select_related("source").order_by(
            "source__title", "position", "id"
        ),
        "actions": actions.select_related("recommendation", "owner").order_by(
            "recommendation__source__title", "recommendation__position", "id"
        ),
    }


# A page lists at most this many of each kind as boxes: an office's whole register (12,500
# boxes at national scale) took 8 s to draw and is no use to read. The finder lists others.
SHOWN_CHOICES = 100


@dataclass(frozen=True)
class ShownRegister:
    rows: dict[str, QuerySet[Any]]  # what the page lists, by field name
    more: frozenset[str]  # the kinds with more choices than the page lists


def agenda_register_shown(
    choices: Mapping[str, QuerySet[Any]], keep: Mapping[str, Collection[int]]
) -> ShownRegister:
    """The first SHOWN_CHOICES of each kind of choice, in order, and those in `keep` (what the
    item considers or the form ticked), so nothing ticked drops off the page."""
    rows, more = {}, set()
    for name, choice_rows in choices.items():
        first = list(choice_rows.values_list("pk", flat=True)[: SHOWN_CHOICES + 1])
        if len(first) > SHOWN_CHOICES:
            more.add(name)  # not counted: a count of the whole register cost as much again
        rows[name] = choice_rows.filter(pk__in=[*first[:SHOWN_CHOICES], *keep.get(name, ())])
    return ShownRegister(rows, frozenset(more))


def agenda_item_list(*, user: User) -> QuerySet[AgendaItem]:
    """The agenda items the user may see: those of meetings they may see, a sensitive one only
    for the office holding the meeting and the organisations questioned on it."""
    return AgendaItem.objects.filter(
        item_scope(user), meeting__in=meeting_list(user=user).values("pk")
    )

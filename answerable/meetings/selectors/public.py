"""What anyone may read of meetings, without signing in."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from answerable.core.prepared_rows import prepared_rows
from answerable.meetings.models import AccountabilityMeeting, AgendaItem, Marking, Paper


def public_meeting_list() -> QuerySet[AccountabilityMeeting]:
    """Meetings their office has made public, with only their non-sensitive items."""
    return (
        AccountabilityMeeting.objects.filter(is_public=True)
        .select_related("office", "chair")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=AgendaItem.objects.filter(is_sensitive=False)
                .select_related("theme")
                .order_by("position", "id"),
            )
        )
        .order_by("starts_at", "id")
    )


def paper_get_public(*, pk: int) -> Paper:
    """Return a paper that may be read by anyone: published, OFFICIAL, on a non-sensitive item."""
    try:
        return Paper.objects.select_related("item").get(
            pk=pk, is_published=True, marking=Marking.OFFICIAL, item__is_sensitive=False
        )
    except Paper.DoesNotExist:
        raise Http404("No such paper") from None


# --- for publishing ------------------------------------------------------------------------


def agenda_item_titles_sensitive(*, item_ids: list[int]) -> list[str]:
    """The titles of those of the items now marked sensitive: never to be published."""
    return list(
        AgendaItem.objects.filter(pk__in=item_ids, is_sensitive=True).values_list(
            "title", flat=True
        )
    )


def paper_titles_unpublishable(*, paper_ids: list[int]) -> list[str]:
    """The titles of those of the papers no longer both OFFICIAL and marked for publication."""
    return list(
        Paper.objects.filter(pk__in=paper_ids)
        .exclude(is_published=True, marking=Marking.OFFICIAL)
        .values_list("title", flat=True)
    )


def public_agenda_items_considering(*, recommendation_id: int) -> list[tuple[int, int]]:
    """The id and meeting id of each non-sensitive agenda item that considered the
    recommendation."""
    # Its SQL built once per process (core.prepared): every public recommendation page asks.
    rows = prepared_rows("public_items_considering", AgendaItem, _considering, recommendation_id)
    return [(pk, meeting_id) for pk, meeting_id in rows]


def _considering(recommendation_id: int) -> QuerySet[Any, Any]:
    return AgendaItem.objects.filter(
        recommendations=recommendation_id, is_sensitive=False
    ).values_list("pk", "meeting_id")


def public_agenda_item_recommendation_ids(
    *, item_ids: list[int], meeting_id: int
) -> list[tuple[int, int]]:
    """The item id and recommendation id of each recommendation that those of the items on
    the meeting and not sensitive considered."""
    return list(
        AgendaItem.recommendations.through.objects.filter(
            agendaitem_id__in=item_ids,
            agendaitem__meeting_id=meeting_id,
            agendaitem__is_sensitive=False,
        ).values_list("agendaitem_id", "recommendation_id")
    )

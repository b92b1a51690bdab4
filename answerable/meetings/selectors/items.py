"""Agenda items, questions and papers as the user may see them."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from answerable.accounts.models import User
from answerable.meetings.models import (
    AccountabilityMeeting,
    AgendaItem,
    Attendee,
    Paper,
    Question,
)
from answerable.meetings.selectors.scope import (
    Role,
    item_scope,
    meeting_list,
    meeting_seen_by,
    paper_scope,
    visible_items,
)
from answerable.organisations.selectors import access_for


def forward_plan(
    *, user: User, past: bool = False, now: datetime.datetime | None = None
) -> QuerySet[AccountabilityMeeting]:
    """Upcoming meetings soonest first (or past ones, latest first), with their items' themes.

    Only items the user may see lend their themes: a sensitive item's theme once showed to
    partners not questioned on it (issue #11).
    """
    start_of_today = timezone.localtime(now or timezone.now()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    meetings = meeting_list(user=user).prefetch_related(
        Prefetch(
            "items",
            queryset=AgendaItem.objects.filter(item_scope(user))
            .select_related("theme")
            .order_by("position"),
        )
    )
    if past:
        return meetings.filter(starts_at__lt=start_of_today).order_by("-starts_at", "-id")
    return meetings.filter(starts_at__gte=start_of_today).order_by("starts_at", "id")


def agenda_item_get_for_user(*, user: User, pk: int) -> AgendaItem:
    """Return the agenda item if the user may see its meeting; raise Http404 otherwise.

    The meeting is asked about once the item is read (`meeting_seen_by`): as a condition of
    the item's read, SQLite built the whole list of meetings the user may see (8.6 ms for a
    scrutiny officer at national scale, issue #12)."""
    try:
        item = (
            AgendaItem.objects.select_related("meeting", "meeting__office", "theme")
            .filter(item_scope(user))
            .get(pk=pk)
        )
    except AgendaItem.DoesNotExist:
        raise Http404("No such agenda item") from None
    if not meeting_seen_by(user, item.meeting):
        raise Http404("No such agenda item")
    return item


def evidence_agenda_item_list(*, user: User, organisation_id: int) -> QuerySet[AgendaItem]:
    """Return agenda items the user may put the organisation's evidence on, such as its training.

    The rule for tabling papers: a scrutiny officer on their own office's meetings, and a lead
    officer of the organisation on the meetings it attends. The action tracker review is left
    out: it reviews meeting actions only.
    """
    access = access_for(user)
    condition = Q(meeting__office_id__in=access.organisations_with_role(Role.SCRUTINY_OFFICER))
    if access.has_role(Role.LEAD_OFFICER, organisation_id):
        attends = Attendee.objects.filter(
            meeting=OuterRef("meeting_id"), organisation_id=organisation_id
        )
        condition |= Q(Exists(attends))
    return (
        AgendaItem.objects.filter(condition, is_action_review=False)
        .filter(meeting__in=meeting_list(user=user).values("pk"))
        .select_related("meeting")
    )


def question_get_for_user(*, user: User, pk: int) -> Question:
    """Return the question if the user may see its meeting; raise Http404 otherwise."""
    try:
        return Question.objects.select_related(
            "item", "item__meeting", "item__meeting__office", "addressed_to"
        ).get(
            pk=pk,
            item__meeting__in=meeting_list(user=user).values("pk"),
            item__in=visible_items(user),
        )
    except Question.DoesNotExist:
        raise Http404("No such question") from None


def paper_get_for_user(*, user: User, pk: int) -> Paper:
    """Return the paper if the user may read it; raise Http404 otherwise."""
    try:
        return (
            Paper.objects.select_related("item", "item__meeting")
            .filter(paper_scope(user), item__in=visible_items(user))
            .get(pk=pk, item__meeting__in=meeting_list(user=user).values("pk"))
        )
    except Paper.DoesNotExist:
        raise Http404("No such paper") from None

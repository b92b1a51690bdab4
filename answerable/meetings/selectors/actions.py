"""Meeting actions: those raised at a meeting, those under review at the next, and the
action tracker."""

import datetime

from django.db.models import Q, QuerySet, Subquery
from django.http import Http404

from answerable.accounts.models import User
from answerable.meetings.models import AccountabilityMeeting, MeetingAction
from answerable.meetings.selectors.scope import action_scope
from answerable.organisations.selectors import access_for


def action_review_list(
    *, meeting: AccountabilityMeeting, user: User | None = None
) -> QuerySet[MeetingAction]:
    """Open meeting actions from the office's earlier meetings: the 'Review of action tracker'.

    Computed live, so an action disappears from every review once it is closed. With a user,
    actions raised on items they may not see are left out, unless their organisation owns them.
    """
    actions = MeetingAction.objects.filter(in_review(meeting))
    if user is not None:
        actions = actions.filter(action_scope(user))
    return actions.select_related("meeting", "item", "owner", "owner_user").order_by("due_on", "id")


def in_review(meeting: AccountabilityMeeting) -> Q:
    """Open actions from the office's earlier meetings: those the meeting's review lists."""
    return in_review_before(meeting.office_id, meeting.starts_at)


def in_review_before(office_id: int, starts_at: datetime.datetime | Subquery) -> Q:
    """`in_review` of the office's meeting starting at `starts_at`, which may be read in the
    same query (a `Subquery`), for SQL that depends on nothing but ids (core.prepared)."""
    return Q(
        meeting__office_id=office_id,
        meeting__starts_at__lt=starts_at,
        status=MeetingAction.Status.OPEN,
    )


def meeting_actions_raised(
    *, meeting: AccountabilityMeeting, user: User | None = None
) -> QuerySet[MeetingAction]:
    """Return the actions raised at the meeting, in the order they were raised (scoped as above)."""
    actions = MeetingAction.objects.filter(meeting=meeting)
    if user is not None:
        actions = actions.filter(action_scope(user))
    return actions.select_related("item", "owner", "owner_user").order_by("id")


def meeting_action_list(*, user: User, include_closed: bool = False) -> QuerySet[MeetingAction]:
    """Return meeting actions the user may see: all from their office's meetings, or their own."""
    organisations = access_for(user).organisation_ids
    actions = MeetingAction.objects.filter(
        Q(meeting__office_id__in=organisations) | Q(owner_id__in=organisations)
    ).select_related("meeting", "item", "owner", "owner_user")
    if not include_closed:
        actions = actions.filter(status=MeetingAction.Status.OPEN)
    return actions.order_by("due_on", "id")


def meeting_action_get_for_user(*, user: User, pk: int) -> MeetingAction:
    """Return the meeting action if the user may see it; raise Http404 otherwise."""
    try:
        return meeting_action_list(user=user, include_closed=True).get(pk=pk)
    except MeetingAction.DoesNotExist:
        raise Http404("No such meeting action") from None

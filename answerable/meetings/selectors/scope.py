"""Who may see and do what at meetings: the visibility rule and the permissions.

The rule: the office that runs a meeting (the PCC's office) sees all of it; a partner
organisation sees the meetings it attends, is asked questions at or owns an action from, and
only its own meeting actions on the action tracker. OFFICIAL-SENSITIVE papers are shown to the
office and to the organisation that tabled them. The other modules read through the
`*_scope` conditions here.
"""

from collections.abc import Collection
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from answerable.accounts.models import User
from answerable.core.prepared import prepared_get_or_404
from answerable.meetings.models import (
    AccountabilityMeeting,
    AgendaItem,
    Attendee,
    Marking,
    MeetingAction,
    Question,
)
from answerable.organisations.models import Membership
from answerable.organisations.selectors import access_for

Role = Membership.Role


# --- permissions -------------------------------------------------------------------------


def can_plan_meetings(*, user: User, office_id: int | None = None) -> bool:
    """Scrutiny officers plan and record their own office's meetings."""
    access = access_for(user)
    if office_id is None:
        return access.has_role(Role.SCRUTINY_OFFICER)
    return access.has_role(Role.SCRUTINY_OFFICER, office_id)


def meeting_attending_organisation_ids(*, meeting: AccountabilityMeeting) -> set[int]:
    """Return the organisations with someone attending the meeting."""
    return set(
        Attendee.objects.filter(meeting=meeting, organisation__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )


def paper_upload_organisation_id(
    *, user: User, meeting: AccountabilityMeeting, attendees: list[Attendee] | None = None
) -> int | None:
    """The organisation a paper from this user is tabled for, or None if they cannot table one.

    The office's scrutiny officers table papers for the office; lead officers table them for an
    organisation that attends the meeting. A caller holding the meeting's `attendees` passes
    them rather than have them asked for again.
    """
    access = access_for(user)
    if access.has_role(Role.SCRUTINY_OFFICER, meeting.office_id):
        return meeting.office_id
    leads = access.organisations_with_role(Role.LEAD_OFFICER)
    if not leads:
        return None
    if attendees is None:
        attending_ids = meeting_attending_organisation_ids(meeting=meeting)
    else:
        attending_ids = {a.organisation_id for a in attendees if a.organisation_id is not None}
    attending = sorted(leads & attending_ids)
    return attending[0] if attending else None


def can_upload_paper(
    *, user: User, meeting: AccountabilityMeeting, attendees: list[Attendee] | None = None
) -> bool:
    """The office's scrutiny officers and attending organisations' lead officers table papers."""
    return paper_upload_organisation_id(user=user, meeting=meeting, attendees=attendees) is not None


def can_respond(*, user: User, question: Question) -> bool:
    """Scrutiny officers record answers given in the meeting; the addressee's leads prepare one."""
    access = access_for(user)
    if access.has_role(Role.SCRUTINY_OFFICER, question.item.meeting.office_id):
        return True
    return bool(
        question.addressed_to_id
        and access.has_role(Role.LEAD_OFFICER, question.addressed_to_id)
        and question.item.meeting.status
        in (AccountabilityMeeting.Status.PLANNED, AccountabilityMeeting.Status.PAPERS_RECEIVED)
    )


# --- meetings ----------------------------------------------------------------------------


def meeting_list(*, user: User) -> QuerySet[AccountabilityMeeting]:
    """Return meetings the user may see: their office's, or ones their organisation is part of."""
    organisations = access_for(user).organisation_ids
    attends = Attendee.objects.filter(meeting=OuterRef("pk"), organisation_id__in=organisations)
    owns_action = MeetingAction.objects.filter(meeting=OuterRef("pk"), owner_id__in=organisations)
    is_asked = Question.objects.filter(
        item__meeting=OuterRef("pk"), addressed_to_id__in=organisations
    )
    return AccountabilityMeeting.objects.filter(
        Q(office_id__in=organisations) | Exists(attends) | Exists(owns_action) | Exists(is_asked)
    ).select_related("office", "chair")


def _meeting(pk: int) -> QuerySet[AccountabilityMeeting]:
    return AccountabilityMeeting.objects.filter(pk=pk).select_related("office", "chair").order_by()


def meeting_get_for_user(*, user: User, pk: int) -> AccountabilityMeeting:
    """Return the meeting if the user may see it; raise Http404 otherwise.

    The office's own meetings, most of what is asked for, are told without building and
    running `meeting_list`'s subqueries for partners; a partner's access is asked as before.
    The meeting's own read has its SQL built once per process (core.prepared).
    """
    meeting = prepared_get_or_404(
        "meeting_get_for_user", AccountabilityMeeting, _meeting, pk, missing="No such meeting"
    )
    if meeting_seen_by(user, meeting):
        return meeting
    raise Http404("No such meeting")


def meeting_seen_by(user: User, meeting: AccountabilityMeeting) -> bool:
    """Whether the user may see this meeting (`meeting_list`'s rule): told at once for the
    office's own, asked of `meeting_list` for a partner's."""
    if meeting.office_id in access_for(user).organisation_ids:
        return True
    return meeting_list(user=user).filter(pk=meeting.pk).exists()


def item_scope(user: User, path: str = "") -> Q:
    """Agenda items the user may see on meetings they may see.

    A sensitive item (discussed in closed session, never published) is for the office that
    holds the meeting and the organisations questioned on it, not every partner attending.
    `path` applies the rule to the item of something else ("item__"), through its join.
    """
    return items_seen_by(access_for(user).organisation_ids, path)


def items_seen_by(organisations: Collection[int], path: str = "") -> Q:
    """`item_scope` for a user of these organisations: for SQL built once for any such user
    (core.prepared)."""
    questioned = Question.objects.filter(
        item=OuterRef(f"{path}pk"), addressed_to_id__in=organisations
    )
    return (
        Q(**{f"{path}is_sensitive": False})
        | Q(**{f"{path}meeting__office_id__in": organisations})
        | Q(Exists(questioned))
    )


def visible_items(user: User) -> QuerySet[AgendaItem, Any]:
    """The ids of the agenda items the user may see, as a subquery."""
    return AgendaItem.objects.filter(item_scope(user)).values("pk")


def paper_scope(user: User) -> Q:
    """Papers the user may see among those on meetings they may see."""
    access = access_for(user)
    return (
        Q(item__meeting__office_id__in=access.organisation_ids)
        | Q(marking=Marking.OFFICIAL)
        | Q(organisation_id__in=access.organisation_ids)
    )


def action_scope(user: User) -> Q:
    """Actions on no item or on an item the user may see, and their organisation's own.

    The item rule is applied through the action's item rather than a list of every item the
    user may see, which the database would build in full for each query.
    """
    return actions_seen_by(access_for(user).organisation_ids)


def actions_seen_by(organisations: Collection[int]) -> Q:
    """`action_scope` for a user of these organisations (see `items_seen_by`)."""
    return (
        Q(item__isnull=True)
        | items_seen_by(organisations, "item__")
        | Q(owner_id__in=organisations)
    )

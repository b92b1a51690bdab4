"""Planning meetings: create, attendees, status."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.meetings.hooks import meeting_held_notify
from answerable.meetings.models import (
    ACTION_REVIEW_TITLE,
    AccountabilityMeeting,
    AgendaItem,
    Attendee,
)
from answerable.meetings.selectors import can_plan_meetings
from answerable.meetings.services._common import require, require_planner
from answerable.organisations.models import Organisation
from answerable.organisations.selectors import access_for

Status = AccountabilityMeeting.Status

# Forward only. A summary is published only through the publishing app's publish service.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.PLANNED: {Status.PAPERS_RECEIVED, Status.HELD},
    Status.PAPERS_RECEIVED: {Status.HELD},
    Status.HELD: {Status.SUMMARY_PUBLISHED},
    Status.SUMMARY_PUBLISHED: set(),
}


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    office: Organisation,
    title: str,
    kind: str,
    starts_at: datetime.datetime,
    venue: str = "",
    online_url: str = "",
    chair: User | None = None,
    chair_name: str = "",
    is_public: bool = False,
) -> AccountabilityMeeting:
    """Plan a meeting; its first agenda item, the review of the action tracker, comes with it."""
    require(
        can_plan_meetings(user=actor, office_id=office.pk),
        "Only a scrutiny officer of the office can plan a meeting",
    )
    if chair is None and not chair_name.strip():
        raise ValidationError({"chair_name": "Enter the name of the chair"})
    if chair is not None and office.pk not in access_for(chair).organisation_ids:
        raise ValidationError({"chair": f"The chair must be a member of {office.name}"})
    if not venue.strip() and not online_url.strip():
        raise ValidationError({"venue": "Enter the venue or the link to join online"})
    meeting = AccountabilityMeeting(
        office=office,
        title=title.strip(),
        kind=kind,
        starts_at=starts_at,
        venue=venue.strip(),
        online_url=online_url.strip(),
        chair=chair,
        chair_name=chair_name.strip(),
        is_public=is_public,
    )
    meeting.full_clean()
    meeting.save()
    AgendaItem.objects.create(
        meeting=meeting, position=1, title=ACTION_REVIEW_TITLE, is_action_review=True
    )
    audit_record(
        actor=actor,
        action="meeting.created",
        target=meeting,
        organisation=office,
        changes={
            "title": [None, meeting.title],
            "kind": [None, kind],
            "starts_at": [None, starts_at],
            "venue": [None, meeting.venue],
            "online_url": [None, meeting.online_url],
            "chair": [None, meeting.chair_display],
            "is_public": [None, is_public],
        },
    )
    return meeting


@transaction.atomic
def meeting_status_change(
    *, actor: User, meeting: AccountabilityMeeting, status: str, note: str = ""
) -> AccountabilityMeeting:
    """Move the meeting forward: planned, papers received, held, summary published.

    Once it is held, the apps listening (meetings.hooks) act in the same transaction.
    """
    require_planner(actor, meeting)
    meeting = AccountabilityMeeting.objects.select_for_update().get(pk=meeting.pk)
    if status not in ALLOWED_TRANSITIONS[meeting.status]:
        label = Status(status).label if status in Status.values else status
        raise ValidationError(
            {
                "status": f"A meeting that is {meeting.get_status_display().lower()} cannot move "
                f"to {label.lower()}"
            }
        )
    if status == Status.HELD and meeting.starts_at > timezone.now():
        when = formats.date_format(timezone.localtime(meeting.starts_at), "j F Y")
        raise ValidationError(
            {
                "status": _("The meeting cannot be held before it starts on %(date)s")
                % {"date": when}
            }
        )
    previous = meeting.status
    meeting.status = status
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="meeting.status_changed",
        target=meeting,
        organisation=meeting.office,
        changes={"status": [previous, status]},
        note=note,
    )
    if status == Status.HELD:
        meeting_held_notify(actor=actor, meeting=meeting)
    return meeting


@transaction.atomic
def attendee_add(
    *,
    actor: User,
    meeting: AccountabilityMeeting,
    name: str,
    organisation: Organisation | None = None,
    role: str = "",
) -> Attendee:
    """Add a person to the meeting's attendees. Their organisation then sees the meeting."""
    require_planner(actor, meeting)
    if not name.strip():
        raise ValidationError({"name": "Enter the attendee's name"})
    if organisation is not None and organisation.is_archived:
        raise ValidationError({"organisation": f"{organisation.name} is archived"})
    attendee = Attendee(
        meeting=meeting, name=name.strip(), organisation=organisation, role=role.strip()
    )
    attendee.full_clean()
    attendee.save()
    audit_record(
        actor=actor,
        action="attendee.added",
        target=meeting,
        organisation=meeting.office,
        changes={
            "attendee": [
                None,
                {
                    "name": attendee.name,
                    "organisation": organisation.name if organisation else None,
                    "role": attendee.role,
                },
            ]
        },
    )
    return attendee

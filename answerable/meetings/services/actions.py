"""Meeting actions: raised at a meeting, reviewed at later ones until closed with a note."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.meetings.models import AccountabilityMeeting, AgendaItem, MeetingAction
from answerable.meetings.services._common import require_planner
from answerable.organisations.models import Organisation
from answerable.organisations.selectors import access_for


@transaction.atomic
def meeting_action_raise(
    *,
    actor: User,
    meeting: AccountabilityMeeting,
    owner: Organisation,
    description: str,
    item: AgendaItem | None = None,
    due_on: datetime.date | None = None,
    owner_user: User | None = None,
    owner_name: str = "",
) -> MeetingAction:
    """Raise an action at the meeting for an organisation, optionally naming the person."""
    require_planner(actor, meeting)
    if item is not None and item.meeting_id != meeting.pk:
        raise ValueError("The agenda item belongs to another meeting")
    if not description.strip():
        raise ValidationError({"description": "Enter what needs to be done"})
    if owner.is_archived:
        raise ValidationError({"owner": f"{owner.name} is archived"})
    if owner_user is not None and owner.pk not in access_for(owner_user).organisation_ids:
        raise ValidationError({"owner_user": f"The person must be a member of {owner.name}"})
    action = MeetingAction(
        meeting=meeting,
        item=item,
        owner=owner,
        owner_user=owner_user,
        owner_name=owner_name.strip(),
        description=description.strip(),
        due_on=due_on,
    )
    action.full_clean()
    action.save()
    audit_record(
        actor=actor,
        action="meeting_action.raised",
        target=action,
        organisation=owner,
        changes={
            "description": [None, action.description],
            "owner": [None, owner.name],
            "owner_person": [None, action.owner_person],
            "due_on": [None, due_on],
            "item": [None, item.pk if item else None],
        },
    )
    return action


@transaction.atomic
def meeting_action_close(*, actor: User, action: MeetingAction, note: str) -> MeetingAction:
    """Close an open action with a note saying how it was met; it leaves every action review."""
    require_planner(actor, action.meeting)
    action = MeetingAction.objects.select_for_update().select_related("owner").get(pk=action.pk)
    if action.status != MeetingAction.Status.OPEN:
        raise ValidationError({"note": "This action is already closed"})
    if not note.strip():
        raise ValidationError({"note": "Enter a note saying how the action was completed"})
    action.status = MeetingAction.Status.CLOSED
    action.closed_note = note.strip()
    action.closed_at = timezone.now()
    action.full_clean()
    action.save(update_fields=["status", "closed_note", "closed_at", "updated_at"])
    audit_record(
        actor=actor,
        action="meeting_action.closed",
        target=action,
        organisation=action.owner,
        changes={"status": [MeetingAction.Status.OPEN, MeetingAction.Status.CLOSED]},
        note=action.closed_note,
    )
    return action

"""Helpers the meeting services share."""

from django.core.exceptions import PermissionDenied

from answerable.accounts.models import User
from answerable.meetings.models import AccountabilityMeeting
from answerable.meetings.selectors import can_plan_meetings


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_planner(actor: User, meeting: AccountabilityMeeting) -> None:
    require(
        can_plan_meetings(user=actor, office_id=meeting.office_id),
        "Only a scrutiny officer of the office can change this meeting",
    )

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from answerable.audit.models import AuditEvent
from answerable.audit.testing import audited
from answerable.meetings import selectors, services
from answerable.meetings.models import AccountabilityMeeting, MeetingAction
from answerable.meetings.tests.factories import MeetingActionFactory, MeetingFactory


def _next_meeting(office, scrutiny_officer, days=30):
    return services.meeting_create(
        actor=scrutiny_officer,
        office=office,
        title="Next meeting",
        kind=AccountabilityMeeting.Kind.HOLDING_TO_ACCOUNT,
        starts_at=timezone.now() + datetime.timedelta(days=days),
        venue="HQ",
        chair_name="PCC",
    )


def test_raising_an_action_is_audited(item, scrutiny_officer, force, force_lead):
    action = services.meeting_action_raise(
        actor=scrutiny_officer,
        meeting=item.meeting,
        item=item,
        owner=force,
        owner_user=force_lead,
        description="Send the training figures",
        due_on=datetime.date(2030, 1, 31),
    )
    assert action.is_open
    assert action.owner_person == "Lee Lead"
    [event] = AuditEvent.objects.filter(action="meeting_action.raised")
    assert event.organisation == force
    assert event.changes["due_on"] == [None, "2030-01-31"]


def test_the_named_person_must_belong_to_the_owner(item, scrutiny_officer, force, council_lead):
    with pytest.raises(ValidationError) as error:
        services.meeting_action_raise(
            actor=scrutiny_officer,
            meeting=item.meeting,
            owner=force,
            owner_user=council_lead,
            description="X",
        )
    assert "owner_user" in error.value.message_dict
    assert not MeetingAction.objects.exists()


def test_a_lead_officer_cannot_raise_an_action(item, force_lead, force):
    with pytest.raises(PermissionDenied):
        services.meeting_action_raise(
            actor=force_lead, meeting=item.meeting, owner=force, description="X"
        )


def test_closing_an_action_needs_a_note(meeting, scrutiny_officer, force):
    action = MeetingActionFactory(meeting=meeting, owner=force)
    with pytest.raises(ValidationError) as error:
        services.meeting_action_close(actor=scrutiny_officer, action=action, note="  ")
    assert "note" in error.value.message_dict
    action.refresh_from_db()
    assert action.is_open
    assert not AuditEvent.objects.filter(action="meeting_action.closed").exists()


def test_closing_an_action_is_audited_and_a_closed_action_cannot_close_again(
    meeting, scrutiny_officer, force
):
    action = MeetingActionFactory(meeting=meeting, owner=force)
    services.meeting_action_close(actor=scrutiny_officer, action=action, note="Figures received")
    action.refresh_from_db()
    assert (action.status, action.closed_note) == ("closed", "Figures received")
    [event] = AuditEvent.objects.filter(action="meeting_action.closed")
    assert event.note == "Figures received"
    with pytest.raises(ValidationError):
        services.meeting_action_close(actor=scrutiny_officer, action=action, note="Again")


def test_a_lead_officer_cannot_close_an_action(meeting, force_lead, force):
    action = MeetingActionFactory(meeting=meeting, owner=force)
    with pytest.raises(PermissionDenied):
        services.meeting_action_close(actor=force_lead, action=action, note="Done")
    action.refresh_from_db()
    assert action.is_open


def test_the_next_meetings_review_lists_open_actions_until_they_are_closed(
    meeting, office, scrutiny_officer, force
):
    open_action = MeetingActionFactory(meeting=meeting, owner=force)
    to_close = MeetingActionFactory(meeting=meeting, owner=force)
    later = _next_meeting(office, scrutiny_officer)
    # Actions raised at the later meeting itself and at other offices' meetings stay out.
    MeetingActionFactory(meeting=later, owner=force)
    MeetingActionFactory(
        meeting=MeetingFactory(starts_at=meeting.starts_at - datetime.timedelta(days=1)),
        owner=force,
    )
    assert list(selectors.action_review_list(meeting=later)) == [open_action, to_close]
    services.meeting_action_close(actor=scrutiny_officer, action=to_close, note="Done")
    assert audited("meeting_action.closed", target=to_close).note == "Done"
    assert list(selectors.action_review_list(meeting=later)) == [open_action]
    assert list(selectors.action_review_list(meeting=meeting)) == []


def test_an_open_action_past_its_due_date_is_overdue(meeting, force):
    today = timezone.localdate()
    overdue = MeetingActionFactory(
        meeting=meeting, owner=force, due_on=today - datetime.timedelta(days=1)
    )
    due_today = MeetingActionFactory(meeting=meeting, owner=force, due_on=today)
    undated = MeetingActionFactory(meeting=meeting, owner=force)
    closed = MeetingActionFactory(
        meeting=meeting,
        owner=force,
        due_on=today - datetime.timedelta(days=9),
        status="closed",
        closed_note="Done",
    )
    assert overdue.is_overdue
    assert not due_today.is_overdue
    assert not undated.is_overdue
    assert not closed.is_overdue

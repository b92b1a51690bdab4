import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from answerable.audit.models import AuditEvent
from answerable.meetings import services
from answerable.meetings.models import ACTION_REVIEW_TITLE, AccountabilityMeeting, Attendee
from answerable.meetings.tests.factories import meeting_has_started
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member

Status = AccountabilityMeeting.Status


def _plan(actor, office, **overrides):
    fields = {
        "actor": actor,
        "office": office,
        "title": "Assurance and accountability",
        "kind": AccountabilityMeeting.Kind.SCRUTINY_PANEL,
        "starts_at": timezone.now() + datetime.timedelta(days=3),
        "venue": "Hindlip Hall",
        "chair_name": "Police and Crime Commissioner",
    }
    return services.meeting_create(**{**fields, **overrides})


def test_planning_a_meeting_generates_the_action_tracker_review_as_item_one(
    office, scrutiny_officer
):
    meeting = _plan(scrutiny_officer, office, is_public=True)
    [item] = meeting.items.all()
    assert (item.position, item.title, item.is_action_review) == (1, ACTION_REVIEW_TITLE, True)
    [event] = AuditEvent.objects.filter(action="meeting.created")
    assert event.actor == scrutiny_officer
    assert event.organisation == office
    assert event.changes["title"] == [None, "Assurance and accountability"]
    assert event.changes["is_public"] == [None, True]


def test_a_lead_officer_cannot_plan_a_meeting(office, force_lead):
    with pytest.raises(PermissionDenied):
        _plan(force_lead, office)
    assert not AccountabilityMeeting.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_scrutiny_officer_cannot_plan_for_another_office(office):
    other = OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE)
    outsider = member(other, Membership.Role.SCRUTINY_OFFICER)
    with pytest.raises(PermissionDenied):
        _plan(outsider, office)
    assert not AccountabilityMeeting.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"chair_name": ""}, "chair_name"),
        ({"venue": "", "online_url": ""}, "venue"),
        ({"title": ""}, "title"),
    ],
)
def test_a_meeting_without_a_chair_venue_or_title_is_rejected_and_nothing_is_written(
    office, scrutiny_officer, overrides, field
):
    with pytest.raises(ValidationError) as error:
        _plan(scrutiny_officer, office, **overrides)
    assert field in error.value.message_dict
    assert not AccountabilityMeeting.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_online_meeting_needs_no_venue_and_the_chair_may_be_a_user(office, scrutiny_officer):
    meeting = _plan(
        scrutiny_officer,
        office,
        venue="",
        online_url="https://meet.example.org/abc",
        chair=scrutiny_officer,
        chair_name="",
    )
    assert meeting.chair_display == "Sam Scrutiny"


def test_the_chair_must_belong_to_the_office(office, scrutiny_officer, force_lead):
    with pytest.raises(ValidationError) as error:
        _plan(scrutiny_officer, office, chair=force_lead, chair_name="")
    assert "chair" in error.value.message_dict


def test_adding_an_attendee_is_audited(meeting, scrutiny_officer, council):
    services.attendee_add(
        actor=scrutiny_officer, meeting=meeting, name="Director", organisation=council, role="DCS"
    )
    assert meeting.attendees.count() == 2
    event = AuditEvent.objects.filter(action="attendee.added").last()
    assert event.changes["attendee"][1] == {
        "name": "Director",
        "organisation": council.name,
        "role": "DCS",
    }


def test_a_lead_officer_cannot_add_attendees(meeting, force_lead):
    before = Attendee.objects.count()
    with pytest.raises(PermissionDenied):
        services.attendee_add(actor=force_lead, meeting=meeting, name="Me")
    assert Attendee.objects.count() == before


def test_the_status_moves_forward_and_each_change_is_audited(meeting, scrutiny_officer):
    services.meeting_status_change(
        actor=scrutiny_officer, meeting=meeting, status=Status.PAPERS_RECEIVED
    )
    meeting_has_started(meeting)
    services.meeting_status_change(
        actor=scrutiny_officer, meeting=meeting, status=Status.HELD, note="Held as planned"
    )
    meeting.refresh_from_db()
    assert meeting.status == Status.HELD
    events = AuditEvent.objects.filter(action="meeting.status_changed").order_by("id")
    assert [e.changes["status"] for e in events] == [
        ["planned", "papers_received"],
        ["papers_received", "held"],
    ]
    assert events.last().note == "Held as planned"


def test_a_meeting_cannot_be_held_before_it_starts(meeting, scrutiny_officer):
    with pytest.raises(ValidationError, match="cannot be held before it starts"):
        services.meeting_status_change(actor=scrutiny_officer, meeting=meeting, status=Status.HELD)
    meeting.refresh_from_db()
    assert meeting.status == Status.PLANNED
    assert not AuditEvent.objects.filter(action="meeting.status_changed").exists()


def test_the_status_cannot_move_backwards(meeting, scrutiny_officer):
    meeting_has_started(meeting)
    services.meeting_status_change(actor=scrutiny_officer, meeting=meeting, status=Status.HELD)
    with pytest.raises(ValidationError):
        services.meeting_status_change(
            actor=scrutiny_officer, meeting=meeting, status=Status.PLANNED
        )
    meeting.refresh_from_db()
    assert meeting.status == Status.HELD
    assert AuditEvent.objects.filter(action="meeting.status_changed").count() == 1

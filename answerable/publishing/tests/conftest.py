import datetime

import pytest
from django.utils import timezone

from answerable.meetings import services as meeting_services
from answerable.meetings.models import AccountabilityMeeting, Marking
from answerable.meetings.tests.conftest import checked_pdf
from answerable.publishing import services

SECRETS = [
    "Operation Nightjar",  # a sensitive item's title
    "covert source handling",  # its description
    "Which informants",  # a question on it
    "Move the surveillance team",  # an action raised on it
    "Intelligence assessment",  # an OFFICIAL-SENSITIVE paper on a public item
    "Working notes",  # an OFFICIAL paper not marked for publication
]


@pytest.fixture
def held_meeting(office, scrutiny_officer, force, force_lead, recommendation):
    """A held, public meeting with public and sensitive material recorded through the services."""
    meeting = meeting_services.meeting_create(
        actor=scrutiny_officer,
        office=office,
        title="Holding to account: CSE",
        kind=AccountabilityMeeting.Kind.HOLDING_TO_ACCOUNT,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        venue="Hindlip Hall",
        chair_name="Police and Crime Commissioner",
        is_public=True,
    )
    meeting_services.attendee_add(
        actor=scrutiny_officer, meeting=meeting, name="Chief Constable", organisation=force
    )
    public = meeting_services.agenda_item_add(
        actor=scrutiny_officer,
        meeting=meeting,
        title="Training for officers",
        theme="Training",
        recommendations=[recommendation],
    )
    question = meeting_services.question_add(
        actor=scrutiny_officer,
        item=public,
        text="How many officers have completed CSE training?",
        asked_by="PCC",
        addressed_to=force,
    )
    meeting_services.response_record(
        actor=scrutiny_officer,
        question=question,
        text="Eighty per cent of frontline officers.",
        given_by_name="Chief Constable",
        given_by_organisation=force,
    )
    meeting_services.item_verdict_record(
        expected_version=0,
        actor=scrutiny_officer,
        item=public,
        verdict="partly_assured",
        rationale="Good progress; longer-serving officers still to be trained.",
    )
    meeting_services.meeting_action_raise(
        actor=scrutiny_officer,
        meeting=meeting,
        item=public,
        owner=force,
        description="Publish the training completion figures by cohort",
        due_on=datetime.date(2030, 6, 30),
    )
    meeting_services.paper_upload(
        actor=force_lead,
        item=public,
        title="Force progress report",
        file=checked_pdf(content=b"%PDF-1.4 progress"),
        is_published=True,
    )
    meeting_services.paper_upload(
        actor=force_lead,
        item=public,
        title="Intelligence assessment",
        file=checked_pdf(content=b"%PDF-1.4 intelligence"),
        marking=Marking.OFFICIAL_SENSITIVE,
    )
    meeting_services.paper_upload(
        actor=force_lead,
        item=public,
        title="Working notes",
        file=checked_pdf(content=b"%PDF-1.4 notes"),
    )
    sensitive = meeting_services.agenda_item_add(
        actor=scrutiny_officer,
        meeting=meeting,
        title="Operation Nightjar",
        description="Update on covert source handling",
        is_sensitive=True,
    )
    meeting_services.question_add(
        actor=scrutiny_officer, item=sensitive, text="Which informants are at risk?", asked_by="PCC"
    )
    meeting_services.item_verdict_record(
        expected_version=0,
        actor=scrutiny_officer,
        item=sensitive,
        verdict="not_assured",
        rationale="Risky",
    )
    meeting_services.meeting_action_raise(
        actor=scrutiny_officer,
        meeting=meeting,
        item=sensitive,
        owner=force,
        description="Move the surveillance team",
    )
    meeting_services.meeting_status_change(actor=scrutiny_officer, meeting=meeting, status="held")
    return meeting


@pytest.fixture
def published(held_meeting, scrutiny_officer):
    publication = services.publication_draft(actor=scrutiny_officer, meeting=held_meeting)
    services.publication_submit(actor=scrutiny_officer, publication=publication)
    return services.publication_publish(
        actor=scrutiny_officer, publication=publication, reviewed_digest=publication.content_digest
    )

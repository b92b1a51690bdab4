import datetime
import hashlib

import pytest
from django.utils import timezone

from answerable.core.files import CheckedFile
from answerable.meetings import services
from answerable.meetings.models import AccountabilityMeeting
from answerable.meetings.tests.factories import PDF_BYTES


def checked_pdf(name: str = "paper.pdf", content: bytes = PDF_BYTES) -> CheckedFile:
    return CheckedFile(
        name=name,
        kind="pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


@pytest.fixture
def meeting(office, scrutiny_officer, force) -> AccountabilityMeeting:
    """A planned meeting the force attends, made through the services."""
    meeting = services.meeting_create(
        actor=scrutiny_officer,
        office=office,
        title="Holding to account: child sexual exploitation",
        kind=AccountabilityMeeting.Kind.HOLDING_TO_ACCOUNT,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        venue="Police headquarters",
        chair_name="Police and Crime Commissioner",
        is_public=True,
    )
    services.attendee_add(
        actor=scrutiny_officer,
        meeting=meeting,
        name="Chief Constable",
        organisation=force,
        role="Chief Constable",
    )
    return meeting


@pytest.fixture
def item(meeting, scrutiny_officer, recommendation, force_action):
    return services.agenda_item_add(
        actor=scrutiny_officer,
        meeting=meeting,
        title="Training to spot exploitation",
        theme="Training",
        recommendations=[recommendation],
        actions=[force_action],
    )

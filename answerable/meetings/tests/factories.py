import datetime
import hashlib

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from answerable.accounts.models import User
from answerable.core.testing import pdf_bytes
from answerable.meetings import services
from answerable.meetings.models import (
    ACTION_REVIEW_TITLE,
    AccountabilityMeeting,
    AgendaItem,
    Attendee,
    MeetingAction,
    Paper,
    Question,
)
from answerable.organisations.models import Organisation
from answerable.organisations.tests.factories import OrganisationFactory, UserFactory

PDF_BYTES = pdf_bytes()


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting with its generated first item, as meeting_create makes it."""

    class Meta:
        model = AccountabilityMeeting
        skip_postgeneration_save = True

    office = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.PCC_OFFICE)
    title = factory.Sequence(lambda n: f"Holding to account {n}")
    kind = AccountabilityMeeting.Kind.HOLDING_TO_ACCOUNT
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    venue = "Police headquarters"
    chair_name = "Police and Crime Commissioner"

    @factory.post_generation
    def action_review(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N805
        if create:
            AgendaItem.objects.create(
                meeting=obj, position=1, title=ACTION_REVIEW_TITLE, is_action_review=True
            )


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.LazyAttribute(lambda o: o.meeting.items.count() + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n}")


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendee

    meeting = factory.SubFactory(MeetingFactory)
    name = factory.Faker("name", locale="en_GB")
    organisation = factory.SubFactory(OrganisationFactory)
    role = "Chief Constable"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    item = factory.SubFactory(AgendaItemFactory)
    text = factory.Faker("sentence", locale="en_GB")
    asked_by = "Police and Crime Commissioner"


class MeetingActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingAction

    meeting = factory.SubFactory(MeetingFactory)
    owner = factory.SubFactory(OrganisationFactory)
    description = factory.Faker("sentence", locale="en_GB")


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    item = factory.SubFactory(AgendaItemFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Paper {n}")
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="paper.pdf"))
    file_kind = "pdf"
    size = len(PDF_BYTES)
    sha256 = hashlib.sha256(PDF_BYTES).hexdigest()
    uploaded_by = factory.SubFactory(UserFactory)


def meeting_has_started(meeting: AccountabilityMeeting) -> AccountabilityMeeting:
    """Move a planned meeting's start into the past, so it can be recorded as held."""
    meeting.starts_at = timezone.now() - datetime.timedelta(hours=1)
    AccountabilityMeeting.objects.filter(pk=meeting.pk).update(starts_at=meeting.starts_at)
    return meeting


def planned_meeting(
    *,
    actor: User,
    office: Organisation,
    attending: Organisation | None = None,
    days_ahead: int = 7,
    title: str = "Holding to account: child sexual exploitation",
    is_public: bool = False,
) -> AccountabilityMeeting:
    """A meeting planned through the services, so audited, with `attending`'s chief constable
    among the attendees."""
    meeting = services.meeting_create(
        actor=actor,
        office=office,
        title=title,
        kind=AccountabilityMeeting.Kind.HOLDING_TO_ACCOUNT,
        starts_at=timezone.now() + datetime.timedelta(days=days_ahead),
        venue="Police headquarters",
        chair_name="Police and Crime Commissioner",
        is_public=is_public,
    )
    if attending is not None:
        services.attendee_add(
            actor=actor, meeting=meeting, name="Chief Constable", organisation=attending
        )
    return meeting

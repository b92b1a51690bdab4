import datetime

import factory

from answerable.organisations.models import Organisation
from answerable.organisations.tests.factories import OrganisationFactory, UserFactory
from answerable.workforce.models import (
    Completion,
    Course,
    CourseAudience,
    Snapshot,
    StaffRecord,
    WorkforceType,
)


class SnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Snapshot

    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.POLICE_FORCE)
    taken_on = datetime.date(2025, 3, 31)
    roster_file_name = "roster.csv"
    roster_sha256 = "0" * 64
    completions_file_name = "completions.csv"
    completions_sha256 = "1" * 64
    imported_by = factory.SubFactory(UserFactory)


class StaffRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRecord

    snapshot = factory.SubFactory(SnapshotFactory)
    staff_id = factory.Sequence(lambda n: f"S{n:06d}")
    workforce_type = WorkforceType.OFFICER
    rank_or_grade = "Constable"
    command = "Local Policing"
    location = "Worcester"
    started_on = datetime.date(2020, 1, 1)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    owner = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.POLICE_FORCE)
    code = factory.Sequence(lambda n: f"C{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    refresh_months = 36
    target_percent = 90


class CourseAudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseAudience

    course = factory.SubFactory(CourseFactory)
    workforce_type = WorkforceType.OFFICER


class CompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Completion

    staff_record = factory.SubFactory(StaffRecordFactory)
    snapshot = factory.SelfAttribute("staff_record.snapshot")
    course = factory.SubFactory(CourseFactory)
    completed_on = datetime.date(2024, 1, 1)

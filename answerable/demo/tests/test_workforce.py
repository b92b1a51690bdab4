import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from answerable.audit.models import AuditEvent
from answerable.demo.workforce import COURSE_CODE, seed_workforce
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.workforce import coverage
from answerable.workforce.models import Snapshot, StaffRecord

LATEST = datetime.date(2025, 6, 30)


def test_the_demo_force_loses_coverage_with_length_of_service(force, force_lead):
    result = seed_workforce(force=force, staff=800, months=3, latest=LATEST)
    assert result.created
    assert [s.taken_on for s in result.snapshots] == [
        datetime.date(2025, 4, 30),
        datetime.date(2025, 5, 31),
        LATEST,
    ]
    assert AuditEvent.objects.filter(action="workforce.snapshot_imported").count() == 3
    summary = coverage.coverage_summary(course=result.course, snapshot=result.snapshots[-1])
    bands = {c.key: c.percent for c in summary.by_dimension["service_band"]}
    assert bands["under_2"] > bands["5_to_10"] > bands["20_plus"]
    assert summary.below_target[0].percent < summary.overall.percent
    trend = coverage.coverage_trend(course=result.course)
    assert trend[-1].percent > trend[0].percent


def test_seeding_again_adds_nothing(force, force_lead):
    seed_workforce(force=force, staff=200, months=2, latest=LATEST)
    counts = (Snapshot.objects.count(), StaffRecord.objects.count())
    again = seed_workforce(force=force, staff=200, months=2, latest=LATEST)
    assert not again.created
    assert (Snapshot.objects.count(), StaffRecord.objects.count()) == counts


def test_the_same_seed_gives_the_same_workforce(force, force_lead):
    other = OrganisationFactory(kind=Organisation.Kind.POLICE_FORCE)
    member(other, Membership.Role.LEAD_OFFICER)
    first = seed_workforce(force=force, staff=100, months=1, latest=LATEST)
    second = seed_workforce(force=other, staff=100, months=1, latest=LATEST)
    assert first.snapshots[0].roster_sha256 == second.snapshots[0].roster_sha256


@pytest.mark.django_db
def test_the_command_seeds_the_west_mercia_force():
    force = OrganisationFactory(name="West Mercia Police", kind=Organisation.Kind.POLICE_FORCE)
    OrganisationFactory(name="A Police", kind=Organisation.Kind.POLICE_FORCE)
    member(force, Membership.Role.LEAD_OFFICER)
    out = StringIO()
    call_command("seed_demo_workforce", "--staff", "150", "--months", "2", stdout=out)
    assert "West Mercia Police: 2 snapshots" in out.getvalue()
    assert force.courses.get().code == COURSE_CODE
    call_command("seed_demo_workforce", "--staff", "150", stdout=out)
    assert "nothing was added" in out.getvalue()


@pytest.mark.django_db
def test_the_command_explains_what_is_missing():
    with pytest.raises(CommandError, match="Run manage.py seed_demo first"):
        call_command("seed_demo_workforce")

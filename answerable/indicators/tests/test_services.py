import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from answerable.audit.models import AuditEvent
from answerable.audit.testing import audited
from answerable.indicators import services
from answerable.indicators.models import Indicator, IndicatorValue
from answerable.indicators.tests.factories import IndicatorFactory
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member

Role = Membership.Role
MARCH = datetime.date(2025, 3, 1)


def _definition(**overrides):
    fields = {
        "name": "Children missing from home",
        "definition": "Episodes of children reported missing from home.",
        "counting_rules": "Each episode counts once.",
        "unit": Indicator.Unit.COUNT,
        "direction": Indicator.Direction.LOWER_IS_BETTER,
        "frequency": Indicator.Frequency.MONTHLY,
        "theme": Indicator.Theme.VICTIMS,
        "source_system": "Niche RMS",
        "target_value": Decimal(40),
        "target_on": datetime.date(2026, 3, 31),
        "is_publishable": True,
        "disclosure_threshold": 5,
    }
    return {**fields, **overrides}


@pytest.fixture
def indicator(force, office):
    return IndicatorFactory(owner=force, office=office)


# --- indicator_create ------------------------------------------------------------------


def test_a_scrutiny_officer_defines_an_indicator_for_a_partner_in_the_area(
    scrutiny_officer, force, office
):
    indicator = services.indicator_create(actor=scrutiny_officer, owner=force, **_definition())
    assert (indicator.owner, indicator.office) == (force, office)
    event = AuditEvent.objects.get(action="indicator.created")
    assert event.target_id == str(indicator.pk)
    assert event.organisation_id == force.pk
    assert event.changes["owner"] == [None, force.name]
    assert event.changes["target_value"] == [None, "40"]


def test_an_office_defines_an_indicator_of_its_own(scrutiny_officer, office):
    indicator = services.indicator_create(actor=scrutiny_officer, owner=office, **_definition())
    assert indicator.office == office
    assert audited("indicator.created", target=indicator).actor == scrutiny_officer


def test_an_administrator_of_the_office_defines_indicators(office, force):
    admin = member(office, Role.ADMINISTRATOR)
    indicator = services.indicator_create(actor=admin, owner=force, **_definition())
    assert Indicator.objects.filter(owner=force).exists()
    assert audited("indicator.created", target=indicator).organisation == force


@pytest.mark.parametrize("role", [Role.LEAD_OFFICER, Role.VIEWER])
def test_others_in_the_office_cannot_define_indicators(office, force, role):
    with pytest.raises(PermissionDenied):
        services.indicator_create(actor=member(office, role), owner=force, **_definition())
    assert not Indicator.objects.exists()
    assert not AuditEvent.objects.filter(action="indicator.created").exists()


def test_a_lead_officer_of_the_owner_cannot_define_indicators(force_lead, force):
    with pytest.raises(PermissionDenied):
        services.indicator_create(actor=force_lead, owner=force, **_definition())


def test_another_offices_scrutiny_officer_cannot_define_indicators_here(force):
    elsewhere = OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE)
    with pytest.raises(PermissionDenied):
        services.indicator_create(
            actor=member(elsewhere, Role.SCRUTINY_OFFICER), owner=force, **_definition()
        )


def test_an_owner_outside_any_area_is_refused(scrutiny_officer):
    stray = OrganisationFactory(kind=Organisation.Kind.POLICE_FORCE)
    with pytest.raises(ValidationError) as error:
        services.indicator_create(actor=scrutiny_officer, owner=stray, **_definition())
    assert "not in a PCC's area" in error.value.message_dict["owner"][0]


def test_a_second_indicator_of_the_same_name_for_one_owner_is_refused(scrutiny_officer, force):
    services.indicator_create(actor=scrutiny_officer, owner=force, **_definition())
    with pytest.raises(ValidationError) as error:
        services.indicator_create(
            actor=scrutiny_officer, owner=force, **_definition(name="children MISSING from home")
        )
    assert "already has an indicator" in error.value.message_dict["name"][0]
    assert Indicator.objects.count() == 1
    assert AuditEvent.objects.filter(action="indicator.created").count() == 1


# --- indicator_update ------------------------------------------------------------------


def test_changing_the_definition_is_audited_with_what_changed(scrutiny_officer, indicator):
    updated = services.indicator_update(
        actor=scrutiny_officer,
        indicator=indicator,
        expected_version=indicator.version,
        name="Renamed",
        target_value=Decimal(12),
    )
    assert (updated.name, updated.target_value, updated.version) == ("Renamed", 12, 2)
    event = AuditEvent.objects.get(action="indicator.updated")
    assert set(event.changes) == {"name", "target_value"}


def test_an_update_from_an_old_version_is_refused(scrutiny_officer, indicator):
    with pytest.raises(ValidationError):
        services.indicator_update(
            actor=scrutiny_officer, indicator=indicator, expected_version=99, name="Late"
        )
    indicator.refresh_from_db()
    assert indicator.name != "Late"
    assert not AuditEvent.objects.filter(action="indicator.updated").exists()


def test_the_unit_cannot_change_once_a_value_is_recorded(scrutiny_officer, force_lead, indicator):
    services.indicator_value_record(
        actor=force_lead, indicator=indicator, period_start=MARCH, value=Decimal(3)
    )
    with pytest.raises(ValidationError) as error:
        services.indicator_update(
            actor=scrutiny_officer,
            indicator=indicator,
            expected_version=indicator.version,
            unit=Indicator.Unit.PERCENTAGE,
        )
    assert "unit" in error.value.message_dict
    indicator.refresh_from_db()
    assert indicator.unit == Indicator.Unit.COUNT


def test_the_owners_lead_officer_cannot_change_the_definition(force_lead, indicator):
    with pytest.raises(PermissionDenied):
        services.indicator_update(
            actor=force_lead, indicator=indicator, expected_version=1, name="Mine"
        )


# --- indicator_value_record ------------------------------------------------------------


def test_the_owners_lead_officer_records_a_month(force_lead, indicator):
    value = services.indicator_value_record(
        actor=force_lead, indicator=indicator, period_start=MARCH, value=Decimal("12.5")
    )
    assert (value.period_start, value.value, value.revises) == (MARCH, Decimal("12.5"), None)
    event = AuditEvent.objects.get(action="indicator_value.recorded")
    assert event.organisation_id == indicator.owner_id
    assert event.changes["value"] == [None, "12.5"]
    assert event.changes["period_start"] == [None, "2025-03-01"]


def test_the_offices_scrutiny_officer_records_values_too(scrutiny_officer, indicator):
    value = services.indicator_value_record(
        actor=scrutiny_officer, indicator=indicator, period_start=MARCH, value=Decimal(1)
    )
    assert IndicatorValue.objects.count() == 1
    assert audited("indicator_value.recorded", target=value).actor == scrutiny_officer


@pytest.mark.parametrize(
    "who", ["council_lead", "force_viewer", "office_viewer", "office_lead", "other_scrutiny"]
)
def test_no_one_else_records_values(request, indicator, force, office, who):
    users = {
        "council_lead": lambda: request.getfixturevalue("council_lead"),
        "force_viewer": lambda: member(force, Role.VIEWER),
        "office_viewer": lambda: member(office, Role.VIEWER),
        "office_lead": lambda: member(office, Role.LEAD_OFFICER),
        "other_scrutiny": lambda: member(
            OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE), Role.SCRUTINY_OFFICER
        ),
    }
    with pytest.raises(PermissionDenied):
        services.indicator_value_record(
            actor=users[who](), indicator=indicator, period_start=MARCH, value=Decimal(1)
        )
    assert not IndicatorValue.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="indicator_value.").exists()


@pytest.mark.parametrize(
    ("frequency", "period"),
    [
        (Indicator.Frequency.MONTHLY, datetime.date(2025, 3, 2)),
        (Indicator.Frequency.QUARTERLY, datetime.date(2025, 2, 1)),
        (Indicator.Frequency.QUARTERLY, datetime.date(2025, 4, 15)),
    ],
)
def test_a_period_not_aligned_to_the_frequency_is_refused(force_lead, indicator, frequency, period):
    indicator.frequency = frequency
    indicator.save()
    with pytest.raises(ValidationError) as error:
        services.indicator_value_record(
            actor=force_lead, indicator=indicator, period_start=period, value=Decimal(1)
        )
    assert "period_start" in error.value.message_dict
    assert not IndicatorValue.objects.exists()


def test_a_quarter_is_recorded_on_its_first_day(force_lead, indicator):
    indicator.frequency = Indicator.Frequency.QUARTERLY
    indicator.save()
    value = services.indicator_value_record(
        actor=force_lead, indicator=indicator, period_start=datetime.date(2025, 4, 1), value=1
    )
    assert value.period_start == datetime.date(2025, 4, 1)
    event = audited("indicator_value.recorded", target=value)
    assert event.changes["period_start"] == [None, "2025-04-01"]


def test_a_period_that_has_not_begun_is_refused(force_lead, indicator):
    next_year = datetime.date(timezone.localdate().year + 1, 1, 1)
    with pytest.raises(ValidationError) as error:
        services.indicator_value_record(
            actor=force_lead, indicator=indicator, period_start=next_year, value=Decimal(1)
        )
    assert "period_start" in error.value.message_dict


def test_recording_over_a_value_without_a_reason_is_refused(force_lead, indicator):
    services.indicator_value_record(
        actor=force_lead, indicator=indicator, period_start=MARCH, value=Decimal(12)
    )
    with pytest.raises(ValidationError) as error:
        services.indicator_value_record(
            actor=force_lead, indicator=indicator, period_start=MARCH, value=Decimal(14)
        )
    assert error.value.message_dict["reason"] == [
        "March 2025 already has a value of 12. Enter why it is being changed"
    ]
    assert IndicatorValue.objects.count() == 1
    assert not AuditEvent.objects.filter(action="indicator_value.revised").exists()


def test_recording_over_a_value_with_a_reason_adds_a_revision(force_lead, indicator):
    first = services.indicator_value_record(
        actor=force_lead, indicator=indicator, period_start=MARCH, value=Decimal(12)
    )
    second = services.indicator_value_record(
        actor=force_lead,
        indicator=indicator,
        period_start=MARCH,
        value=Decimal(14),
        reason="Two late referrals",
    )
    third = services.indicator_value_record(
        actor=force_lead,
        indicator=indicator,
        period_start=MARCH,
        value=Decimal(13),
        reason="One was a duplicate",
    )
    first.refresh_from_db()
    assert first.value == 12  # never overwritten
    assert (second.revises, third.revises) == (first, second)
    current = IndicatorValue.objects.filter(indicator=indicator, revised_by__isnull=True)
    assert list(current) == [third]
    event = AuditEvent.objects.filter(action="indicator_value.revised").latest("pk")
    assert event.changes["value"] == ["14.0000", "13"]
    assert event.note == "One was a duplicate"


def test_recording_the_same_value_again_is_refused(force_lead, indicator):
    services.indicator_value_record(
        actor=force_lead, indicator=indicator, period_start=MARCH, value=Decimal(12)
    )
    with pytest.raises(ValidationError) as error:
        services.indicator_value_record(
            actor=force_lead,
            indicator=indicator,
            period_start=MARCH,
            value=Decimal("12.0"),
            reason="Again",
        )
    assert "value" in error.value.message_dict


def test_an_archived_indicator_takes_no_values(force_lead, indicator):
    indicator.is_archived = True
    indicator.save()
    with pytest.raises(ValidationError):
        services.indicator_value_record(
            actor=force_lead, indicator=indicator, period_start=MARCH, value=Decimal(1)
        )
    assert not IndicatorValue.objects.exists()

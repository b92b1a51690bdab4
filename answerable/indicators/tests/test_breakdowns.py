"""Breakdowns: defining them, and recording and revising each category's figures."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from answerable.audit.models import AuditEvent
from answerable.indicators import breakdown_selectors, breakdowns, services
from answerable.indicators.models import (
    IndicatorBreakdown,
    IndicatorCategory,
    IndicatorCategoryValue,
)
from answerable.indicators.tests.factories import IndicatorFactory, breakdown_of, category_values

AREAS = ["Telford and Wrekin", "Shropshire", "Herefordshire"]
MARCH = datetime.date(2025, 3, 1)


@pytest.fixture
def indicator(force, office):
    return IndicatorFactory(owner=force, office=office, name="CSE referrals")


@pytest.fixture
def areas(indicator):
    return breakdown_of(indicator, AREAS)


def _categories(breakdown):
    return list(breakdown.categories.order_by("position").values_list("name", flat=True))


def _ids(breakdown):
    return {c.name: c.pk for c in breakdown.categories.all()}


# --- defining ------------------------------------------------------------------------------


def test_a_scrutiny_officer_breaks_an_indicator_down_into_categories_in_order(
    indicator, scrutiny_officer
):
    breakdown = breakdowns.indicator_breakdown_create(
        actor=scrutiny_officer,
        indicator=indicator,
        name=" Local policing area ",
        categories=["Telford and Wrekin", "", " Shropshire "],
    )
    assert breakdown.name == "Local policing area"
    assert _categories(breakdown) == ["Telford and Wrekin", "Shropshire"]
    event = AuditEvent.objects.get(action="indicator_breakdown.created")
    assert event.changes["categories"] == [None, ["Telford and Wrekin", "Shropshire"]]
    assert event.organisation_id == indicator.owner_id


def test_the_owner_cannot_define_breakdowns(indicator, force_lead):
    with pytest.raises(PermissionDenied):
        breakdowns.indicator_breakdown_create(
            actor=force_lead, indicator=indicator, name="Area", categories=AREAS
        )
    assert not IndicatorBreakdown.objects.exists()


@pytest.mark.parametrize(
    ("name", "categories", "message"),
    [
        ("", AREAS, "Enter what the figures are broken down by"),
        ("Area", ["Telford"], "Give between 2 and 50 categories, one a line"),
        ("Area", [f"Area {n}" for n in range(51)], "Give between 2 and 50 categories"),
        ("Area", ["Telford", "telford"], "telford is given twice"),
        ("Area", ["x" * 101, "y"], "Each category must be 100 characters or fewer"),
        ("Local policing area", AREAS, "CSE referrals is already broken down by Local"),
    ],
)
def test_a_bad_breakdown_is_refused_and_nothing_is_written(
    areas, indicator, scrutiny_officer, name, categories, message
):
    with pytest.raises(ValidationError) as raised:
        breakdowns.indicator_breakdown_create(
            actor=scrutiny_officer, indicator=indicator, name=name, categories=categories
        )
    assert message in " ".join(raised.value.messages)
    assert IndicatorBreakdown.objects.count() == 1
    assert not AuditEvent.objects.filter(action="indicator_breakdown.created").exists()


def test_categories_are_renamed_swapped_removed_and_added(areas, scrutiny_officer):
    ids = _ids(areas)
    breakdowns.indicator_breakdown_update(
        actor=scrutiny_officer,
        breakdown=areas,
        name="LPA",
        renamed={
            ids["Telford and Wrekin"]: "Shropshire",
            ids["Shropshire"]: "Telford and Wrekin",
            ids["Herefordshire"]: "",
        },
        added=["North Worcestershire"],
    )
    areas.refresh_from_db()
    assert areas.name == "LPA"
    assert _categories(areas) == ["Shropshire", "Telford and Wrekin", "North Worcestershire"]
    event = AuditEvent.objects.get(action="indicator_breakdown.updated")
    assert event.changes["name"] == ["Local policing area", "LPA"]
    assert event.changes["categories"] == [
        AREAS,
        ["Shropshire", "Telford and Wrekin", "North Worcestershire"],
    ]


def test_a_category_with_figures_cannot_be_removed(areas, scrutiny_officer):
    herefordshire = areas.categories.get(name="Herefordshire")
    category_values(herefordshire, MARCH, [4])
    with pytest.raises(ValidationError) as raised:
        breakdowns.indicator_breakdown_update(
            actor=scrutiny_officer,
            breakdown=areas,
            name=areas.name,
            renamed={herefordshire.pk: ""},
            added=[],
        )
    assert "Herefordshire has figures recorded, so it cannot be removed" in str(raised.value)
    assert _categories(areas) == AREAS


# --- recording -----------------------------------------------------------------------------


def _record(actor, breakdown, values, reason="", period=MARCH):
    ids = _ids(breakdown)
    return breakdowns.indicator_category_values_record(
        actor=actor,
        breakdown=breakdown,
        period_start=period,
        values={ids[name]: None if v is None else Decimal(v) for name, v in values.items()},
        reason=reason,
    )


def test_the_owner_records_a_figure_for_each_category(areas, force_lead):
    written = _record(force_lead, areas, {"Telford and Wrekin": 12, "Shropshire": 7})
    assert len(written) == 2
    assert sorted(IndicatorCategoryValue.objects.values_list("value", flat=True)) == [7, 12]
    events = AuditEvent.objects.filter(action="indicator_category_value.recorded")
    assert events.count() == 2
    assert {e.changes["category"][1] for e in events} == {"Telford and Wrekin", "Shropshire"}
    assert events.first().changes["period_start"] == [None, "2025-03-01"]


def test_a_changed_figure_is_kept_beside_the_one_it_revises(areas, force_lead):
    _record(force_lead, areas, {"Telford and Wrekin": 12, "Shropshire": 7})
    _record(force_lead, areas, {"Telford and Wrekin": 14, "Shropshire": 7}, reason="Late cases")
    telford = areas.categories.get(name="Telford and Wrekin")
    history = breakdown_selectors.category_value_history(category=telford)
    assert [(p.current.value, [r.value for r in p.replaced]) for p in history] == [(14, [12])]
    assert history[0].current.reason == "Late cases"
    revised = AuditEvent.objects.get(action="indicator_category_value.revised")
    assert revised.changes["value"] == ["12.0000", "14"]
    # Shropshire's unchanged figure was left alone: one original, no revision.
    assert IndicatorCategoryValue.objects.filter(category__name="Shropshire").count() == 1


def test_a_revision_without_a_reason_writes_nothing_at_all(areas, force_lead):
    _record(force_lead, areas, {"Telford and Wrekin": 12})
    with pytest.raises(ValidationError) as raised:
        _record(force_lead, areas, {"Telford and Wrekin": 13, "Shropshire": 5})
    assert "Telford and Wrekin already has 12 for March 2025. Enter why it is being changed" in (
        str(raised.value)
    )
    assert IndicatorCategoryValue.objects.count() == 1  # Shropshire's figure was not written


@pytest.mark.parametrize(
    ("values", "period", "message"),
    [
        ({"Shropshire": None}, MARCH, "Enter at least one figure for March 2025"),
        ({"Shropshire": 5}, datetime.date(2025, 3, 2), "Select the month the figure is for"),
        ({"Shropshire": 5}, datetime.date(2999, 1, 1), "The period must have started already"),
    ],
)
def test_bad_figures_are_refused(areas, force_lead, values, period, message):
    with pytest.raises(ValidationError) as raised:
        _record(force_lead, areas, values, period=period)
    assert message in str(raised.value)
    assert not IndicatorCategoryValue.objects.exists()


def test_only_those_who_record_the_total_record_the_categories(areas, council_lead, office):
    with pytest.raises(PermissionDenied):
        _record(council_lead, areas, {"Shropshire": 5})
    assert not IndicatorCategoryValue.objects.exists()


def test_a_category_of_another_breakdown_is_refused(areas, indicator, force_lead):
    ages = breakdown_of(indicator, ["Under 13", "13 to 17"], name="Age")
    with pytest.raises(ValidationError):
        breakdowns.indicator_category_values_record(
            actor=force_lead,
            breakdown=areas,
            period_start=MARCH,
            values={ages.categories.first().pk: Decimal(3)},
        )
    assert not IndicatorCategoryValue.objects.exists()


def test_an_archived_indicator_takes_no_more_category_figures(areas, indicator, force_lead):
    indicator.is_archived = True
    indicator.save()
    with pytest.raises(ValidationError):
        _record(force_lead, areas, {"Shropshire": 5})
    assert IndicatorCategory.objects.count() == 3
    assert not IndicatorCategoryValue.objects.exists()


def test_the_unit_is_fixed_once_a_category_has_figures(areas, indicator, scrutiny_officer):
    category_values(areas.categories.first(), MARCH, [4])
    with pytest.raises(ValidationError) as raised:
        services.indicator_update(
            actor=scrutiny_officer, indicator=indicator, expected_version=1, unit="percentage"
        )
    assert "The values already recorded were counted this way" in str(raised.value)

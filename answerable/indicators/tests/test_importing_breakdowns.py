"""Importing categories' figures: the breakdown column, its errors and revisions."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from answerable.audit.models import AuditEvent
from answerable.indicators import breakdown_selectors, importing
from answerable.indicators.models import IndicatorCategoryValue, IndicatorValue
from answerable.indicators.tests.factories import IndicatorFactory, breakdown_of, category_values
from answerable.indicators.tests.test_importing import _errors, _import, _table

AREAS = ["Telford and Wrekin", "Shropshire"]


@pytest.fixture
def indicator(force, office):
    return IndicatorFactory(owner=force, office=office, name="CSE referrals")


@pytest.fixture
def areas(indicator):
    return breakdown_of(indicator, AREAS)


def _figures(category):
    return {
        v.period_start.month: v.value
        for v in breakdown_selectors.category_current_value_list().filter(category=category)
    }


def test_a_file_gives_the_total_and_each_categorys_figure(force_lead, indicator, areas):
    plan = _import(
        force_lead,
        _table(
            ["", "CSE referrals", "2024-01", "30"],
            ["", "CSE referrals", "2024-01", "18", "telford  and wrekin"],
            ["", "CSE referrals", "2024-01", "12", "Local policing area: Shropshire", "Late"],
            ["", "CSE referrals", "2024-02", "", "Shropshire"],  # no figure: left out
        ),
    )
    assert (plan.recorded_count, plan.left_empty) == (3, 1)
    telford, shropshire = areas.categories.order_by("position")
    assert _figures(telford) == {1: Decimal(18)}
    assert _figures(shropshire) == {1: Decimal(12)}
    assert IndicatorCategoryValue.objects.get(category=shropshire).note == "Late"
    assert shropshire.summary.latest_value == Decimal(12)  # stored as the import wrote it
    assert IndicatorValue.objects.get().value == Decimal(30)
    indicator.summary.refresh_from_db()
    assert indicator.summary.latest_value == Decimal(30)  # the total's reading, refreshed
    event = AuditEvent.objects.get(action="indicator_value.imported")
    assert event.changes["recorded"] == [None, 3]


def test_a_category_figure_is_revised_only_with_a_reason(force_lead, areas):
    telford = areas.categories.get(name="Telford and Wrekin")
    category_values(telford, datetime.date(2024, 1, 1), [18])
    errors = _errors(
        force_lead, _table(["", "CSE referrals", "2024-01", "19", "Telford and Wrekin"])
    )
    assert errors == [
        "Row 2, Reason for a change: CSE referrals, Telford and Wrekin, January 2024 already "
        "has a figure of 18. Enter why it is being changed in the reason column"
    ]
    plan = _import(
        force_lead,
        _table(
            ["", "CSE referrals", "2024-01", "19", "Telford and Wrekin", "", "Recount"],
            ["", "CSE referrals", "2024-01", "18.0", "Shropshire"],
        ),
    )
    assert (plan.recorded_count, plan.revised_count) == (1, 1)
    history = breakdown_selectors.category_value_history(category=telford)
    assert [(p.current.value, [r.value for r in p.replaced]) for p in history] == [(19, [18])]
    assert history[0].current.reason == "Recount"
    telford.summary.refresh_from_db()  # read from the revision, not the figure it replaced
    assert telford.summary.latest_value == Decimal(19)


def test_the_same_category_figure_again_is_left_alone(force_lead, areas):
    category_values(areas.categories.get(name="Shropshire"), datetime.date(2024, 1, 1), [7])
    plan = _import(
        force_lead,
        _table(
            ["", "CSE referrals", "2024-01", "7.00", "Shropshire"],
            ["", "CSE referrals", "2024-01", "7"],  # the total is another figure
        ),
    )
    assert (plan.unchanged, plan.recorded_count) == (1, 1)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ["", "CSE referrals", "2024-01", "5", "Herefordshire"],
            "Row 3, Breakdown: CSE referrals has no category called Herefordshire. Its "
            "categories are: 13 to 17, Over 13, Shropshire, Telford and Wrekin, Under 13",
        ),
        (
            ["", "Unbroken", "2024-01", "5", "Shropshire"],
            "Row 3, Breakdown: Unbroken is not broken down, so there is no Shropshire. Leave "
            "the breakdown empty for the indicator's own figure",
        ),
        (
            ["", "CSE referrals", "2024-01", "5", "Under 13"],
            "Row 3, Breakdown: Under 13 is a category of more than one of CSE referrals's "
            "breakdowns. Write the breakdown too, like ",
        ),
        (
            ["", "CSE referrals", "2024-02", "5", "shropshire"],
            "Row 3, Period: Row 2 already gives the figure for CSE referrals, Shropshire, "
            "February 2024",
        ),
    ],
)
def test_a_bad_breakdown_is_named_by_row_and_nothing_is_written(
    force_lead, indicator, areas, row, message
):
    IndicatorFactory(owner=indicator.owner, office=indicator.office, name="Unbroken")
    breakdown_of(indicator, ["Under 13", "13 to 17"], name="Age")
    breakdown_of(indicator, ["Under 13", "Over 13"], name="Age at first referral")
    errors = _errors(force_lead, _table(["", "CSE referrals", "2024-02", "5", "Shropshire"], row))
    assert len(errors) == 1
    assert errors[0].startswith(message)
    assert not IndicatorCategoryValue.objects.exists()


def test_the_template_gives_a_row_for_each_category(indicator, areas):
    breakdown_of(indicator, ["Shropshire", "Elsewhere"], name="Home area")
    categories = breakdown_selectors.category_list(indicator_ids=[indicator.pk])
    _headers, rows = importing.template_rows([indicator], datetime.date(2025, 5, 20), categories)
    assert [row[4] for row in rows] == [
        "",  # the total
        "Home area: Shropshire",  # named with its breakdown: two have a Shropshire
        "Elsewhere",
        "Telford and Wrekin",
        "Local policing area: Shropshire",
    ]
    assert {row[2] for row in rows} == {"2025-04"}


def test_imported_category_rows_are_stored_as_the_orm_stores_them(force_lead, areas):
    """A category's figures are written with COPY or executemany, as the totals are: stored
    exactly as a figure saved through the ORM, on SQLite and PostgreSQL alike."""
    telford, shropshire = areas.categories.order_by("position")
    _import(
        force_lead,
        _table(["", "CSE referrals", "2024-01", "12.50", "Telford and Wrekin", 'Tab\t"q"']),
    )
    IndicatorCategoryValue.objects.create(
        category=shropshire,
        period_start=datetime.date(2024, 1, 1),
        value=Decimal("12.50"),
        note='Tab\t"q"',
        entered_by=force_lead,
    )

    def stored(pk):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT period_start, value, reason, note, entered_by_id, revises_id "  # noqa: S608
                f"FROM {IndicatorCategoryValue._meta.db_table} WHERE category_id = %s",
                [pk],
            )
            return [tuple((type(cell), cell) for cell in row) for row in cursor.fetchall()]

    assert stored(telford.pk) == stored(shropshire.pk)

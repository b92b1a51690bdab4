import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from answerable.audit.models import AuditEvent
from answerable.indicators import importing, services
from answerable.indicators.models import Indicator, IndicatorValue
from answerable.indicators.tests.factories import IndicatorFactory, IndicatorValueFactory
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member
from answerable.recommendations.tables import Table

HEADERS = ["code", "indicator", "period", "value", "breakdown", "note", "reason"]


def _table(*rows, headers=HEADERS):
    return Table(
        headers=list(headers),
        rows=[(n, list(row) + [""] * (len(headers) - len(row))) for n, row in enumerate(rows, 2)],
    )


@pytest.fixture
def indicator(force, office):
    return IndicatorFactory(owner=force, office=office, name="CSE referrals")


@pytest.fixture
def quarterly(force, office):
    return IndicatorFactory(
        owner=force, office=office, name="Joint visits", frequency=Indicator.Frequency.QUARTERLY
    )


def _import(user, table):
    return services.indicator_values_import(
        actor=user, table=table, file_name="figures.csv", file_sha256="ab" * 32
    )


def _errors(user, table):
    before = IndicatorValue.objects.count()
    with pytest.raises(importing.ImportInvalid) as raised:
        _import(user, table)
    assert IndicatorValue.objects.count() == before
    assert not AuditEvent.objects.filter(action="indicator_value.imported").exists()
    return [str(error) for error in raised.value.errors]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03", (2024, 3, False)),
        ("2024-03-01", (2024, 3, False)),
        ("03/2024", (2024, 3, False)),
        ("March 2024", (2024, 3, False)),
        ("mar-24", (2024, 3, False)),
        ("Sept 2024", (2024, 9, False)),
        ("2024 Q1", (2024, 1, True)),
        ("Q3 2024", (2024, 7, True)),
        ("2024-q4", (2024, 10, True)),
        ("January to March 2024", (2024, 1, True)),
        (datetime.date(2024, 3, 1), (2024, 3, False)),
    ],
)
def test_periods_are_read_in_the_ways_spreadsheets_write_them(text, expected):
    assert importing.read_period(text) == expected


@pytest.mark.parametrize(
    "text", ["2024-13", "2024 Q5", "Marchember 2024", "2024-03-15", "February to April 2024", "x"]
)
def test_other_text_is_not_a_period(text):
    with pytest.raises(ValueError):  # noqa: PT011 (the caller words the message)
        importing.read_period(text)


def test_the_owners_lead_imports_months_and_one_event_records_the_file(force_lead, indicator):
    plan = _import(
        force_lead,
        _table(
            [str(indicator.pk), "", "2024-01", "12", "", "From Niche"],
            ["", "cse referrals", "February 2024", "1,204"],
            ["", "CSE referrals", "2024-03", ""],  # no figure: left out
        ),
    )
    values = {v.period_start: v for v in IndicatorValue.objects.filter(indicator=indicator)}
    assert values[datetime.date(2024, 1, 1)].value == Decimal(12)
    assert values[datetime.date(2024, 1, 1)].note == "From Niche"
    assert values[datetime.date(2024, 2, 1)].value == Decimal(1204)
    assert len(values) == 2
    assert plan.left_empty == 1
    event = AuditEvent.objects.get(action="indicator_value.imported")
    assert event.actor == force_lead
    assert event.organisation == indicator.owner
    assert event.changes["recorded"] == [None, 2]
    assert event.changes["file_sha256"] == [None, "ab" * 32]
    assert len(event.changes["written_sha256"][1]) == 64
    assert AuditEvent.objects.filter(action__startswith="indicator_value").count() == 1


def test_a_changed_figure_with_a_reason_is_a_revision_and_the_old_one_is_kept(
    force_lead, indicator
):
    old = IndicatorValueFactory(indicator=indicator, period_start=datetime.date(2024, 1, 1))
    plan = _import(
        force_lead,
        _table(
            ["", "CSE referrals", "2024-01", "14", "", "", "Late referrals added"],
            ["", "CSE referrals", "2024-02", "9"],
        ),
    )
    assert (plan.recorded_count, plan.revised_count) == (1, 1)
    revision = IndicatorValue.objects.get(revises=old)
    assert revision.value == Decimal(14)
    assert revision.reason == "Late referrals added"
    old.refresh_from_db()
    assert old.value == Decimal(10)


def test_the_same_figure_again_is_left_alone(force_lead, indicator):
    IndicatorValueFactory(indicator=indicator, period_start=datetime.date(2024, 1, 1))
    plan = _import(
        force_lead,
        _table(["", "CSE referrals", "2024-01", "10.00"], ["", "CSE referrals", "2024-02", "9"]),
    )
    assert plan.unchanged == 1
    assert IndicatorValue.objects.count() == 2


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["", "CSE referrals", "2024-13", "5"], "Row 3, Period: 2024-13 is not a period"),
        (["", "CSE referrals", "2024 Q1", "5"], "Row 3, Period: CSE referrals is recorded monthly"),
        (["", "CSE referrals", "2150-01", "5"], "Row 3, Period: January 2150 has not begun yet"),
        (["", "CSE referrals", "2024-02", "lots"], "Row 3, Figure: The figure must be a number"),
        (["", "CSE referrals", "2024-02", "1.23456"], "Row 3, Figure: The figure must have 4"),
        (["", "Arrests", "2024-02", "5"], "Row 3, Indicator name: No indicator you record is"),
        (["999999", "", "2024-02", "5"], "Row 3, Indicator code: No indicator you record has"),
        (["", "", "2024-02", "5"], "Row 3, Indicator name: Enter the indicator's code or name"),
        (
            ["", "CSE referrals", "2024-02", "5", "West LPA"],
            "Row 3, Breakdown: CSE referrals is not broken down, so there is no West LPA",
        ),
        (
            ["", "CSE referrals", "2024-01", "5"],
            "Row 3, Period: Row 2 already gives the figure for CSE referrals, January 2024",
        ),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(force_lead, indicator, row, message):
    errors = _errors(force_lead, _table(["", "CSE referrals", "2024-01", "4"], row))
    assert len(errors) == 1
    assert errors[0].startswith(message), errors


def test_a_revision_without_a_reason_names_the_row(force_lead, indicator):
    IndicatorValueFactory(indicator=indicator, period_start=datetime.date(2024, 1, 1))
    errors = _errors(
        force_lead,
        _table(["", "CSE referrals", "2024-02", "9"], ["", "CSE referrals", "2024-01", "11"]),
    )
    assert errors == [
        "Row 3, Reason for a change: CSE referrals, January 2024 already has a figure of 10. "
        "Enter why it is being changed in the reason column"
    ]
    assert IndicatorValue.objects.count() == 1


def test_a_quarterly_indicator_takes_quarters_and_refuses_other_months(force_lead, quarterly):
    errors = _errors(force_lead, _table(["", "Joint visits", "2024-02", "3"]))
    assert errors[0].startswith("Row 2, Period: Joint visits is recorded quarterly")
    _import(
        force_lead,
        _table(["", "Joint visits", "2024 Q2", "3"], ["", "Joint visits", "2024-07", "4"]),
    )
    assert sorted(IndicatorValue.objects.values_list("period_start", flat=True)) == [
        datetime.date(2024, 4, 1),
        datetime.date(2024, 7, 1),
    ]


def test_missing_columns_are_named(force_lead, indicator):
    errors = _errors(force_lead, _table(["CSE referrals", "5"], headers=["indicator", "figure"]))
    assert errors == ["Row 1: Add a column called period to the header row"]


def test_a_name_two_indicators_share_needs_the_code(scrutiny_officer, indicator, council, office):
    IndicatorFactory(owner=council, office=office, name="CSE referrals")
    errors = _errors(scrutiny_officer, _table(["", "CSE referrals", "2024-01", "5"]))
    assert "More than one indicator you record is called CSE referrals" in errors[0]


def test_another_forces_lead_cannot_import_this_forces_figures(indicator, council_lead):
    with pytest.raises(PermissionDenied):
        _import(council_lead, _table(["", "CSE referrals", "2024-01", "5"]))
    IndicatorFactory(owner=council_lead.memberships.get().organisation, name="Own")
    errors = _errors(council_lead, _table([str(indicator.pk), "", "2024-01", "5"]))
    assert "No indicator you record has the code" in errors[0]


def test_a_viewer_records_nothing(force, indicator):
    viewer = member(force, Membership.Role.VIEWER)
    with pytest.raises(PermissionDenied):
        _import(viewer, _table(["", "CSE referrals", "2024-01", "5"]))


def test_the_office_imports_across_its_partners_in_one_event(
    scrutiny_officer, indicator, council, office
):
    other = IndicatorFactory(
        owner=council, office=office, name="Visits", unit=Indicator.Unit.PERCENTAGE
    )
    _import(
        scrutiny_officer,
        _table(
            [str(indicator.pk), "", "2024-01", "5"],
            [str(other.pk), "", "2024-01", "45%"],
        ),
    )
    event = AuditEvent.objects.get(action="indicator_value.imported")
    assert event.organisation == office
    assert IndicatorValue.objects.count() == 2


def test_the_template_lists_each_indicator_recorded(indicator, quarterly):
    headers, rows = importing.template_rows([indicator, quarterly], datetime.date(2025, 5, 20), [])
    assert headers[:4] == ["code", "indicator", "period", "value"]
    assert rows == [
        [str(indicator.pk), "CSE referrals", "2025-04", "", "", "", ""],
        [str(quarterly.pk), "Joint visits", "2025 Q1", "", "", "", ""],
    ]


def test_imported_rows_read_back_as_the_same_figures_entered_one_at_a_time(force_lead, indicator):
    """The import writes its rows itself (COPY or executemany): they must be stored exactly as
    the ORM stores a figure saved on its own, on SQLite and PostgreSQL alike."""
    old = IndicatorValueFactory(indicator=indicator, period_start=datetime.date(2024, 1, 1))
    awkward = 'Tab\there, back\\slash, new\nline, "quoted", \\N, Ünïcode, 25%'
    rows = [  # period, figure as written, the figure, note, reason
        ("2024-01", "14", Decimal(14), "", "Late referrals added"),
        ("2024-02", "1,204", Decimal(1204), awkward, ""),
        ("2024-03", "0.0001", Decimal("0.0001"), "", ""),
        ("2024-04", "-3.5", Decimal("-3.5"), "From Niche", ""),
        ("2024-05", "9999999999.9999", Decimal("9999999999.9999"), "", ""),
        ("2024-06", "12.50", Decimal("12.50"), "", ""),
    ]
    before = timezone.now()
    _import(
        force_lead,
        _table(*[["", "CSE referrals", p, text, "", note, why] for p, text, _, note, why in rows]),
    )
    after = timezone.now()
    imported = IndicatorValue.objects.filter(indicator=indicator).exclude(pk=old.pk)
    assert [
        (v.period_start, v.value, v.note, v.reason, v.revises_id, v.entered_by)
        for v in imported.order_by("period_start")
    ] == [
        (datetime.date(2024, n, 1), figure, note, why, old.pk if n == 1 else None, force_lead)
        for n, (_, _, figure, note, why) in enumerate(rows, 1)
    ]
    assert all(before <= v.created_at <= after for v in imported)

    # The same figures saved one by one through the ORM, for another indicator, are stored in
    # the very same form: compared as the database returns them, before Django converts them.
    other = IndicatorFactory(owner=indicator.owner, office=indicator.office, name="Other")
    for n, (_, _, figure, note, why) in enumerate(rows, 1):
        IndicatorValue.objects.create(
            indicator=other,
            period_start=datetime.date(2024, n, 1),
            value=figure,
            note=note,
            reason=why,
            entered_by=force_lead,
        )

    def stored(pk):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT period_start, value, reason, note, entered_by_id, created_at "  # noqa: S608
                f"FROM {IndicatorValue._meta.db_table} "
                "WHERE indicator_id = %s AND id <> %s ORDER BY period_start",
                [pk, old.pk],
            )
            return [
                (*((type(cell), cell) for cell in row[:-1]), type(row[-1]), row[-1].tzinfo)
                for row in cursor.fetchall()
            ]

    assert stored(indicator.pk) == stored(other.pk)

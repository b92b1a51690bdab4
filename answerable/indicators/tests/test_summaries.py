"""Stored readings and the theme page: every indicator's latest figure, judgements in words
and sparkline, one row each however many figures lie behind them."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from answerable.core.testing import sign_in
from answerable.indicators import services
from answerable.indicators.models import Indicator, IndicatorSummary
from answerable.indicators.tests.factories import IndicatorFactory, monthly_values
from answerable.indicators.tests.test_importing import _import, _table
from answerable.organisations.tests.factories import UserFactory

STEADY = [10, 12] * 8  # mean 11, limits 5.68 to 16.32
VICTIMS = reverse("indicators:indicator_theme", args=["victims"])


@pytest.fixture
def indicator(force, office):
    return IndicatorFactory(owner=force, office=office, name="CSE referrals", target_value=3)


def test_the_theme_page_lists_its_indicators_with_figure_line_and_judgements_in_words(
    client, indicator, office, scrutiny_officer
):
    monthly_values(indicator, datetime.date(2023, 1, 1), [*STEADY[:-1], 30])
    IndicatorFactory(owner=office, office=office, name="Intel logs", theme="intelligence")
    sign_in(client, scrutiny_officer)
    page = client.get(VICTIMS).content.decode()
    assert page.count("<h1") == 1
    assert "<title>Victims – Answerable</title>" in page
    assert "Intel logs" not in page
    row = page.split("CSE referrals")[1].split("</tr>")[0]
    assert "April 2024" in row
    assert ">30<" in row
    assert row.count("<polyline") == 1
    assert "16 figures from January 2023 to April 2024: lowest 10, highest 30, latest 30" in row
    assert '<strong class="govuk-tag">Improving</strong>' in row
    assert '<strong class="govuk-tag">Consistently passing</strong>' in row


def test_the_theme_page_costs_the_same_queries_however_many_indicators(
    client, indicator, office, scrutiny_officer
):
    monthly_values(indicator, datetime.date(2023, 1, 1), STEADY)
    sign_in(client, scrutiny_officer)
    with CaptureQueriesContext(connection) as one:
        client.get(VICTIMS)
    for n in range(4):
        more = IndicatorFactory(owner=office, office=office, name=f"Victims supported {n}")
        monthly_values(more, datetime.date(2023, 1, 1), STEADY)
    with CaptureQueriesContext(connection) as five:
        page = client.get(VICTIMS).content.decode()
    assert page.count("<polyline") == 5
    assert len(five) == len(one)


def test_an_unknown_theme_is_not_found_and_the_list_links_each_theme(
    client, indicator, scrutiny_officer
):
    sign_in(client, scrutiny_officer)
    assert client.get("/indicators/themes/weather/").status_code == 404
    page = client.get(reverse("indicators:indicator_list")).content.decode()
    assert f'<a class="govuk-link" href="{VICTIMS}">Victims</a>' in page


def test_another_areas_indicators_are_not_on_the_theme_page(client, indicator, council_lead):
    monthly_values(indicator, datetime.date(2023, 1, 1), STEADY)
    sign_in(client, council_lead)
    page = client.get(VICTIMS).content.decode()
    assert "CSE referrals" not in page
    assert "There are no indicators you can see in this theme." in page


def _stored(indicator):
    return IndicatorSummary.objects.get(indicator=indicator)


def test_the_reading_is_kept_as_figures_and_the_target_change(
    indicator, force_lead, scrutiny_officer
):
    monthly_values(indicator, datetime.date(2023, 1, 1), STEADY[:-1])
    assert _stored(indicator).assurance == "passing"  # a target of 3, below the limits
    services.indicator_value_record(
        actor=force_lead,
        indicator=indicator,
        period_start=datetime.date(2024, 4, 1),
        value=Decimal(30),
    )
    stored = _stored(indicator)
    assert (stored.latest_period, stored.latest_value) == (datetime.date(2024, 4, 1), 30)
    assert stored.variation == "improving"
    services.indicator_update(
        actor=scrutiny_officer, indicator=indicator, expected_version=1, target_value=Decimal(50)
    )
    assert _stored(indicator).assurance == "failing"
    _import(force_lead, _table(["", "CSE referrals", "2024-05", "11"]))
    stored = _stored(indicator)
    assert (stored.latest_value, stored.variation) == (11, "common_cause")


# --- the migration that stored the first readings ------------------------------------------


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_stores_the_reading_of_every_indicator_there_is(office, force):
    try:
        apps = _migrate([("indicators", "0004_indicator_agenda_link")])
        Indicator = apps.get_model("indicators", "Indicator")
        Value = apps.get_model("indicators", "IndicatorValue")
        user = UserFactory()
        indicators = [
            Indicator.objects.create(
                owner_id=force.pk,
                office_id=office.pk,
                name=name,
                definition="d",
                unit="count",
                direction="higher",
                frequency="monthly",
                theme="victims",
                created_by_id=user.pk,
            )  # fmt: skip
            for name in ("With figures", "Without")
        ]
        first = None
        for n, value in enumerate(STEADY):
            row = Value.objects.create(
                indicator=indicators[0],
                period_start=datetime.date(2023 + n // 12, n % 12 + 1, 1),
                value=value,
                entered_by_id=user.pk,
            )
            first = first or row
        Value.objects.create(
            indicator=indicators[0], period_start=first.period_start, value=11,
            revises=first, reason="Recount", entered_by_id=user.pk,
        )  # fmt: skip
        apps = _migrate([("indicators", "0005_indicator_summary")])
        Summary = apps.get_model("indicators", "IndicatorSummary")
        stored = {s.indicator.name: s for s in Summary.objects.select_related("indicator")}
        assert stored["With figures"].latest_value == 12
        assert stored["With figures"].recent_low == 10
        assert stored["With figures"].recent_count == 16
        assert stored["With figures"].variation == "common_cause"
        assert stored["Without"].latest_value is None
        assert stored["Without"].variation == "not_enough_data"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_missing_reading_shows_as_no_figures(client, indicator, scrutiny_officer):
    """An indicator made outside the services has no stored reading until its figures
    change: the list shows it with none rather than failing."""
    IndicatorSummary.objects.filter(indicator=indicator).delete()
    sign_in(client, scrutiny_officer)
    page = client.get(VICTIMS).content.decode()
    row = page.split("CSE referrals")[1].split("</tr>")[0]
    assert "No figures recorded" in row
    assert Indicator.objects.filter(pk=indicator.pk).exists()

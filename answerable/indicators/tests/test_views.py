import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from answerable.core.testing import sign_in
from answerable.indicators import services
from answerable.indicators.models import Indicator, IndicatorValue
from answerable.indicators.tests.factories import IndicatorFactory, monthly_values

STEADY = [10, 12] * 8  # mean 11, limits 5.68 to 16.32


@pytest.fixture
def indicator(force, office):
    return IndicatorFactory(
        owner=force, office=office, name="CSE referrals", target_value=Decimal(5)
    )


def _detail(client, indicator):
    return client.get(reverse("indicators:indicator_detail", args=[indicator.pk])).content.decode()


def test_the_indicator_page_draws_the_chart_and_the_table_with_the_judgements(
    client, indicator, scrutiny_officer
):
    monthly_values(indicator, datetime.date(2023, 1, 1), [*STEADY[:-1], 30])
    sign_in(client, scrutiny_officer)
    page = _detail(client, indicator)
    assert page.count("<h1") == 1
    assert 'role="img"' in page
    assert '<title id="xmr-title">CSE referrals: statistical process control chart' in page
    assert "style=" not in page.split('<svg class="app-xmr-chart"')[1].split("</svg>")[0]
    assert "<script" not in page.split("<main")[1].split("</main>")[0]
    assert (
        "Special cause variation, improving: the latest figure is above the upper process limit"
        in page
    )
    assert "Hit and miss: the target of 5 is within the process limits (3.61 to 20.64)" in page
    assert "April 2024" in page  # the last of 16 months from January 2023
    assert page.count("<circle") + page.count("<rect") == 16


def test_a_period_with_no_figure_breaks_the_line_rather_than_joining_its_neighbours(
    client, indicator, scrutiny_officer
):
    monthly_values(indicator, datetime.date(2024, 1, 1), [10, 12, 11])
    monthly_values(indicator, datetime.date(2024, 5, 1), [12, 10])  # April has no figure
    sign_in(client, scrutiny_officer)
    chart = _detail(client, indicator).split('<svg class="app-xmr-chart"')[1].split("</svg>")[0]
    assert chart.count("<polyline") == 2
    assert chart.count("<circle") == 5
    first, second = [
        line.split('points="')[1].split('"')[0] for line in chart.split("<polyline")[1:]
    ]
    assert (len(first.split()), len(second.split())) == (3, 2)


def test_too_few_figures_are_not_judged(client, indicator, force_lead):
    monthly_values(indicator, datetime.date(2025, 1, 1), [3, 4])
    sign_in(client, force_lead)
    page = _detail(client, indicator)
    assert "Not enough data to judge: 2 figures are recorded" in page
    assert "Not enough data to judge whether the target of 5 will be met" in page


def test_an_indicator_with_no_figures_says_so(client, indicator, force_lead):
    sign_in(client, force_lead)
    assert "No figures have been recorded yet." in _detail(client, indicator)


def test_the_owner_records_a_month_and_sees_it(client, indicator, force_lead):
    sign_in(client, force_lead)
    url = reverse("indicators:indicator_value_record", args=[indicator.pk])
    form_page = client.get(url).content.decode()
    assert '<option value="2025-03-01"' in form_page or "March" in form_page
    response = client.post(url, {"period_start": "2025-03-01", "value": "17"}, follow=True)
    page = response.content.decode()
    assert "March 2025 recorded: 17" in page
    assert "March 2025" in page.split('id="figures"')[1]


def test_a_second_figure_without_a_reason_names_the_reason_field(client, indicator, force_lead):
    services.indicator_value_record(
        actor=force_lead, indicator=indicator, period_start=datetime.date(2025, 3, 1), value=12
    )
    sign_in(client, force_lead)
    response = client.post(
        reverse("indicators:indicator_value_record", args=[indicator.pk]),
        {"period_start": "2025-03-01", "value": "14"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert 'href="#id_reason"' in page
    assert "March 2025 already has a value of 12. Enter why it is being changed" in page
    assert IndicatorValue.objects.count() == 1


def test_revisions_are_shown_on_request(client, indicator, force_lead):
    march = datetime.date(2025, 3, 1)
    services.indicator_value_record(
        actor=force_lead, indicator=indicator, period_start=march, value=12
    )
    services.indicator_value_record(
        actor=force_lead, indicator=indicator, period_start=march, value=14, reason="Late cases"
    )
    sign_in(client, force_lead)
    page = _detail(client, indicator)
    revisions = page.split('<details class="govuk-details" id="revisions">')[1]
    assert "1 revision" in revisions
    assert "Late cases" in revisions
    assert "(revised)" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"period_start": "2025-03-01", "value": "lots"}, "value", "The figure must be a number"),
        ({"period_start": "2025-03-01", "value": ""}, "value", "Enter the figure for the period"),
        ({"period_start": "1999-01-01", "value": "1"}, "period_start", "Select the period"),
    ],
)
def test_bad_figures_are_named_by_field(client, indicator, force_lead, data, field, message):
    sign_in(client, force_lead)
    response = client.post(reverse("indicators:indicator_value_record", args=[indicator.pk]), data)
    page = response.content.decode()
    assert f'href="#id_{field}"' in page
    assert message in page
    assert not IndicatorValue.objects.exists()


def test_the_list_groups_indicators_by_theme_with_the_latest_figure(
    client, indicator, office, scrutiny_officer
):
    IndicatorFactory(owner=office, office=office, name="Intel logs", theme="intelligence")
    monthly_values(indicator, datetime.date(2025, 1, 1), [3, 1234])
    sign_in(client, scrutiny_officer)
    page = client.get(reverse("indicators:indicator_list")).content.decode()
    assert page.index("Intelligence") < page.index("Intel logs") < page.index("Victims")
    assert "February 2025" in page
    assert "1,234" in page


def test_a_scrutiny_officer_adds_an_indicator(client, scrutiny_officer, force):
    sign_in(client, scrutiny_officer)
    response = client.post(
        reverse("indicators:indicator_create"),
        {
            "owner": force.pk,
            "name": "Disruption orders",
            "definition": "Child abduction warning notices and orders issued.",
            "theme": "perpetrators",
            "unit": "count",
            "direction": "higher",
            "frequency": "quarterly",
            "target_value": "",
            "disclosure_threshold": "5",
        },
    )
    indicator = Indicator.objects.get(name="Disruption orders")
    assert response.status_code == 302
    assert response["Location"] == indicator.get_absolute_url()
    assert indicator.frequency == "quarterly"


def test_adding_an_indicator_with_gaps_names_each_field(client, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    page = client.post(reverse("indicators:indicator_create"), {}).content.decode()
    for message in (
        "Select the organisation that owns the figures",
        "Enter the name of the indicator",
        "Select the theme",
        "Select whether higher or lower figures are better",
    ):
        assert message in page
    assert not Indicator.objects.exists()


def test_changing_a_definition_keeps_the_owner(client, indicator, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    url = reverse("indicators:indicator_update", args=[indicator.pk])
    assert "CSE referrals" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "expected_version": "1",
            "name": "CSE referrals to the hub",
            "definition": indicator.definition,
            "theme": "victims",
            "unit": "count",
            "direction": "higher",
            "frequency": "monthly",
            "target_value": "5",
            "disclosure_threshold": "5",
        },
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.name == "CSE referrals to the hub"
    assert indicator.version == 2


def test_the_list_shows_each_indicators_recent_line_and_variation_in_constant_queries(
    client, indicator, office, scrutiny_officer
):
    monthly_values(indicator, datetime.date(2022, 1, 1), [*STEADY, *STEADY[:-1], 30])
    sign_in(client, scrutiny_officer)
    url = reverse("indicators:indicator_list")
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    row = page.split("CSE referrals")[1].split("</tr>")[0]
    assert row.count("<polyline") == 1
    assert 'aria-hidden="true"' in row
    assert "24 figures from September 2022 to August 2024: lowest 10, highest 30, latest 30" in row
    assert '<strong class="govuk-tag">Improving</strong>' in row

    for n in range(3):
        more = IndicatorFactory(owner=office, office=office, name=f"Intel logs {n}")
        monthly_values(more, datetime.date(2025, 1, 1), [4])
    with CaptureQueriesContext(connection) as four:
        page = client.get(url).content.decode()
    assert len(four) == len(one)
    row = page.split("Intel logs 0")[1].split("</tr>")[0]
    assert "<polyline" not in row  # one figure draws no line
    assert "1 figure from January 2025 to January 2025: lowest 4, highest 4, latest 4" in row
    assert '<strong class="govuk-tag govuk-tag--grey">Not enough data</strong>' in row

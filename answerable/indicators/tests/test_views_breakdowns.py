"""The breakdown pages: the indicator page's categories, and the forms to define and record."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import post_forms_without_csrf, sign_in
from answerable.indicators import breakdowns
from answerable.indicators.models import IndicatorBreakdown, IndicatorCategoryValue
from answerable.indicators.tests.factories import (
    IndicatorFactory,
    breakdown_of,
    category_values,
    monthly_values,
)
from answerable.indicators.tests.test_authorisation import world  # noqa: F401 (a fixture)

STEADY = [10, 12] * 8
AREAS = ["Telford and Wrekin", "Shropshire"]


@pytest.fixture
def indicator(force, office):
    indicator = IndicatorFactory(owner=force, office=office, name="CSE referrals", target_value=40)
    monthly_values(indicator, datetime.date(2024, 1, 1), [40, 44] * 8)
    return indicator


@pytest.fixture
def areas(indicator):
    breakdown = breakdown_of(indicator, AREAS)
    telford, shropshire = breakdown.categories.order_by("position")
    category_values(telford, datetime.date(2024, 1, 1), [*STEADY[:-1], 30])
    category_values(shropshire, datetime.date(2024, 1, 1), [20, 22])
    return breakdown


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_indicator_page_lists_each_categorys_latest_figure_line_and_variation(
    client, indicator, areas, force_lead
):
    sign_in(client, force_lead)
    page = _get(client, indicator.get_absolute_url())
    table = page.split(f'id="breakdown-{areas.pk}"')[1].split("</table>")[0]
    telford = table.split("Telford and Wrekin</a>")[1].split("</tr>")[0]
    assert "April 2025" in telford
    assert ">30<" in telford
    assert "16 figures from January 2024 to April 2025: lowest 10, highest 30, latest 30" in telford
    assert '<strong class="govuk-tag">Improving</strong>' in telford
    shropshire = table.split("Shropshire</a>")[1].split("</tr>")[0]
    assert "Not enough data" in shropshire
    assert "The total is entered, not added up from the categories" in page
    # The lead officer records figures but does not define breakdowns.
    assert "Record figures by Local policing area" in page
    assert "Change the breakdown" not in page
    assert "Break the figures down" not in page


def test_a_category_asked_for_shows_its_chart_table_and_revisions(
    client, indicator, areas, force_lead
):
    telford = areas.categories.get(name="Telford and Wrekin")
    breakdowns.indicator_category_values_record(
        actor=force_lead,
        breakdown=areas,
        period_start=datetime.date(2025, 4, 1),
        values={telford.pk: 31},
        reason="Two late referrals",
    )
    sign_in(client, force_lead)
    page = _get(client, f"{indicator.get_absolute_url()}?category={telford.pk}")
    assert page.count('<svg class="app-xmr-chart"') == 2
    assert page.count('id="xmr-title"') == page.count('id="category-xmr-title"') == 1
    assert "CSE referrals, Telford and Wrekin: statistical process control chart" in page
    section = page.split('id="category"')[1]
    assert "Special cause variation, improving" in section
    assert "The target is for the total, so a category" in section
    figures = section.split('id="category-figures"')[1].split("</table>")[0]
    assert re.findall(r"cell--numeric\">([^<]*)<", figures)[0].startswith("31")
    revisions = section.split('id="category-revisions"')[1]
    assert "Two late referrals" in revisions


def test_a_category_of_another_indicator_is_not_shown(client, indicator, areas, force_lead):
    other = breakdown_of(IndicatorFactory(owner=indicator.owner, office=indicator.office), AREAS)
    sign_in(client, force_lead)
    page = _get(client, f"{indicator.get_absolute_url()}?category={other.categories.first().pk}")
    assert 'id="category"' not in page


def test_the_indicator_page_costs_the_same_queries_however_many_categories(
    client, indicator, areas, force_lead
):
    sign_in(client, force_lead)
    chosen = f"{indicator.get_absolute_url()}?category={areas.categories.first().pk}"
    with CaptureQueriesContext(connection) as two:
        _get(client, chosen)
    ages = breakdown_of(indicator, [f"Age {n}" for n in range(6)], name="Age group")
    for category in ages.categories.all():
        category_values(category, datetime.date(2024, 1, 1), [3, 4, 5])
    with CaptureQueriesContext(connection) as eight:
        page = _get(client, chosen)
    assert "Age 5" in page
    assert len(eight) == len(two)


def test_the_office_defines_a_breakdown_through_the_form(client, indicator, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    url = reverse("indicators:indicator_breakdown_create", args=[indicator.pk])
    page = client.post(url, {"name": "Area", "categories": "Telford"}).content.decode()
    assert "Error:" in page.split("</title>")[0]
    assert "Give between 2 and 50 categories, one a line" in page
    response = client.post(url, {"name": "Area", "categories": "Telford\r\n\r\nShropshire\r\n"})
    breakdown = IndicatorBreakdown.objects.get()
    assert response["Location"].endswith(f"#breakdown-{breakdown.pk}")
    assert [c.name for c in breakdown.categories.all()] == ["Telford", "Shropshire"]


def test_the_office_renames_and_adds_categories_through_the_form(client, areas, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    url = reverse("indicators:indicator_breakdown_update", args=[areas.indicator_id, areas.pk])
    page = _get(client, url)
    telford, shropshire = areas.categories.order_by("position")
    assert 'value="Telford and Wrekin"' in page
    response = client.post(
        url,
        {
            "name": "Local policing area",
            f"category_{telford.pk}": "Telford & Wrekin",
            f"category_{shropshire.pk}": "",  # has figures: refused
            "added": "Herefordshire",
        },
    )
    assert "Shropshire has figures recorded, so it cannot be removed" in response.content.decode()
    response = client.post(
        url,
        {
            "name": "Local policing area",
            f"category_{telford.pk}": "Telford & Wrekin",
            f"category_{shropshire.pk}": "Shropshire",
            "added": "Herefordshire",
        },
    )
    assert response.status_code == 302
    names = [c.name for c in areas.categories.order_by("position")]
    assert names == ["Telford & Wrekin", "Shropshire", "Herefordshire"]


def test_the_owner_records_a_period_for_each_category(client, areas, force_lead):
    telford, shropshire = areas.categories.order_by("position")
    url = reverse(
        "indicators:indicator_category_values_record", args=[areas.indicator_id, areas.pk]
    )
    sign_in(client, force_lead)
    page = _get(client, f"{url}?period=2024-02-01")
    assert '<h2 class="govuk-heading-m">February 2024</h2>' in page
    assert f'name="category_{shropshire.pk}" type="text" spellcheck="false" value="22"' in page
    response = client.post(
        url,
        {"period_start": "2024-02-01", f"category_{telford.pk}": "12",
         f"category_{shropshire.pk}": "25"},
    )  # fmt: skip
    page = response.content.decode()
    assert "Shropshire already has 22 for February 2024. Enter why it is being changed" in page
    assert IndicatorCategoryValue.objects.filter(period_start="2024-02-01").count() == 2
    response = client.post(
        url,
        {"period_start": "2024-02-01", f"category_{telford.pk}": "12",
         f"category_{shropshire.pk}": "25", "reason": "Recount"},
    )  # fmt: skip
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="indicator_category_value.revised").count() == 1
    assert IndicatorCategoryValue.objects.filter(period_start="2024-02-01").count() == 3


# --- who may do what ---------------------------------------------------------------------

SEE = {"office_scrutiny", "office_admin", "office_viewer", "force_lead", "force_viewer"}
# (url name, users answered 200; others who see the indicator get 403, the rest 404)
PAGES = [
    ("indicators:indicator_breakdown_create", {"office_scrutiny", "office_admin"}),
    ("indicators:indicator_breakdown_update", {"office_scrutiny", "office_admin"}),
    ("indicators:indicator_category_values_record", {"office_scrutiny", "force_lead"}),
]


@pytest.fixture
def breakdown_world(world):  # noqa: F811 (the fixture imported above)
    """test_authorisation's people and indicator, the indicator broken down."""
    users, objects = world
    return users, breakdown_of(objects["indicator"], AREAS)


def _url(name, breakdown):
    if name.endswith("create"):
        return reverse(name, args=[breakdown.indicator_id])
    return reverse(name, args=[breakdown.indicator_id, breakdown.pk])


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("name", "allowed"), PAGES)
def test_every_breakdown_page_answers_each_role_as_the_matrix_says(
    client, breakdown_world, name, allowed, method
):
    users, breakdown = breakdown_world
    url = _url(name, breakdown)
    for user_key, user in users.items():
        client.logout()
        sign_in(client, user)
        response = getattr(client, method)(url, {})
        wanted = 200 if user_key in allowed else 403 if user_key in SEE else 404
        assert response.status_code == wanted, f"{user_key} {method.upper()} {url}"
        if wanted == 200:
            assert post_forms_without_csrf(response.content.decode()) == 0
    client.logout()
    assert client.get(url).status_code == 302  # signed out: to sign in
    # An empty form writes nothing, whoever sends it.
    assert IndicatorBreakdown.objects.count() == 1
    assert not IndicatorCategoryValue.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="indicator").exists()

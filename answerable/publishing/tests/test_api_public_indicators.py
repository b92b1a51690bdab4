"""The public API's indicators: publishable ones only, small counts withheld, cheap to poll."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from answerable.core.testing import sign_in
from answerable.indicators import archiving, services
from answerable.indicators.models import Indicator
from answerable.indicators.tests.factories import IndicatorFactory, monthly_values

URL = "/public/api/v1/indicators/"


@pytest.fixture
def published(office, force):
    indicator = IndicatorFactory(
        owner=force,
        office=office,
        name="Children missing from care",
        is_publishable=True,
        disclosure_threshold=5,
        theme=Indicator.Theme.INTELLIGENCE,
    )
    monthly_values(indicator, datetime.date(2025, 1, 1), [12, 4, 9])
    return indicator


@pytest.fixture
def hidden(office, force):
    indicator = IndicatorFactory(owner=force, office=office, name="Intelligence submissions")
    monthly_values(indicator, datetime.date(2025, 1, 1), [41, 42, 43])
    return indicator


def test_anyone_reads_publishable_indicators_with_small_counts_withheld(client, published, hidden):
    response = client.get(URL)
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["id"], row["name"], row["organisation"]) == (
        published.pk,
        "Children missing from care",
        "Shire Police",
    )
    assert (row["unit"], row["better"], row["disclosure_threshold"]) == ("count", "higher", 5)
    assert row["values"] == [
        {"period_start": "2025-01-01", "value": "12", "value_text": "12"},
        {"period_start": "2025-02-01", "value": None, "value_text": "fewer than 5"},
        {"period_start": "2025-03-01", "value": "9", "value_text": "9"},
    ]
    assert "Intelligence submissions" not in response.content.decode()


def test_archived_indicators_and_revised_figures(client, published, scrutiny_officer, force_lead):
    services.indicator_value_record(
        actor=force_lead,
        indicator=published,
        period_start=datetime.date(2025, 3, 1),
        value=2,
        reason="Duplicates removed",
    )
    [row] = client.get(URL).json()["results"]
    assert row["values"][-1] == {
        "period_start": "2025-03-01",
        "value": None,
        "value_text": "fewer than 5",
    }
    archiving.indicator_archive(actor=scrutiny_officer, indicator=published, reason="Replaced")
    assert client.get(URL).json()["results"] == []


def test_filters_narrow_by_theme_and_organisation(client, published, council, office):
    IndicatorFactory(
        owner=council, office=office, is_publishable=True, theme=Indicator.Theme.PARTNERS
    )
    assert len(client.get(URL).json()["results"]) == 2
    [row] = client.get(URL, {"theme": "intelligence"}).json()["results"]
    assert row["id"] == published.pk
    [row] = client.get(URL, {"organisation": council.pk}).json()["results"]
    assert row["organisation"] == "Shire Council"


@pytest.mark.parametrize(
    "query", [{"theme": "weather"}, {"organisation": "1; DROP TABLE"}, {"cursor": "made-up"}]
)
def test_bad_filters_are_a_bad_request(client, published, query):
    response = client.get(URL, query)
    assert response.status_code == 400
    assert response.json()


def test_pages_are_linked_by_cursor_and_read_in_fixed_queries(
    client, published, force, office, django_assert_num_queries
):
    for _ in range(4):
        extra = IndicatorFactory(owner=force, office=office, is_publishable=True)
        monthly_values(extra, datetime.date(2025, 1, 1), [20, 21])
    # The page's indicators, then their figures.
    with django_assert_num_queries(2):
        first = client.get(URL, {"page_size": 3}).json()
    second = client.get(first["next"]).json()
    seen = [r["id"] for r in first["results"] + second["results"]]
    assert len(seen) == len(set(seen)) == 5


def test_polling_is_answered_not_modified_until_a_figure_changes(client, published, force_lead):
    first = client.get(URL)
    assert first["Last-Modified"]
    assert client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    services.indicator_value_record(
        actor=force_lead, indicator=published, period_start=datetime.date(2025, 4, 1), value=15
    )
    changed = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed.json()["results"][0]["values"][-1]["value"] == "15"


def test_the_indicators_share_the_public_apis_limit_per_address(published, settings):
    settings.PUBLIC_API_RATE = "2/min"
    client = Client(REMOTE_ADDR="198.51.100.9")
    assert client.get("/public/api/v1/recommendations/").status_code == 200
    assert client.get(URL).status_code == 200
    limited = client.get(URL)
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0


def test_the_indicators_are_in_the_openapi_schema(client, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    entry = schema["paths"]["/public/api/v1/indicators/"]["get"]
    assert {p["name"] for p in entry["parameters"]} >= {"theme", "organisation", "cursor"}
    assert "PublicIndicatorValue" in schema["components"]["schemas"]

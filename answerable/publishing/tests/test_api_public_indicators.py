"""The public API's indicators: publishable ones only, small counts withheld, cheap to poll."""

import csv
import datetime
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from answerable.core.testing import sign_in
from answerable.indicators import archiving, services
from answerable.indicators.models import Indicator, IndicatorCategoryValue
from answerable.indicators.tests.factories import (
    IndicatorFactory,
    breakdown_of,
    category_values,
    monthly_values,
)

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
    # The page's indicators, their figures, then their breakdowns: there are none.
    with django_assert_num_queries(3):
        first = client.get(URL, {"page_size": 3}).json()
    second = client.get(first["next"]).json()
    seen = [r["id"] for r in first["results"] + second["results"]]
    assert len(seen) == len(set(seen)) == 5
    # With breakdowns, their categories, their figures and when they last changed: three more
    # however many indicators, breakdowns and categories.
    for n, indicator in enumerate(Indicator.objects.all()):
        for name in ("Area", "Age group")[: n % 2 + 1]:
            category_values(
                breakdown_of(indicator, ["One", "Two"], name).categories.first(),
                datetime.date(2025, 1, 1),
                [20, 21],
            )
    with django_assert_num_queries(6):
        rows = client.get(URL, {"page_size": 5}).json()["results"]
    assert sum(len(row["breakdowns"]) for row in rows) == 7


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
    assert "PublicIndicatorBreakdown" in schema["components"]["schemas"]


# --- breakdowns: withheld as the public page and the downloads withhold them ---------------

LATEST = datetime.date(2025, 4, 1)


@pytest.fixture
def broken_down(office, force):
    """Totals 60 and 64 for 16 months; by area, 10 + 30 + 20 and 14 + 30 + 20, but for the
    latest month, where Telford has 3, Shropshire 11 and Herefordshire 50 of 64: Telford's 3
    is a small count, and Shropshire's 11 would give it back (64 - 11 - 50)."""
    indicator = IndicatorFactory(
        owner=force, office=office, name="Children missing", is_publishable=True
    )
    monthly_values(indicator, datetime.date(2024, 1, 1), [60, 64] * 8)
    telford, shropshire, herefordshire = breakdown_of(
        indicator, ["Telford", "Shropshire", "Herefordshire"]
    ).categories.order_by("position")
    category_values(telford, datetime.date(2024, 1, 1), [10, 14] * 7 + [10, 3])
    category_values(shropshire, datetime.date(2024, 1, 1), [30] * 15 + [11])
    category_values(herefordshire, datetime.date(2024, 1, 1), [20] * 15 + [50])
    return indicator


def _api_latest(client):
    [row] = client.get(URL).json()["results"]
    latest = {("", ""): row["values"][-1]}
    for breakdown in row["breakdowns"]:
        for category in breakdown["categories"]:
            latest[(breakdown["name"], category["name"])] = category["values"][-1]
    assert {figure["period_start"] for figure in latest.values()} == {"2025-04-01"}
    return {key: (figure["value"], figure["value_text"]) for key, figure in latest.items()}


def _csv_latest(client, indicator):
    url = reverse("public_indicators:one_data", args=[indicator.pk, "csv"])
    text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    return {
        (row["breakdown"], row["category"]): (row["value"] or None, row["value_text"])
        for row in rows
        if row["period_start"] == "2025-04-01"
    }


def _page_breakdown_cells(client, indicator):
    page = client.get(reverse("public_indicators:detail", args=[indicator.pk])).content.decode()
    table = page.split('id="breakdowns"')[1].split("</table>")[0]
    return re.findall(r"cell--numeric\">([^<]*)<", table)


def test_a_suppressed_small_cell_never_appears_in_the_api_csv_or_page(client, broken_down):
    area = "Local policing area"
    expected = {
        ("", ""): ("64", "64"),
        (area, "Telford"): (None, "fewer than 5"),
        (area, "Shropshire"): (None, "withheld"),
        (area, "Herefordshire"): ("50", "50"),
    }
    assert _api_latest(client) == expected
    assert _csv_latest(client, broken_down) == expected
    assert _page_breakdown_cells(client, broken_down) == ["fewer than 5", "withheld", "50"]
    # Neither the small count nor the figure that would give it back is anywhere in the API.
    body = client.get(URL).content.decode()
    assert '"3"' not in body
    assert '"11"' not in body
    # However the withheld 14 splits between Telford and Shropshire, the API says the same,
    # byte for byte (the CSV and the page: test_public_breakdowns.py).
    categories = {c.name: c for c in broken_down.breakdowns.get().categories.all()}
    for telford in (0, 4, 2):
        for name, value in (("Telford", telford), ("Shropshire", 14 - telford)):
            IndicatorCategoryValue.objects.filter(
                category=categories[name], period_start=LATEST
            ).update(value=value)
        assert client.get(URL).content.decode() == body


def test_a_total_that_would_give_a_small_count_back_is_withheld_in_the_api(client, office, force):
    """0 and 5 of 5: with 5 the least "withheld" can be, the total would give both back."""
    indicator = IndicatorFactory(owner=force, office=office, is_publishable=True)
    monthly_values(indicator, LATEST, [5])
    low, high = breakdown_of(indicator, ["North", "South"]).categories.order_by("position")
    category_values(low, LATEST, [0])
    category_values(high, LATEST, [5])
    latest = _api_latest(client)
    assert latest[("", "")][0] is None
    assert latest == _csv_latest(client, indicator)
    assert all(value is None for value, _text in latest.values())


def test_a_new_category_figure_changes_last_modified(client, broken_down, force_lead):
    first = client.get(URL)
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    breakdown = broken_down.breakdowns.get()
    IndicatorCategoryValue.objects.filter(category__breakdown=breakdown).update(
        created_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    )
    changed = client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert changed.status_code == 200
    assert changed["Last-Modified"] != first["Last-Modified"]

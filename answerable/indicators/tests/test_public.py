"""Public indicators: only publishable ones, and no count below the threshold anywhere."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from answerable.core.testing import held_etag
from answerable.indicators import disclosure
from answerable.indicators.models import Indicator, IndicatorValue
from answerable.indicators.tests.factories import IndicatorFactory, monthly_values

LIST = reverse("public_indicators:list")
# Sixteen months, enough to judge, every count at or above 20.
STEADY = [40, 44] * 8


@pytest.fixture
def published(force, office):
    return IndicatorFactory(
        owner=force,
        office=office,
        name="Children missing from care",
        is_publishable=True,
        disclosure_threshold=10,
    )


def _detail(client, indicator):
    response = client.get(reverse("public_indicators:detail", args=[indicator.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _svg(page):
    return page.split('<svg class="app-xmr-chart"')[1].split("</svg>")[0]


def _csv_rows(client, url):
    response = client.get(url)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _json_rows(client, url):
    return json.loads(client.get(url).content)["rows"]


def test_only_publishable_indicators_appear_anywhere_public(client, published, force, office):
    hidden = IndicatorFactory(owner=force, office=office, name="Internal intelligence count")
    archived = IndicatorFactory(
        owner=force, office=office, name="Old measure", is_publishable=True, is_archived=True
    )
    for indicator in (published, hidden, archived):
        monthly_values(indicator, datetime.date(2024, 1, 1), STEADY)
    page = client.get(LIST).content.decode()
    assert "Children missing from care" in page
    assert "Internal intelligence count" not in page
    assert "Old measure" not in page
    for indicator in (hidden, archived):
        assert (
            client.get(reverse("public_indicators:detail", args=[indicator.pk])).status_code == 404
        )
        assert (
            client.get(
                reverse("public_indicators:one_data", args=[indicator.pk, "csv"])
            ).status_code
            == 404
        )
    names = {
        row["indicator"]
        for row in _csv_rows(client, reverse("public_indicators:data", args=["csv"]))
    }
    assert names == {"Children missing from care"}
    names = {
        row["indicator"]
        for row in _json_rows(client, reverse("public_indicators:data", args=["json"]))
    }
    assert names == {"Children missing from care"}


def test_the_public_page_is_signed_out_govuk_with_chart_table_and_no_script(client, published):
    monthly_values(published, datetime.date(2024, 1, 1), STEADY)
    page = _detail(client, published)
    assert page.count("<h1") == 1
    assert "<script" not in page.split("<main")[1].split("</main>")[0]
    assert 'role="img"' in page
    assert 'id="figures"' in page
    assert "Common cause variation" in page
    assert "Sign in" in page  # the signed-out navigation
    assert "Open Government Licence" in page


def test_a_small_count_is_withheld_from_the_page_the_chart_and_every_download(client, published):
    monthly_values(published, datetime.date(2024, 1, 1), [*STEADY[:-1], 7])
    page = _detail(client, published)
    assert "fewer than 10" in page
    svg = _svg(page)
    assert not re.search(r">\s*7\s*<", svg)
    assert 'fill="#ffffff"' in svg  # drawn hollow, at the threshold
    # No mean or limits: with the others known, they would give the hidden count back.
    assert 'id="limits"' not in page
    assert "Not judged: 1 of the figures are counts below 10" in page
    table = page.split('id="figures"')[1].split("</table>")[0]
    assert re.findall(r"cell--numeric\">([^<]*)<", table)[0] == "fewer than 10"
    for kind in ("csv", "json"):
        url = reverse("public_indicators:one_data", args=[published.pk, kind])
        rows = _csv_rows(client, url) if kind == "csv" else _json_rows(client, url)
        last = rows[-1]
        assert last["period_start"] == "2025-04-01"
        assert last["value"] in ("", None)
        assert last["value_text"] == "fewer than 10"
        assert {row["value"] for row in rows[:-1]} == {"40", "44"}
    response = client.get(reverse("public_indicators:data", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert "7" not in cells
    assert 7 not in cells


@pytest.mark.parametrize("hidden", [0, 1, 5, 9, Decimal("9.5")])
def test_nothing_public_depends_on_the_withheld_count(client, published, hidden):
    """Whatever the small count is, every public output is the same, byte for byte."""
    monthly_values(published, datetime.date(2024, 1, 1), [*STEADY[:-1], 3])
    before = _public_outputs(client, published)
    IndicatorValue.objects.filter(period_start=datetime.date(2025, 4, 1)).update(value=hidden)
    assert _public_outputs(client, published) == before


def _public_outputs(client, indicator):
    outputs = [re.sub(r'nonce="[^"]*"', "", _detail(client, indicator))]
    for kind in ("csv", "json"):
        response = client.get(reverse("public_indicators:one_data", args=[indicator.pk, kind]))
        body = b"".join(response.streaming_content) if kind == "csv" else response.content
        outputs.append(re.sub(rb'"generated_at": "[^"]*"', b"", body))
        outputs.append(response["ETag"].encode())  # a tag must not give the count away either
    return outputs


@pytest.mark.parametrize(
    ("value", "threshold", "shown"),
    [
        (Decimal(0), 5, "fewer than 5"),
        (Decimal(4), 5, "fewer than 5"),
        (Decimal("4.9999"), 5, "fewer than 5"),
        (Decimal(5), 5, "5"),
        (Decimal(6), 5, "6"),
        (Decimal(1), 1, "1"),
        (Decimal(0), 1, "fewer than 1"),
        (Decimal(99), 100, "fewer than 100"),
        (Decimal(100), 100, "100"),
    ],
)
def test_counts_around_the_threshold(value, threshold, shown):
    indicator = IndicatorFactory.build(disclosure_threshold=threshold)
    figure = disclosure.public_figure(value, indicator)
    assert figure.text == shown
    assert figure.is_withheld == shown.startswith("fewer")


@pytest.mark.parametrize(
    "unit", [Indicator.Unit.PERCENTAGE, Indicator.Unit.DAYS, Indicator.Unit.RATE_PER_10000_CHILDREN]
)
def test_only_counts_are_withheld(unit):
    indicator = IndicatorFactory.build(unit=unit, disclosure_threshold=5)
    assert not disclosure.public_figure(Decimal(2), indicator).is_withheld


def test_text_in_the_downloads_is_formula_safe(client, force, office):
    indicator = IndicatorFactory(
        owner=force, office=office, name="=HYPERLINK(1)", is_publishable=True
    )
    monthly_values(indicator, datetime.date(2024, 1, 1), [12])
    rows = _csv_rows(client, reverse("public_indicators:data", args=["csv"]))
    assert rows[0]["indicator"] == "'=HYPERLINK(1)"


def test_an_unknown_format_is_not_found(client, published):
    assert client.get(reverse("public_indicators:data", args=["pdf"])).status_code == 404


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_a_download_already_held_is_not_sent_again_until_a_figure_is_added(client, published, kind):
    monthly_values(published, datetime.date(2024, 1, 1), STEADY)
    url = reverse("public_indicators:one_data", args=[published.pk, kind])
    held = held_etag(client, url)
    monthly_values(published, datetime.date(2025, 5, 1), [61])
    news = client.get(url, HTTP_IF_NONE_MATCH=held)
    assert news.status_code == 200
    assert news["ETag"] != held
    if kind == "json":
        assert {"2025-05-01"} <= {row["period_start"] for row in news.json()["rows"]}


def test_every_indicators_data_is_sent_again_when_another_indicator_is_published(
    client, published, force, office
):
    monthly_values(published, datetime.date(2024, 1, 1), STEADY)
    url = reverse("public_indicators:data", args=["json"])
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    added = IndicatorFactory(owner=force, office=office, name="Repeat victims", is_publishable=True)
    monthly_values(added, datetime.date(2024, 1, 1), STEADY)
    news = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert news.status_code == 200
    assert "Repeat victims" in {row["indicator"] for row in news.json()["rows"]}

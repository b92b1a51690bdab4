"""Open data (issue #14): every published row and nothing else, in CSV, XLSX and JSON."""

import csv
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from answerable.recommendations import selectors, services
from answerable.recommendations.tests.factories import RecommendationFactory, SourceFactory

HEADERS = [column for column, _description in selectors.OPEN_DATA_COLUMNS]


def csv_rows(path: str) -> list[dict[str, str]]:
    response = Client().get(path)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def published(scrutiny_officer, source, force_action, council_action, office):
    force_action.recommendation.text = '=HYPERLINK("https://evil.example")'
    force_action.recommendation.save()
    RecommendationFactory(source=source, reference="NO-ACTION")
    unpublished = SourceFactory(owner=office, title="Not yet published")
    RecommendationFactory(source=unpublished, reference="SECRET-1")
    return services.source_publish(actor=scrutiny_officer, source=source)


def test_the_whole_sites_csv_holds_each_published_action_and_nothing_else(
    published, force_action, council_action, force, council
):
    rows = csv_rows(reverse("publishing:open_data", args=["csv"]))
    assert list(rows[0]) == HEADERS
    assert sorted((r["reference"], r["organisation"]) for r in rows) == sorted(
        [
            (force_action.recommendation.reference, force.name),
            (council_action.recommendation.reference, council.name),
            ("NO-ACTION", ""),
        ]
    )
    assert {r["report_id"] for r in rows} == {str(published.pk)}
    assert all("SECRET" not in r["reference"] for r in rows)
    assert force_action.description not in str(rows)  # internal text stays internal
    # Formula-safe: the text leads with a quote so a spreadsheet shows it, never runs it.
    assert {r["recommendation"] for r in rows if r["organisation"]} == {
        '\'=HYPERLINK("https://evil.example")'
    }


def test_a_report_downloads_as_xlsx_and_json_with_the_same_rows(published):
    path = reverse("publishing:public_source_data", args=[published.pk, "xlsx"])
    response = Client().get(path)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    table = list(sheet.values)
    assert list(table[0]) == HEADERS
    body = Client().get(reverse("publishing:public_source_data", args=[published.pk, "json"]))
    data = body.json()
    assert data["licence"].startswith("https://www.nationalarchives.gov.uk/")
    assert data["columns"] == HEADERS
    assert len(data["rows"]) == len(table) - 1 == 3
    assert {row["report_id"] for row in data["rows"]} == {published.pk}


def test_withdrawn_or_never_published_reports_have_no_data(published, scrutiny_officer, office):
    never = SourceFactory(owner=office)
    for source in (never,):
        path = reverse("publishing:public_source_data", args=[source.pk, "csv"])
        assert Client().get(path).status_code == 404
    services.source_withdraw(actor=scrutiny_officer, source=published, reason="Error")
    assert csv_rows(reverse("publishing:open_data", args=["csv"])) == []
    path = reverse("publishing:public_source_data", args=[published.pk, "json"])
    assert Client().get(path).status_code == 404


def test_an_unknown_format_is_not_found_and_the_dictionary_names_every_column(db):
    assert Client().get(reverse("publishing:open_data", args=["exe"])).status_code == 404
    page = Client().get(reverse("publishing:open_data_dictionary")).content.decode()
    for column in HEADERS:
        assert f"<code>{column}</code>" in page
    assert "Open Government Licence" in page

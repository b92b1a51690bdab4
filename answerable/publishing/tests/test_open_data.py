"""Open data (issue #14): every published row and nothing else, in CSV, XLSX and JSON."""

import csv
import datetime
import io
import types

import openpyxl
import openpyxl.packaging.core
import pytest
from django.test import Client
from django.urls import reverse

from answerable.recommendations import selectors, services
from answerable.recommendations.models import Action, Recommendation
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


def _later_clock(monkeypatch):
    """Make openpyxl stamp the workbooks it writes from now on with a later creation time."""

    class Later(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.datetime(2031, 1, 1, tzinfo=tz)

    clock = types.SimpleNamespace(datetime=Later, timezone=datetime.timezone)
    monkeypatch.setattr(openpyxl.packaging.core, "datetime", clock)


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_a_download_already_held_is_not_sent_again(client, published, kind):
    path = reverse("publishing:public_source_data", args=[published.pk, kind])
    first = client.get(path)
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=60"
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    other = client.get(path, HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200


def test_the_same_data_has_the_same_etag_though_the_files_are_made_afresh(
    client, published, monkeypatch
):
    """JSON says when it was made and XLSX holds its creation time; neither moves the tag."""
    for kind in ("json", "xlsx"):
        path = reverse("publishing:open_data", args=[kind])
        first = client.get(path)
        _later_clock(monkeypatch)
        second = client.get(path)
        assert first.content != second.content, kind  # made afresh, at a different time
        assert second["ETag"] == first["ETag"], kind
        monkeypatch.undo()


def test_a_newly_published_report_is_sent_to_a_client_holding_the_old_data(
    client, published, scrutiny_officer, office
):
    path = reverse("publishing:open_data", args=["json"])
    first = client.get(path)
    later = SourceFactory(owner=office, title="Later inspection")
    RecommendationFactory(source=later, reference="LATER-1")
    services.source_publish(actor=scrutiny_officer, source=later)
    changed = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert "LATER-1" in {row["reference"] for row in changed.json()["rows"]}


def test_a_withdrawn_report_is_sent_to_a_client_holding_the_old_data(
    client, published, scrutiny_officer
):
    path = reverse("publishing:open_data", args=["csv"])
    first = client.get(path)
    services.source_withdraw(actor=scrutiny_officer, source=published, reason="Error")
    changed = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert b"".join(changed.streaming_content).decode("utf-8-sig").strip() == ",".join(HEADERS)


def test_the_downloads_give_no_date_so_asking_by_date_alone_is_sent_the_file(client, published):
    """Withdrawing a report leaves no newer row to date the change by, so no Last-Modified."""
    response = client.get(reverse("publishing:open_data", args=["json"]))
    assert "Last-Modified" not in response
    asked_by_date = client.get(
        reverse("publishing:open_data", args=["json"]),
        HTTP_IF_MODIFIED_SINCE="Fri, 01 Jan 2100 00:00:00 GMT",
    )
    assert asked_by_date.status_code == 200


def test_head_answers_with_the_downloads_etag(client, published):
    path = reverse("publishing:public_source_data", args=[published.pk, "xlsx"])
    head = client.head(path)
    assert head.status_code == 200
    assert head["ETag"] == client.get(path)["ETag"]
    assert client.head(path, HTTP_IF_NONE_MATCH=head["ETag"]).status_code == 304


def test_last_updated_is_the_day_in_the_uk_the_latest_change_was_made(
    published, force_action, council_action
):
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (British Summer Time).
    late_evening = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)
    earlier = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)
    Recommendation.objects.filter(pk=force_action.recommendation_id).update(updated_at=earlier)
    Action.objects.filter(pk=force_action.pk).update(updated_at=late_evening)
    Recommendation.objects.filter(reference="NO-ACTION").update(updated_at=late_evening)
    Action.objects.filter(pk=council_action.pk).update(updated_at=earlier)
    Recommendation.objects.filter(pk=council_action.recommendation_id).update(updated_at=earlier)
    rows = csv_rows(reverse("publishing:public_source_data", args=[published.pk, "csv"]))
    assert {(r["action_id"], r["last_updated"]) for r in rows} == {
        (str(force_action.pk), "2026-07-02"),  # the action changed after its recommendation
        (str(council_action.pk), "2026-06-01"),
        ("", "2026-07-02"),  # a recommendation with no action: its own change
    }

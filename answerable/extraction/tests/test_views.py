"""The report PDF pages: a scrutiny officer uploads a report, sees what was found and
downloads it as an import CSV; nobody else may; a bad file is named in an error."""

import csv
import html
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import post_forms_without_csrf, sign_in
from answerable.extraction.tests.helpers import html_pdf
from answerable.extraction.tests.layouts import layout
from answerable.recommendations.models import Recommendation, Source

UPLOAD = reverse("extraction:report_upload")
ITEMS = reverse("extraction:report_items")
CSV_URL = reverse("extraction:report_items_csv")


@pytest.fixture
def officer_client(client, scrutiny_officer):
    return sign_in(client, scrutiny_officer)


def upload(client, content: bytes, name: str = "hmicfrs.pdf"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize("url", [UPLOAD, ITEMS, CSV_URL])
def test_only_a_scrutiny_officer_may_use_the_pages(client, force_lead, url):
    sign_in(client, force_lead)
    assert client.get(url).status_code == 403


def test_signing_in_is_needed(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302
    assert "sign-in" in response["Location"]


def test_the_upload_page_has_one_heading_and_a_working_form(officer_client):
    page = officer_client.get(UPLOAD).content.decode()
    assert len(re.findall(r"<h1[ >]", page)) == 1
    assert "Recommendations from a report PDF" in page
    assert post_forms_without_csrf(page) == 0
    assert "up to 10.0\xa0MB and 500 pages" in html.unescape(page)


def test_an_upload_shows_each_item_found_and_offers_the_import_csv(officer_client):
    before = (Source.objects.count(), Recommendation.objects.count(), AuditEvent.objects.count())
    response = upload(officer_client, layout("hmicfrs").pdf)
    assert response.status_code == 302
    assert response["Location"] == ITEMS
    page = html.unescape(officer_client.get(ITEMS).content.decode())
    assert "Found in hmicfrs.pdf" in page
    assert "20 items found, under the source title “hmicfrs”." in page
    cells = re.findall(r'<td class="govuk-table__cell[^"]*">(.*?)</td>', page, re.DOTALL)
    assert cells[:4] == ["CoC 1", "Cause of concern", "2", layout("hmicfrs").known[0].text]
    assert "Download as import CSV" in page
    assert "Review and import these items" in page
    # Nothing is written to the register: the officer checks the file first. The items are
    # kept for the review, which is the one event.
    assert (
        Source.objects.count(),
        Recommendation.objects.count(),
        AuditEvent.objects.exclude(action="extracted_report.created").count(),
    ) == before


def test_the_download_is_the_csv_in_the_import_format(officer_client):
    upload(officer_client, layout("hmicfrs").pdf)
    response = officer_client.get(CSV_URL)
    assert response["Content-Disposition"] == 'attachment; filename="hmicfrs-import.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["reference"], r["finding_type"]) for r in rows[:2]] == [
        ("CoC 1", "cause_of_concern"),
        ("CoC 1 R1", "recommendation"),
    ]
    assert len(rows) == 20


def test_a_bad_file_is_named_in_an_error_and_nothing_is_kept(officer_client):
    response = upload(officer_client, b"not a pdf at all", name="report.pdf")
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "The file report.pdf must be a PDF file; its content is not" in page
    assert officer_client.get(ITEMS)["Location"] == UPLOAD


def test_a_report_with_nothing_to_find_says_so(officer_client):
    response = upload(officer_client, html_pdf("<p>The council met on Tuesday.</p>" * 10))
    assert "has no recommendations, causes of concern or areas for improvement" in (
        html.unescape(response.content.decode())
    )


def test_without_an_upload_the_results_go_back_to_the_upload_page(officer_client):
    assert officer_client.get(ITEMS)["Location"] == UPLOAD
    assert officer_client.get(CSV_URL)["Location"] == UPLOAD

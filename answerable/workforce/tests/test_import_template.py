"""The workforce import's templates and its status page's progress (issue #17)."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from answerable.core.testing import sign_in
from answerable.imports.models import ImportJob, ImportJobProgress
from answerable.imports.tests.factories import ImportJobFactory
from answerable.workforce.models import Snapshot
from answerable.workforce.tests.factories import CourseAudienceFactory, CourseFactory
from answerable.workforce.tests.helpers import date_parts, upload
from answerable.workforce.views_import import SESSION_KEY


def _template(client, role: str, kind: str) -> bytes:
    response = client.get(reverse("workforce:import_template", args=[role, kind]))
    assert response.status_code == 200
    assert f'filename="workforce-{role}-template.{kind}"' in response["Content-Disposition"]
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_upload_page_links_to_every_template(client, force_lead):
    sign_in(client, force_lead)
    page = client.get(reverse("workforce:import_upload")).content.decode()
    for role in ("roster", "completions"):
        for kind in ("csv", "xlsx"):
            assert reverse("workforce:import_template", args=[role, kind]) in page


def test_the_templates_have_the_columns_and_an_example_row(client, force_lead):
    sign_in(client, force_lead)
    roster = list(csv.reader(io.StringIO(_template(client, "roster", "csv").decode("utf-8-sig"))))
    assert roster[0][:2] == ["Staff ID", "Workforce type"]
    assert roster[1][:2] == ["P000123", "Officer"]
    book = openpyxl.load_workbook(io.BytesIO(_template(client, "completions", "xlsx")))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == ["Staff ID", "Course code", "Completion date", "Expiry date"]
    assert rows[1][0] == "P000123"
    # A real date cell, not text.
    assert rows[1][2].date() == datetime.date(2024, 3, 14)


def test_only_those_who_may_upload_get_a_template(client, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    response = client.get(reverse("workforce:import_template", args=["roster", "csv"]))
    assert response.status_code == 403


def test_an_unknown_template_is_not_found(client, force_lead):
    sign_in(client, force_lead)
    assert client.get(reverse("workforce:import_template", args=["pay", "csv"])).status_code == 404
    assert (
        client.get(reverse("workforce:import_template", args=["roster", "pdf"])).status_code == 404
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_unedited_templates_import_cleanly_and_count_their_rows(
    client, force_lead, force, kind
):
    course = CourseFactory(owner=force, code="CSE-01", title="CSE awareness")
    CourseAudienceFactory(course=course, workforce_type="officer")
    sign_in(client, force_lead)
    client.post(
        reverse("workforce:import_upload"),
        {
            **date_parts("taken_on", datetime.date(2025, 3, 31)),
            "roster": upload(f"roster.{kind}", _template(client, "roster", kind)),
            "completions": upload(f"done.{kind}", _template(client, "completions", kind)),
        },
    )
    mapping = client.session[SESSION_KEY]["mapping"]
    client.post(
        reverse("workforce:import_mapping"),
        {
            f"{role}-{name}": column
            for role, fields in mapping.items()
            for name, column in fields.items()
        },
    )
    page = client.get(reverse("workforce:import_preview")).content.decode()
    assert "Every row of both files has been checked" in page
    client.post(reverse("workforce:import_confirm"))
    job = ImportJob.objects.get()
    assert job.status == "succeeded", job.errors
    snapshot = Snapshot.objects.get()
    assert (snapshot.staff_count, snapshot.completion_count) == (1, 1)
    progress = ImportJobProgress.objects.get(job=job)
    assert (progress.processed, progress.total) == (2, 2)  # one row in each file


def test_a_running_workforce_import_shows_its_rows_and_refreshes_when_asked(
    client, force_lead, force
):
    job = ImportJobFactory(
        kind=ImportJob.Kind.WORKFORCE,
        status=ImportJob.Status.RUNNING,
        started_by=force_lead,
        organisation=force,
        options={"taken_on": "2025-03-31", "mapping": {}},
        counts={},
    )
    ImportJobProgress.objects.create(job=job, processed=2500)
    sign_in(client, force_lead)
    url = reverse("workforce:import_status", args=[job.pk])
    page = client.get(url).content.decode()
    assert "Rows processed" in page
    assert "2,500" in page
    assert "http-equiv" not in page
    assert (
        '<meta http-equiv="refresh" content="3">'
        in client.get(url + "?refresh=on").content.decode()
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.SUCCEEDED, counts={"staff": 1, "completions": 1}
    )
    assert "http-equiv" not in client.get(url + "?refresh=on").content.decode()

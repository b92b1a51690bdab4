"""The pages: upload two files, match columns, check, save; then the coverage page and exports."""

import datetime
import multiprocessing

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in, xlsx_bomb, xlsx_stray_cell
from answerable.imports.models import ImportJob
from answerable.workforce.models import (
    ChartDrawing,
    Completion,
    CoverageLink,
    Snapshot,
    StaffRecord,
)
from answerable.workforce.tests.factories import CourseAudienceFactory, CourseFactory
from answerable.workforce.tests.helpers import (
    COMPLETION_HEADERS,
    COMPLETION_ROWS,
    ROSTER_HEADERS,
    ROSTER_ROWS,
    csv_bytes,
    date_parts,
    upload,
    xlsx_bytes,
)
from answerable.workforce.views_import import SESSION_KEY

TAKEN_ON = datetime.date(2025, 3, 31)


def _excel_date(*parts: int) -> datetime.datetime:
    """A spreadsheet date cell: Excel stores no time zone, so openpyxl wants a naive one."""
    return datetime.datetime(*parts)  # noqa: DTZ001


@pytest.fixture
def course(force):
    course = CourseFactory(owner=force, code="CSE", title="CSE awareness", target_percent=90)
    CourseAudienceFactory(course=course, workforce_type="officer")
    CourseAudienceFactory(course=course, workforce_type="pcso")
    return course


def _upload(client, roster=None, completions=None, taken_on=TAKEN_ON):
    data = {
        **date_parts("taken_on", taken_on),
        "roster": roster or upload("roster.csv", csv_bytes(ROSTER_HEADERS, ROSTER_ROWS)),
        "completions": completions
        or upload("completions.csv", csv_bytes(COMPLETION_HEADERS, COMPLETION_ROWS)),
    }
    return client.post(reverse("workforce:import_upload"), data)


def test_a_lead_officer_uploads_checks_and_saves_a_snapshot(client, force_lead, course, force):
    sign_in(client, force_lead)
    response = _upload(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("workforce:import_mapping")
    page = client.get(response["Location"]).content.decode()
    assert "The staff roster: roster.csv" in page
    assert page.count("<h1") == 1
    # The guessed mapping is accepted as it stands.
    pending = client.session[SESSION_KEY]
    assert pending["mapping"]["roster"]["started_on"] == "Start date"
    assert pending["mapping"]["completions"]["completed_on"] == "Completed on"
    stored = [pending["files"][kind]["path"] for kind in ("roster", "completions")]
    assert all(default_storage.exists(path) for path in stored)
    form = {
        f"{kind}-{name}": column
        for kind, fields in pending["mapping"].items()
        for name, column in fields.items()
    }
    response = client.post(reverse("workforce:import_mapping"), form)
    assert response["Location"] == reverse("workforce:import_preview")
    page = client.get(response["Location"]).content.decode()
    assert "Every row of both files has been checked" in page
    assert "1 completions are of courses not set up in Answerable" in page
    assert "FIRSTAID" in page
    assert not Snapshot.objects.exists()
    response = client.post(reverse("workforce:import_confirm"))
    # The tests run tasks at once, so the queued import has finished by the redirect.
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("workforce:import_status", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Snapshot of 31 March 2025 imported: 5 staff and 3 completions" in page
    assert page.count("<h1") == 1
    assert reverse("workforce:index") in page
    assert (job.status, job.started_by, job.organisation) == ("succeeded", force_lead, force)
    assert job.counts == {"staff": 5, "completions": 3}
    snapshot = Snapshot.objects.get()
    assert (snapshot.taken_on, snapshot.staff_count, snapshot.completion_count) == (TAKEN_ON, 5, 3)
    assert not any(default_storage.exists(path) for path in stored)
    assert SESSION_KEY not in client.session
    page = client.get(course.get_absolute_url()).content.decode()
    assert "<strong>2 of 3</strong> required staff were in date: <strong>66.7%</strong>" in page
    assert "Cohorts below target" in page
    assert page.count("<h1") == 1
    assert 'role="img"' in page
    assert "<title id=" in page
    assert "P002" in page  # the owning force sees its gap list


def test_a_decompression_bomb_roster_is_refused_unopened_with_a_message(client, force_lead, course):
    """The workforce upload refuses the bomb of issue #11 as the register's import does."""
    sign_in(client, force_lead)
    response = _upload(client, roster=upload("roster.xlsx", xlsx_bomb()))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "The file roster.xlsx would take too much space once opened" in page
    assert SESSION_KEY not in client.session
    assert not ImportJob.objects.exists()


def test_a_roster_that_takes_longer_than_the_limit_to_read_is_refused_with_a_message(
    client, force_lead, course, settings
):
    """The roster is streamed from a child process; waiting for it stops at the limit."""
    settings.UPLOAD_PARSE_SECONDS = 0.1
    sign_in(client, force_lead)
    slow = xlsx_stray_cell(ROSTER_HEADERS, ROSTER_ROWS[0])
    response = _upload(client, roster=upload("roster.xlsx", slow))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert (
        "The file roster.xlsx took too long to read (or needed too much memory). Check it is "
        "the right file, delete any empty rows at its end, save it again and upload it"
    ) in page
    assert SESSION_KEY not in client.session
    assert not ImportJob.objects.exists()
    assert not Snapshot.objects.exists()
    assert multiprocessing.active_children() == []


def test_xlsx_files_with_real_date_cells_import_the_same(client, force_lead, course):
    sign_in(client, force_lead)
    rows = [
        [
            "P1",
            "Officer",
            "PC",
            "CID",
            "Here",
            _excel_date(2020, 1, 1),
            None,
        ],
        ["P2", "PCSO", "", "CID", "Here", datetime.date(2019, 5, 1), None],
    ]
    done = [["P1", "CSE", _excel_date(2024, 2, 1), None]]
    _upload(
        client,
        upload("roster.xlsx", xlsx_bytes(ROSTER_HEADERS, rows)),
        upload("done.xlsx", xlsx_bytes(COMPLETION_HEADERS, done)),
    )
    client.get(reverse("workforce:import_preview"))
    client.post(reverse("workforce:import_confirm"))
    snapshot = Snapshot.objects.get()
    assert snapshot.staff.get(staff_id="P1").started_on == datetime.date(2020, 1, 1)
    assert Completion.objects.get().completed_on == datetime.date(2024, 2, 1)


def test_bad_rows_are_listed_on_the_check_page_and_nothing_is_saved(client, force_lead, course):
    sign_in(client, force_lead)
    roster_rows = [*ROSTER_ROWS, ["P009", "Wizard", "", "CID", "", "31/02/2020", ""]]
    completion_rows = [*COMPLETION_ROWS, ["P404", "CSE", "2024-01-01", ""]]
    _upload(
        client,
        upload("roster.csv", csv_bytes(ROSTER_HEADERS, roster_rows)),
        upload("completions.csv", csv_bytes(COMPLETION_HEADERS, completion_rows)),
    )
    page = client.get(reverse("workforce:import_preview")).content.decode()
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Error: Check the snapshot" in page
    assert "govuk-error-summary" in page
    assert "roster.csv, row 7, Workforce type: Wizard is not a workforce type" in page
    assert "roster.csv, row 7, Start date: Enter a real date, like 31/12/2024" in page
    assert "completions.csv, row 6, Staff ID: Staff ID P404 is not in the staff roster" in page
    assert "Save the snapshot" not in page
    # Confirming anyway queues the import, which fails on the same rows and saves nothing.
    response = client.post(reverse("workforce:import_confirm"), follow=True)
    page = response.content.decode()
    assert "<title>Error: Import failed" in page
    assert "roster.csv, row 7, Workforce type: Wizard is not a workforce type" in page
    assert ImportJob.objects.get().status == "failed"
    assert not Snapshot.objects.exists()
    assert not StaffRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="workforce.snapshot_imported").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("roster.csv", b"%PDF-1.4 not a table", "The staff roster must be a CSV or XLSX file"),
        ("roster.xlsx", b"PK\x03\x04 broken zip", "The staff roster must be a CSV or XLSX file"),
        ("roster.csv", b"", "The file roster.csv is empty"),
        (
            "roster.csv",
            csv_bytes(["Staff ID", "Surname", "Workforce type"], [["P1", "Smith", "Officer"]]),
            "Column 2 &#39;Surname&#39; of roster.csv looks like a name: the system holds no "
            "directly identifying data. Remove it and upload again",
        ),
    ],
)
def test_refused_files_are_named_and_nothing_is_stored(
    client, force_lead, course, name, content, message
):
    sign_in(client, force_lead)
    response = _upload(client, roster=upload(name, content))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "<title>Error: " in page
    assert SESSION_KEY not in client.session
    assert not default_storage.exists("imports") or not default_storage.listdir("imports")[1]


def test_files_over_the_size_limit_are_refused(client, force_lead, course, settings):
    settings.WORKFORCE_IMPORT_MAX_BYTES = 100
    sign_in(client, force_lead)
    response = _upload(client)
    assert "The file roster.csv must be smaller than 100" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_snapshot_date_in_the_future_is_refused(client, force_lead, course):
    sign_in(client, force_lead)
    response = _upload(client, taken_on=timezone.localdate() + datetime.timedelta(days=2))
    assert "The date of the snapshot must be today or in the past" in response.content.decode()


def test_the_gap_list_downloads_as_formula_safe_csv(client, force_lead, course, force):
    sign_in(client, force_lead)
    rows = [["=HYPERLINK(1)", "Officer", "-1", "+Cmd", "", "2020-01-01", ""]]
    _upload(
        client,
        upload("roster.csv", csv_bytes(ROSTER_HEADERS, rows)),
        upload("completions.csv", csv_bytes(COMPLETION_HEADERS, [])),
    )
    client.get(reverse("workforce:import_preview"))
    client.post(reverse("workforce:import_confirm"))
    response = client.get(reverse("workforce:course_gaps_csv", args=[course.pk]))
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Disposition"].startswith('attachment; filename="CSE-not-in-date-')
    assert "'=HYPERLINK(1),'+Cmd,Police officer,'-1,2020-01-01,Never" in body


def test_a_scrutiny_officer_links_coverage_to_a_recommendation(
    client, scrutiny_officer, course, force_action
):
    sign_in(client, scrutiny_officer)
    recommendation = force_action.recommendation
    url = reverse("workforce:coverage_link_create", args=[course.pk])
    page = client.get(url).content.decode()
    assert recommendation.reference in page
    response = client.post(url, {"recommendation": recommendation.pk, "note": "CSE training"})
    assert response["Location"] == course.get_absolute_url()
    link = CoverageLink.objects.get()
    assert (link.recommendation, link.note, link.created_by) == (
        recommendation,
        "CSE training",
        scrutiny_officer,
    )
    page = client.get(course.get_absolute_url()).content.decode()
    assert f"{recommendation.reference}: {recommendation.source.title}" in page
    assert "P00" not in page  # the office does not see the gap list


def test_a_lead_officer_adds_a_course(client, force_lead, force):
    sign_in(client, force_lead)
    response = client.post(
        reverse("workforce:course_create"),
        {
            "title": "CSE awareness",
            "code": "CSE-1",
            "workforce_types": ["officer", "pcso"],
            "commands": "Local Policing\nResponse\n",
            "refresh_months": "36",
            "target_percent": "90",
        },
    )
    course = force.courses.get()
    assert response["Location"] == course.get_absolute_url()
    assert sorted(str(a) for a in course.audiences.all()) == [
        "PCSO in Local Policing",
        "PCSO in Response",
        "Police officer in Local Policing",
        "Police officer in Response",
    ]
    page = client.get(course.get_absolute_url()).content.decode()
    assert "No workforce snapshot has been uploaded" in page


def test_course_form_errors_are_shown_in_the_error_summary(client, force_lead):
    sign_in(client, force_lead)
    response = client.post(reverse("workforce:course_create"), {"target_percent": "150"})
    page = response.content.decode()
    assert "<title>Error: Add a course" in page
    assert "Enter the course title" in page
    assert "Select who must complete the course" in page
    assert "The target must be between 0 and 100" in page


def test_the_gap_list_pages_through_everyone_not_in_date(client, force_lead, course):
    sign_in(client, force_lead)
    rows = [[f"G{n:03d}", "Officer", "PC", "CID", "", "2020-01-01", ""] for n in range(60)]
    _upload(
        client,
        upload("roster.csv", csv_bytes(ROSTER_HEADERS, rows)),
        upload("completions.csv", csv_bytes(COMPLETION_HEADERS, [])),
    )
    client.get(reverse("workforce:import_preview"))
    client.post(reverse("workforce:import_confirm"))
    first = client.get(course.get_absolute_url()).content.decode()
    assert "60 required staff not in date" in first
    assert "G049" in first
    assert "G050" not in first
    second = client.get(course.get_absolute_url() + "?page=2").content.decode()
    assert "G050" in second
    assert "G059" in second
    assert "G049" not in second


def test_the_coverage_page_costs_the_same_queries_whatever_the_size(
    client, force_lead, course, django_capture_on_commit_callbacks
):
    """Read from the figures stored at import, on the first view and every view after.

    The course, its audiences, the snapshots with their overall figures, the cohort figures,
    the charts as drawn once the import committed, the page of the gap list and the evidence
    links; each time with the session, and the user with their second factor and their
    memberships in one query.
    The first view draws no chart: that was done after the import.
    """
    sign_in(client, force_lead)
    counts = []
    for size in (3, 40):
        rows = [[f"Q{size}-{n}", "Officer", f"R{n % 5}", f"C{n % 7}", "", "2015-01-01", ""]
                for n in range(size)]  # fmt: skip
        done = [[f"Q{size}-{n}", "CSE", "2024-01-01", ""] for n in range(0, size, 2)]
        _upload(
            client,
            upload("roster.csv", csv_bytes(ROSTER_HEADERS, rows)),
            upload("completions.csv", csv_bytes(COMPLETION_HEADERS, done)),
            taken_on=TAKEN_ON + datetime.timedelta(days=size),
        )
        client.get(reverse("workforce:import_preview"))
        with django_capture_on_commit_callbacks(execute=True):  # the charts, once committed
            client.post(reverse("workforce:import_confirm"))
        client.get(reverse("workforce:index"))  # settle the session
        drawn_at_import = ChartDrawing.objects.count()
        for _ in ("first view", "second view"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(course.get_absolute_url()).status_code == 200
            counts.append(len(queries.captured_queries))
            assert ChartDrawing.objects.count() == drawn_at_import > 0
    assert Snapshot.objects.latest("taken_on").staff_count == 40
    assert counts == [10, 10, 10, 10]

import csv
import hashlib
import io
import multiprocessing
import re
import zipfile

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in, xlsx_bomb, xlsx_stray_cell
from answerable.imports.models import ImportJob
from answerable.imports.tests.factories import ImportJobFactory
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member
from answerable.recommendations.models import Action, Recommendation, Source
from answerable.recommendations.tasks import recommendations_import_run
from answerable.recommendations.views_import import SESSION_KEY

UPLOAD = reverse("recommendations:import_upload")
MAPPING = reverse("recommendations:import_mapping")
OWNERS = reverse("recommendations:import_owners")
OWNER_NEW = reverse("recommendations:import_owner_new")
PREVIEW = reverse("recommendations:import_preview")
CONFIRM = reverse("recommendations:import_confirm")
GOOD_CSV = (
    b"Title,Number,Text,Owner organisation,Target date\r\n"
    b"Telford inquiry,R1,Do X.,Shire Police,31/12/2025\r\n"
    b"Telford inquiry,R2,Do Y.,Shire Police; Shire Council,\r\n"
)


def counts() -> tuple[int, int, int, int]:
    return (
        Source.objects.count(),
        Recommendation.objects.count(),
        Action.objects.count(),
        AuditEvent.objects.count(),
    )


def upload(client, content: bytes, name: str = "recommendations.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


def h1_count(response) -> int:
    return len(re.findall(rb"<h1[ >]", response.content))


@pytest.fixture
def officer_client(client, scrutiny_officer, force, council):
    return sign_in(client, scrutiny_officer)


# --- permissions ------------------------------------------------------------------------------

IMPORT_URLS = [
    ("get", UPLOAD),
    ("get", reverse("recommendations:import_template", args=["csv"])),
    ("get", MAPPING),
    ("get", OWNERS),
    ("get", OWNER_NEW),
    ("get", PREVIEW),
    ("post", CONFIRM),
]


@pytest.mark.parametrize(("method", "url"), IMPORT_URLS)
@pytest.mark.parametrize("role", [Membership.Role.LEAD_OFFICER, Membership.Role.VIEWER])
def test_only_scrutiny_officers_can_reach_the_import_pages(
    client, force, office, role, method, url
):
    for organisation in (force, office):
        sign_in(client, member(organisation, role))
        assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize(("method", "url"), IMPORT_URLS)
def test_anonymous_users_are_sent_to_sign_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_the_sources_page_offers_the_import_to_scrutiny_officers(officer_client):
    response = officer_client.get(reverse("recommendations:source_list"))
    assert UPLOAD.encode() in response.content
    assert b"Import recommendations" in response.content


# --- the upload page ----------------------------------------------------------------------


def test_the_upload_page_links_to_both_templates(officer_client):
    response = officer_client.get(UPLOAD)
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert reverse("recommendations:import_template", args=["csv"]).encode() in response.content
    assert reverse("recommendations:import_template", args=["xlsx"]).encode() in response.content


def test_the_csv_template_has_the_header_and_one_example_row(officer_client):
    response = officer_client.get(reverse("recommendations:import_template", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["source", "source_kind", "publisher"]
    assert "target_on" in rows[0]
    assert len(rows) == 2
    assert 'filename="recommendations-import-template.csv"' in response["Content-Disposition"]


def test_the_xlsx_template_has_the_header_and_one_example_row_with_real_dates(officer_client):
    response = officer_client.get(reverse("recommendations:import_template", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    example = dict(zip(rows[0], rows[1], strict=True))
    assert example["published_on"].year == 2023


@pytest.mark.parametrize("file_kind", ["csv", "xlsx"])
def test_the_unedited_template_passes_the_check(officer_client, file_kind):
    response = officer_client.get(reverse("recommendations:import_template", args=[file_kind]))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    upload(officer_client, content, f"template.{file_kind}")
    officer_client.post(MAPPING, officer_client.session[SESSION_KEY]["mapping"])
    page = officer_client.get(PREVIEW).content.decode()
    assert "Confirm import" in page
    assert re.search(r"Actions to add\s*</dt>\s*<dd[^>]*>\s*1\s*</dd>", page)


def test_an_unknown_template_format_is_not_found(officer_client):
    response = officer_client.get(reverse("recommendations:import_template", args=["pdf"]))
    assert response.status_code == 404


def test_uploading_nothing_asks_for_a_file(officer_client):
    response = officer_client.post(UPLOAD, {})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Select a file" in response.content
    assert b"<title>Error: " in response.content


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"%PDF-1.7 a report",
            "report.csv",
            "The selected file must be a CSV or XLSX file. The content of report.csv is not",
        ),
        (b"", "empty.csv", "The file empty.csv is empty"),
        (b'source,reference,text\nA,"R1,B\n', "quotes.csv", "quotes.csv is not a well-formed"),
        (b"\n\n", "blank.csv", "The file blank.csv has no header row"),
    ],
)
def test_a_bad_file_is_refused_with_a_message_naming_it(officer_client, content, name, message):
    before = counts()
    response = upload(officer_client, content, name)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert message in response.content.decode().replace("&#39;", "'")
    assert SESSION_KEY not in officer_client.session
    assert counts() == before


def test_an_oversized_file_is_refused(officer_client, settings):
    settings.IMPORT_MAX_BYTES = 50
    response = upload(officer_client, GOOD_CSV, "big.csv")
    assert "The file big.csv must be smaller than 50" in response.content.decode()
    assert SESSION_KEY not in officer_client.session


def test_a_corrupt_xlsx_is_refused(officer_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "not xml")
        archive.writestr("xl/workbook.xml", "not xml either")
    response = upload(officer_client, buffer.getvalue(), "broken.xlsx")
    assert response.status_code == 200
    assert "The file broken.xlsx is damaged or is not the Excel (XLSX) file it seems to be" in (
        response.content.decode()
    )


def test_a_decompression_bomb_is_refused_unopened_with_a_message(officer_client):
    """A workbook of under a megabyte holding 20 million empty rows once ran an import until
    its worker was killed (issue #11). It is refused from what its archive declares."""
    before = counts()
    response = upload(officer_client, xlsx_bomb(), "bomb.xlsx")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "The file bomb.xlsx would take too much space once opened" in page
    assert SESSION_KEY not in officer_client.session
    assert counts() == before


SLOW_XLSX_REFUSAL = (
    "The file slow.xlsx took too long to read (or needed too much memory). Check it is the "
    "right file, delete any empty rows at its end, save it again and upload it"
)


def slow_xlsx() -> bytes:
    """A legal workbook that takes about half a second to read (a stray cell far below)."""
    return xlsx_stray_cell(["source", "reference", "text"], ["Report", "R1", "Text"])


def test_a_file_that_takes_longer_than_the_limit_to_read_is_refused_with_a_message(
    officer_client, settings
):
    """The reading is stopped at UPLOAD_PARSE_SECONDS, in a child process (issue #11)."""
    settings.UPLOAD_PARSE_SECONDS = 0.1
    before = counts()
    response = upload(officer_client, slow_xlsx(), "slow.xlsx")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert SLOW_XLSX_REFUSAL in page
    assert SESSION_KEY not in officer_client.session
    assert counts() == before
    assert multiprocessing.active_children() == []


def test_a_file_that_needs_more_memory_than_the_limit_to_read_is_refused_with_a_message(
    officer_client, settings
):
    """The reader's address space is capped at UPLOAD_PARSE_MEMORY_MB: here below what any
    workbook needs, so an ordinary one runs out while it is read."""
    settings.UPLOAD_PARSE_MEMORY_MB = 1
    workbook = openpyxl.Workbook()
    workbook.active.append(["source", "reference", "text"])
    for number in range(3000):
        workbook.active.append(["Report", f"R{number}", "Text " * 20])
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = counts()
    response = upload(officer_client, buffer.getvalue(), "slow.xlsx")
    page = response.content.decode()
    assert response.status_code == 200
    assert SLOW_XLSX_REFUSAL in page
    assert SESSION_KEY not in officer_client.session
    assert counts() == before
    assert multiprocessing.active_children() == []


def test_the_slow_file_is_read_within_the_default_limit(officer_client):
    response = upload(officer_client, slow_xlsx(), "slow.xlsx")
    assert response.status_code == 302
    assert multiprocessing.active_children() == []


def test_an_xlsx_named_csv_is_read_as_xlsx_because_content_decides(officer_client):
    workbook = openpyxl.Workbook()
    workbook.active.append(["source", "reference", "text"])
    workbook.active.append(["Report", "R1", "Text"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(officer_client, buffer.getvalue(), "actually-excel.csv")
    assert response.status_code == 302
    pending = officer_client.session[SESSION_KEY]
    assert pending["kind"] == "xlsx"
    assert pending["path"].startswith("imports/")
    assert pending["path"].endswith(".xlsx")


# --- the whole journey ----------------------------------------------------------------------


def test_upload_match_check_and_confirm_imports_everything(officer_client, scrutiny_officer):
    response = upload(officer_client, GOOD_CSV)
    assert response.status_code == 302
    assert response["Location"] == MAPPING
    pending = officer_client.session[SESSION_KEY]
    assert default_storage.exists(pending["path"])
    assert pending["mapping"] == {
        "source": "Title",
        "reference": "Number",
        "text": "Text",
        "owner": "Owner organisation",
        "target_on": "Target date",
    }

    response = officer_client.get(MAPPING)
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert b'<option value="Number" selected' in response.content
    assert b"Not in the file" in response.content

    response = officer_client.post(MAPPING, pending["mapping"])
    assert response.status_code == 302
    assert response["Location"] == OWNERS
    # Every owner is an organisation, so there is nothing to match.
    response = officer_client.get(OWNERS)
    assert response.status_code == 302
    assert response["Location"] == PREVIEW
    assert counts()[:3] == (0, 0, 0)

    response = officer_client.get(PREVIEW)
    assert response.status_code == 200
    assert h1_count(response) == 1
    page = response.content.decode()
    assert "Confirm import" in page
    assert re.search(r"New sources\s*</dt>\s*<dd[^>]*>\s*1\s*</dd>", page)
    assert re.search(r"Recommendations to add\s*</dt>\s*<dd[^>]*>\s*2\s*</dd>", page)
    assert re.search(r"Actions to add\s*</dt>\s*<dd[^>]*>\s*3\s*</dd>", page)
    assert "Do Y." in page
    assert counts()[:3] == (0, 0, 0)

    # The tests run tasks at once, so the queued import has finished by the redirect.
    response = officer_client.post(CONFIRM)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("recommendations:import_status", args=[job.pk])
    response = officer_client.get(response["Location"])
    assert h1_count(response) == 1
    page = response.content.decode()
    assert "Import complete" in page
    assert "Imported recommendations.csv: 2 recommendations and 3 actions" in page
    assert reverse("recommendations:source_list") in page
    assert "Check again" not in page
    assert counts()[:3] == (1, 2, 3)
    assert (job.status, job.started_by, job.organisation.name) == (
        "succeeded",
        scrutiny_officer,
        "Office of the PCC",
    )
    assert job.counts["actions_created"] == 3
    assert job.files[0]["sha256"] == hashlib.sha256(GOOD_CSV).hexdigest()
    event = AuditEvent.objects.get(action="import.completed")
    assert event.actor == scrutiny_officer
    assert event.changes["file"] == [None, "recommendations.csv"]
    assert AuditEvent.objects.filter(action="import.queued", target_id=str(job.pk)).exists()
    assert SESSION_KEY not in officer_client.session
    assert not default_storage.exists(pending["path"])


def test_the_mapping_page_requires_the_required_fields(officer_client):
    upload(officer_client, GOOD_CSV)
    response = officer_client.post(MAPPING, {"source": "Title", "reference": "", "text": "Text"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Select the column that holds the reference as published" in response.content


def test_a_file_with_bad_rows_shows_each_row_and_field_and_cannot_be_confirmed(officer_client):
    upload(
        officer_client,
        GOOD_CSV.replace(b"31/12/2025", b"31/13/2025").replace(b"Do Y.", b""),
    )
    officer_client.post(MAPPING, officer_client.session[SESSION_KEY]["mapping"])
    before = counts()

    response = officer_client.get(PREVIEW)

    page = response.content.decode()
    assert "<title>Error: Check the import" in page
    assert "There is a problem" in page
    assert "Row 2, target_on: Enter a real date, like 31/12/2024" in page
    assert "Row 3, text: Enter the full text of the recommendation" in page
    assert "Confirm import" not in page
    assert h1_count(response) == 1

    # Confirming anyway queues the import, which fails on the same rows and writes nothing.
    path = officer_client.session[SESSION_KEY]["path"]
    response = officer_client.post(CONFIRM, follow=True)
    page = response.content.decode()
    assert "<title>Error: Import failed" in page
    assert "There is a problem" in page
    assert "Row 2, target_on: Enter a real date, like 31/12/2024" in page
    assert "Row 3, text: Enter the full text of the recommendation" in page
    assert "Nothing has been imported" in page
    assert h1_count(response) == 1
    assert counts()[:3] == before[:3]
    assert not AuditEvent.objects.filter(action="import.completed").exists()
    job = ImportJob.objects.get()
    assert (job.status, job.error_count) == ("failed", 2)
    assert AuditEvent.objects.get(action="import.failed").note.startswith("Row 2, target_on")
    assert not default_storage.exists(path)


def test_a_clash_arising_after_the_preview_is_caught_at_confirmation(officer_client, office):
    upload(officer_client, GOOD_CSV)
    officer_client.post(MAPPING, officer_client.session[SESSION_KEY]["mapping"])
    assert "Confirm import" in officer_client.get(PREVIEW).content.decode()
    source = Source.objects.create(
        owner=office, title="Telford inquiry", kind="inquiry", publisher="Inquiry"
    )
    Recommendation.objects.create(source=source, reference="R2", text="Added meanwhile")
    before = counts()

    response = officer_client.post(CONFIRM, follow=True)

    assert "Row 3, reference: R2 already exists in Telford inquiry" in response.content.decode()
    assert counts()[:3] == before[:3]
    assert ImportJob.objects.get().status == "failed"


def test_the_later_steps_without_an_upload_send_the_user_back_to_upload(officer_client):
    for response in (
        officer_client.get(MAPPING),
        officer_client.get(PREVIEW),
        officer_client.post(CONFIRM),
    ):
        assert response.status_code == 302
        assert response["Location"] == UPLOAD


def test_a_new_upload_replaces_the_stored_file(officer_client):
    upload(officer_client, GOOD_CSV)
    first = officer_client.session[SESSION_KEY]["path"]
    upload(officer_client, GOOD_CSV)
    assert officer_client.session[SESSION_KEY]["path"] != first
    assert not default_storage.exists(first)


# --- the status page --------------------------------------------------------------------


def _queue_without_running(officer_client, settings) -> ImportJob:
    """Confirm an import with a backend that only stores tasks, as before a worker takes it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    upload(officer_client, GOOD_CSV)
    officer_client.post(MAPPING, officer_client.session[SESSION_KEY]["mapping"])
    officer_client.post(CONFIRM)
    return ImportJob.objects.get()


def test_a_queued_import_offers_check_again_and_never_refreshes_itself(officer_client, settings):
    job = _queue_without_running(officer_client, settings)
    url = reverse("recommendations:import_status", args=[job.pk])
    response = officer_client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert "<title>Import queued" in page
    assert "Nothing has been imported yet" in page
    assert f'href="{url}"' in page
    assert "Check again" in page
    assert "http-equiv" not in page.lower()
    assert counts()[:3] == (0, 0, 0)
    assert default_storage.exists(job.files[0]["path"])

    recommendations_import_run.call(job_id=job.pk)

    page = officer_client.get(url).content.decode()
    assert "Import complete" in page
    assert "Check again" not in page
    assert counts()[:3] == (1, 2, 3)
    assert not default_storage.exists(job.files[0]["path"])


def test_a_running_import_says_so(officer_client, settings):
    job = _queue_without_running(officer_client, settings)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    page = officer_client.get(job.get_absolute_url()).content.decode()
    assert "<title>Import running" in page
    assert "Check again" in page


def test_a_job_runs_once_even_if_its_task_runs_twice(officer_client, settings):
    job = _queue_without_running(officer_client, settings)
    recommendations_import_run.call(job_id=job.pk)
    recommendations_import_run.call(job_id=job.pk)
    assert counts()[:3] == (1, 2, 3)
    assert AuditEvent.objects.filter(action="import.completed").count() == 1


def test_an_import_whose_file_has_gone_fails_and_writes_nothing(officer_client, settings):
    job = _queue_without_running(officer_client, settings)
    default_storage.delete(job.files[0]["path"])
    recommendations_import_run.call(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "Upload it again" in job.errors[0]["message"]
    assert counts()[:3] == (0, 0, 0)


def test_a_queued_file_that_takes_too_long_to_read_fails_its_job_and_writes_nothing(
    officer_client, settings
):
    job = _queue_without_running(officer_client, settings)
    stored = job.files[0]
    default_storage.delete(stored["path"])
    path = default_storage.save(stored["path"].replace(".csv", ".xlsx"), ContentFile(slow_xlsx()))
    job.files = [{**stored, "path": path, "kind": "xlsx", "name": "slow.xlsx"}]
    job.save(update_fields=["files"])
    settings.UPLOAD_PARSE_SECONDS = 0.1
    recommendations_import_run.call(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.errors[0]["message"] == SLOW_XLSX_REFUSAL
    assert counts()[:3] == (0, 0, 0)
    assert multiprocessing.active_children() == []


def test_an_import_fails_if_the_person_is_no_longer_a_scrutiny_officer(
    officer_client, settings, scrutiny_officer
):
    job = _queue_without_running(officer_client, settings)
    scrutiny_officer.memberships.update(role=Membership.Role.VIEWER)
    recommendations_import_run.call(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.errors == [
        {"message": "Only a scrutiny officer of the office can import recommendations"}
    ]
    assert counts()[:3] == (0, 0, 0)


def test_the_status_page_is_for_the_starter_and_the_offices_scrutiny_officers(
    client, office, force, scrutiny_officer
):
    job = ImportJobFactory(started_by=scrutiny_officer, organisation=office)
    url = reverse("recommendations:import_status", args=[job.pk])
    allowed = [scrutiny_officer, member(office, Membership.Role.SCRUTINY_OFFICER)]
    refused = [
        member(office, Membership.Role.VIEWER),
        member(office, Membership.Role.ADMINISTRATOR),
        member(force, Membership.Role.LEAD_OFFICER),
        member(ImportJobFactory().organisation, Membership.Role.SCRUTINY_OFFICER),
    ]
    for user in allowed + refused:
        client.logout()
        sign_in(client, user)
        assert client.get(url).status_code == (200 if user in allowed else 404)
    # The person who started it still sees it after leaving the role.
    scrutiny_officer.memberships.update(role=Membership.Role.VIEWER)
    client.logout()
    sign_in(client, scrutiny_officer)
    assert client.get(url).status_code == 200


def test_another_kinds_job_is_not_found_on_the_register_status_page(officer_client, office):
    job = ImportJobFactory(kind=ImportJob.Kind.WORKFORCE, organisation=office)
    response = officer_client.get(reverse("recommendations:import_status", args=[job.pk]))
    assert response.status_code == 404

"""A register import queued for the background worker, followed on its status page.

The confirm step only queues the job. Until the worker has run it, the status page says so
and offers "Check again", a link that works without JavaScript; it never refreshes itself
(WCAG 2.2.1). Tasks are held by django-tasks' dummy backend here, so the test decides when
the "worker" runs them. Every page with JavaScript is checked with axe-core.
"""

from pathlib import Path

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from answerable.imports.models import ImportJob
from answerable.recommendations.models import Recommendation, Source
from answerable.recommendations.tasks import recommendations_import_run
from tests.journeys.helpers import check_page

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"  # the user factory's password
REGISTER_CSV = (
    b"Title,Number,Text,Owner organisation,Target date\r\n"
    b"Telford inquiry,R1,Do X.,Shire Police,31/12/2025\r\n"
    b"Telford inquiry,R2,Do Y.,Shire Police,\r\n"
)


@pytest.fixture(autouse=True)
def _tasks_wait_for_the_worker(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def register_file(tmp_path) -> Path:
    path = tmp_path / "register.csv"
    path.write_bytes(REGISTER_CSV)
    return path


def _confirm_import(page: Page, base_url: str, officer, register_file: Path, *, axe: bool):
    device = TOTPDevice.objects.create(user=officer, name="Phone", confirmed=True)
    page.goto(f"{base_url}/account/sign-in/")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Security code").fill(f"{TOTP(device.bin_key).token():06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Dashboard")
    page.goto(f"{base_url}/register/import/")
    page.get_by_label("Upload a file").set_input_files(register_file)
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.locator("h1")).to_have_text("Match the columns")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check the import")
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator("h1")).to_have_text("Import queued")
    if axe:
        check_page(page)
    expect(page.locator("main")).to_contain_text("This page does not update by itself")
    assert page.locator("meta[http-equiv]").count() == 0
    assert not Source.objects.exists()
    return ImportJob.objects.get()


def test_a_queued_import_is_checked_again_until_it_is_complete(
    page, live_server, scrutiny_officer, force, register_file
):
    job = _confirm_import(page, live_server.url, scrutiny_officer, register_file, axe=True)

    page.get_by_role("button", name="Check again").click()
    expect(page.locator("h1")).to_have_text("Import queued")

    recommendations_import_run.call(job_id=job.pk)  # what the worker does
    page.get_by_role("button", name="Check again").click()
    expect(page.locator("h1")).to_have_text("Import complete")
    expect(page.locator(".govuk-panel")).to_contain_text(
        "Imported register.csv: 2 recommendations and 2 actions"
    )
    expect(page.get_by_role("button", name="Check again")).to_have_count(0)
    check_page(page)
    page.get_by_role("link", name="Go to the sources").click()
    expect(page.locator("main")).to_contain_text("Telford inquiry")


def test_an_import_that_fails_in_the_worker_shows_the_row_and_field(
    page, live_server, scrutiny_officer, force, office, register_file
):
    job = _confirm_import(page, live_server.url, scrutiny_officer, register_file, axe=False)
    # Someone adds R2 by hand after the check and before the worker runs the import.
    source = Source.objects.create(
        owner=office, title="Telford inquiry", kind="inquiry", publisher="Inquiry"
    )
    Recommendation.objects.create(source=source, reference="R2", text="Added meanwhile")

    recommendations_import_run.call(job_id=job.pk)
    page.get_by_role("button", name="Check again").click()

    expect(page.locator("h1")).to_have_text("Import failed")
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Row 3, reference: R2 already exists in Telford inquiry")
    check_page(page)
    assert Recommendation.objects.count() == 1


def test_check_again_works_without_javascript(
    page_without_javascript, live_server, scrutiny_officer, force, register_file
):
    page = page_without_javascript
    job = _confirm_import(page, live_server.url, scrutiny_officer, register_file, axe=False)
    recommendations_import_run.call(job_id=job.pk)
    page.get_by_role("button", name="Check again").click()
    expect(page.locator("h1")).to_have_text("Import complete")
    assert page.locator("h1").count() == 1

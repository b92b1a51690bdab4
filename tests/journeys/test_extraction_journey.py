"""A scrutiny officer reads a report PDF in the browser: upload, the table of what was found,
the CSV; a bad file's error. Every page is checked with axe-core, and works without
JavaScript. The browser fixtures are the journeys' own, through this folder's conftest.py."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from answerable.extraction.tests.layouts import layout
from tests.journeys.helpers import check_page, sign_in, visit_and_check

pytestmark = pytest.mark.browser


def test_an_officer_uploads_a_report_and_sees_what_was_found(
    page, live_server, scrutiny_officer, tmp_path
):
    report = tmp_path / "hmicfrs.pdf"
    report.write_bytes(layout("hmicfrs").pdf)
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)
    sign_in(page, live_server.url, scrutiny_officer.email, device)
    visit_and_check(page, f"{live_server.url}/register/from-pdf/")

    page.get_by_role("button", name="Find recommendations").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a report PDF")
    check_page(page)

    page.get_by_label("Upload a report PDF").set_input_files(report)
    page.get_by_role("button", name="Find recommendations").click()
    expect(page.locator("h1")).to_have_text("Found in hmicfrs.pdf")
    check_page(page)
    expect(page.locator("tbody tr")).to_have_count(20)
    expect(page.locator("tbody tr").first).to_contain_text("Cause of concern")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as import CSV").click()
    assert download.value.suggested_filename == "hmicfrs-import.csv"


def test_the_upload_works_without_javascript(
    page_without_javascript, live_server, scrutiny_officer, tmp_path
):
    page = page_without_javascript
    bad = tmp_path / "report.pdf"
    bad.write_bytes(b"A text file saved with the wrong name.")
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Email address").fill(scrutiny_officer.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Security code").fill(f"{TOTP(device.bin_key).token():06d}")
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{live_server.url}/register/from-pdf/")
    page.get_by_label("Upload a report PDF").set_input_files(bad)
    page.get_by_role("button", name="Find recommendations").click()
    expect(page).to_have_title("Error: Recommendations from a report PDF – Answerable")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The file report.pdf must be a PDF file; its content is not"
    )

"""Workforce training coverage in a real browser (issue #4, "done when").

A force's lead officer uploads the roster and completions, checks the preview and saves the
snapshot; the coverage page shows the cohorts below target with their figures. The scrutiny
officer of the PCC's office sees the same figures without the gap list, and another
organisation sees nothing of it. Every page visited is checked with axe-core.
"""

import datetime
import os
import re
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from answerable.workforce import services
from answerable.workforce.tests.helpers import (
    COMPLETION_HEADERS,
    COMPLETION_ROWS,
    ROSTER_HEADERS,
    ROSTER_ROWS,
    csv_bytes,
)
from tests.journeys.helpers import PASSWORD, check_page, sign_in, visit_and_check

pytestmark = pytest.mark.browser

TAKEN_ON = datetime.date(2025, 3, 31)
# Set to a directory to keep a screenshot of the coverage page for a look.
SCREENSHOTS = os.environ.get("ANSWERABLE_SCREENSHOTS", "")


@pytest.fixture
def course(force, force_lead):
    return services.course_create(
        actor=force_lead,
        owner=force,
        code="CSE",
        title="CSE awareness",
        target_percent=90,
        refresh_months=36,
        workforce_types=["officer", "pcso"],
        commands=[],
    )


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    paths = {"roster": tmp_path / "roster.csv", "completions": tmp_path / "completions.csv"}
    paths["roster"].write_bytes(csv_bytes(ROSTER_HEADERS, ROSTER_ROWS))
    paths["completions"].write_bytes(csv_bytes(COMPLETION_HEADERS, COMPLETION_ROWS))
    return paths


def _sign_out(page: Page) -> None:
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out")


def _upload(page: Page, files: dict[str, Path]) -> None:
    page.get_by_role("link", name="Workforce", exact=True).click()
    expect(page.locator("h1")).to_have_text("Workforce training")
    check_page(page)
    page.get_by_role("button", name="Upload a workforce snapshot").click()
    expect(page.locator("h1")).to_have_text("Upload a workforce snapshot")
    check_page(page)
    page.get_by_label("Day").fill(str(TAKEN_ON.day))
    page.get_by_label("Month").fill(str(TAKEN_ON.month))
    page.get_by_label("Year").fill(str(TAKEN_ON.year))
    page.get_by_label("Staff roster").set_input_files(files["roster"])
    page.get_by_label("Training completions").set_input_files(files["completions"])
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.locator("h1")).to_have_text("Match the columns")
    check_page(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check the snapshot")
    check_page(page)


def _expect_coverage(page: Page) -> None:
    expect(page.locator("h1")).to_have_text("CSE awareness coverage")
    expect(page.locator("#overall")).to_contain_text("2 of 3 required staff were in date: 66.7%")
    below = page.locator("#below-target + p + table")
    expect(below.locator("tbody tr").first).to_contain_text("Sergeant")
    expect(below).to_contain_text("20 years or more")
    expect(below).to_contain_text("0 of 1")
    chart = page.locator("svg[role=img]").first
    expect(chart).to_be_visible()
    expect(chart.locator("title")).to_contain_text("per cent in date")
    check_page(page)


def test_a_force_uploads_a_snapshot_and_the_office_sees_its_coverage(
    page, live_server, course, force_lead, scrutiny_officer, council_lead, force_action, files
):
    base = live_server.url

    # The force's lead officer uploads the roster and completions, checks them and saves.
    sign_in(page, base, force_lead.email)
    _upload(page, files)
    expect(page.locator("main")).to_contain_text("Every row of both files has been checked")
    expect(page.locator(".govuk-warning-text")).to_contain_text("FIRSTAID")
    page.get_by_role("button", name="Save the snapshot").click()
    # Tests run tasks at once, so the status page already shows the finished import.
    expect(page.locator("h1")).to_have_text("Import complete")
    expect(page.locator(".govuk-panel")).to_contain_text(
        "Snapshot of 31 March 2025 imported: 5 staff and 3 completions"
    )
    check_page(page)
    page.get_by_role("link", name="See training coverage").click()
    page.get_by_role("link", name="CSE awareness").click()
    _expect_coverage(page)
    expect(page.locator("#gaps")).to_have_text("Staff not in date")
    expect(page.locator("main")).to_contain_text("P002")
    coverage_url = page.url
    _sign_out(page)

    # The scrutiny officer of the PCC's office sees the same figures, without staff IDs.
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)
    sign_in(page, base, scrutiny_officer.email, device)
    page.get_by_role("link", name="Workforce", exact=True).click()
    check_page(page)
    page.get_by_role("link", name="CSE awareness").click()
    _expect_coverage(page)
    expect(page.locator("#gaps")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("P002")
    page.get_by_role("button", name="Link to a recommendation").click()
    check_page(page)
    # The picker's finder box: words that match nothing say so; the report's title finds it.
    finder = page.get_by_role("searchbox", name="Find recommendations")
    finder.fill("zebracrossing")
    page.get_by_role("button", name="Find", exact=True).click()
    expect(page.locator("main")).to_contain_text("No recommendations match those words.")
    check_page(page)
    finder.fill(force_action.recommendation.source.title.split()[0])
    page.get_by_role("button", name="Find", exact=True).click()
    check_page(page)
    page.get_by_label("Recommendation", exact=True).select_option(index=1)
    page.get_by_role("button", name="Link coverage").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("linked to")
    expect(page.locator("main")).to_contain_text(force_action.recommendation.reference)
    check_page(page)
    _sign_out(page)

    # Another organisation sees nothing of it.
    sign_in(page, base, council_lead.email)
    visit_and_check(page, f"{base}/workforce/")
    expect(page.locator("main")).not_to_contain_text("CSE awareness")
    response = page.goto(coverage_url)
    assert response is not None
    assert response.status == 404


def test_bad_rows_are_listed_with_the_error_summary(page, live_server, course, force_lead, files):
    files["completions"].write_bytes(
        csv_bytes(COMPLETION_HEADERS, [*COMPLETION_ROWS, ["P404", "CSE", "2024-01-01", ""]])
    )
    sign_in(page, live_server.url, force_lead.email)
    _upload(page, files)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Staff ID P404 is not in the staff roster")
    assert page.title().startswith("Error: ")
    expect(page.get_by_role("button", name="Save the snapshot")).to_have_count(0)
    link = summary.locator("a").first
    target = link.get_attribute("href")
    assert target is not None
    assert re.fullmatch(r"#import-error-\d+", target)
    expect(page.locator(target)).to_have_count(1)


def test_the_coverage_charts_draw_under_the_strict_csp(
    browser, live_server, course, force_lead, files, tmp_path
):
    """The inline SVG charts need no inline styles, so the CSP blocks nothing on the page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        page.goto(f"{live_server.url}/account/sign-in/")  # no axe here: it needs the CSP off
        page.get_by_label("Email address").fill(force_lead.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{live_server.url}/workforce/upload/")
        page.get_by_label("Day").fill(str(TAKEN_ON.day))
        page.get_by_label("Month").fill(str(TAKEN_ON.month))
        page.get_by_label("Year").fill(str(TAKEN_ON.year))
        page.get_by_label("Staff roster").set_input_files(files["roster"])
        page.get_by_label("Training completions").set_input_files(files["completions"])
        page.get_by_role("button", name="Upload and continue").click()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Save the snapshot").click()
        page.get_by_role("link", name="See training coverage").click()
        page.get_by_role("link", name="CSE awareness").click()
        expect(page.locator("svg[role=img]")).to_have_count(5)
        if SCREENSHOTS:
            page.screenshot(path=str(Path(SCREENSHOTS) / "workforce-coverage.png"), full_page=True)
        assert blocked == []
    finally:
        context.close()

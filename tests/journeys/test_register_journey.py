"""The register's core journey in a real browser (issue #2, "done when").

A force's lead officer reports an action ready for assessment with a PDF as evidence; the
scrutiny officer signs in with two-factor, assesses it "Assured", and the dashboard and the
audit chain agree. Every page the journey visits is checked with axe-core.
"""

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from pypdf import PdfWriter

from answerable.recommendations import services
from answerable.recommendations.models import Action, Source
from tests.journeys.helpers import check_page, visit_and_check

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"  # the user factory's password
# Set to a directory to keep screenshots of the dashboard and the action page for a look.
SCREENSHOTS = os.environ.get("ANSWERABLE_SCREENSHOTS", "")


@pytest.fixture
def journey_action(scrutiny_officer, force, force_lead, office) -> Action:
    """A source, recommendation and force action loaded through the services, so audited."""
    source = services.source_create(
        actor=scrutiny_officer,
        owner=office,
        title="Inspection of child exploitation",
        kind=Source.Kind.INSPECTION,
        publisher="HMICFRS",
        deadline_rule=Source.DeadlineRule.S55,
    )
    recommendation = services.recommendation_create(
        actor=scrutiny_officer,
        source=source,
        reference="R2",
        text="By 31 December 2030, the force should have a child sexual exploitation problem "
        "profile.",
    )
    return services.action_create(
        actor=scrutiny_officer,
        recommendation=recommendation,
        owner=force,
        description="Produce and publish the CSE problem profile.",
        lead=force_lead,
    )


@pytest.fixture
def scrutiny_device(scrutiny_officer) -> TOTPDevice:
    return TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)


@pytest.fixture
def evidence_pdf(tmp_path) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "problem-profile.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _sign_in(page: Page, base_url: str, email: str) -> None:
    visit_and_check(page, f"{base_url}/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def _dashboard_count(page: Page, table: str, label: str) -> str:
    row = page.locator(f"#{table} tr", has_text=label)
    return row.locator("td").last.inner_text().strip()


def test_an_action_goes_from_update_to_assured(
    page,
    live_server,
    journey_action,
    force_lead,
    scrutiny_officer,
    scrutiny_device,
    evidence_pdf,
):
    base = live_server.url

    # The lead officer reports the work done, with the problem profile as evidence.
    _sign_in(page, base, force_lead.email)
    expect(page.locator("h1")).to_have_text("Dashboard")
    check_page(page)
    page.get_by_role("link", name="Actions", exact=True).click()
    check_page(page)
    page.get_by_role("link", name=re.compile(r"^R2")).click()
    expect(page.locator("h1")).to_have_text("Action for Shire Police")
    check_page(page)
    page.get_by_role("button", name="Post an update").click()
    check_page(page)
    page.get_by_label("What has been done since the last update").fill(
        "Problem profile written with partner data and signed off."
    )
    page.get_by_label("Ready for assessment").check()
    page.get_by_label("Attach evidence (optional)").set_input_files(evidence_pdf)
    page.get_by_label("Evidence title").fill("CSE problem profile 2026")
    page.get_by_role("button", name="Post update").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Update posted")
    timeline = page.locator(".app-timeline")
    expect(timeline).to_contain_text("Status changed from Not started to Ready for assessment")
    expect(timeline).to_contain_text("Problem profile written with partner data")
    expect(
        timeline.get_by_role("link", name=re.compile("CSE problem profile 2026"))
    ).to_be_visible()
    expect(timeline).to_contain_text("(PDF,")
    check_page(page)
    page.get_by_role("link", name="Sign out").click()
    check_page(page)  # the page asking to confirm, whose button posts
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out")
    check_page(page)

    # The scrutiny officer signs in with two-factor and finds the action in the queue.
    _sign_in(page, base, scrutiny_officer.email)
    expect(page.locator("h1")).to_have_text("Enter your security code")
    check_page(page)
    page.get_by_label("Security code").fill(f"{TOTP(scrutiny_device.bin_key).token():06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Dashboard")
    expect(page.locator("#count-queue")).to_have_text("1")
    check_page(page)
    page.get_by_role("link", name="Assessment queue").click()
    expect(page.locator("h1")).to_have_text("Ready for assessment")
    check_page(page)
    page.get_by_role("link", name=re.compile(r"^R2")).click()
    check_page(page)
    page.get_by_role("button", name="Assess this action").click()
    check_page(page)
    page.get_by_label("Assured", exact=True).check()
    page.get_by_label("Rationale").fill("Problem profile seen; it uses partner data.")
    page.get_by_role("button", name="Record assessment").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Assessment recorded"
    )
    assurance = page.locator(".govuk-summary-list__row", has_text="Assurance")
    expect(assurance.locator(".govuk-tag")).to_have_text("Assured")
    expect(page.locator(".app-timeline")).to_contain_text("Assessment: Assured")
    expect(page.locator(".app-timeline")).to_contain_text("Problem profile seen")
    check_page(page)
    _screenshot(page, "answerable-action")

    # The dashboard counts the action as ready and assured, with nothing left in the queue.
    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("#count-queue")).to_have_text("0")
    assert _dashboard_count(page, "by-status", "Ready for assessment") == "1"
    owner_row = page.locator("#by-owner tr", has_text="Shire Police")
    expect(owner_row).to_be_visible()
    source_row = page.locator("#by-source tr", has_text="Inspection of child exploitation")
    headers = page.locator("#by-source thead th").all_inner_texts()
    cells = source_row.locator("td").all_inner_texts()
    assert cells[headers.index("Assured") - 1] == "1"
    check_page(page)
    _screenshot(page, "answerable-dashboard")

    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue()


def test_an_empty_update_shows_the_error_summary(page, live_server, journey_action, force_lead):
    _sign_in(page, live_server.url, force_lead.email)
    visit_and_check(page, f"{live_server.url}/register/actions/{journey_action.pk}/update/")

    page.get_by_role("button", name="Post update").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter what has been done since the last update")
    expect(summary).to_be_focused()  # govuk-frontend moves focus to the summary
    assert page.title().startswith("Error: ")
    check_page(page)
    links = summary.locator("a")
    assert links.count() >= 1
    for index in range(links.count()):
        target = links.nth(index).get_attribute("href")
        assert target is not None
        assert target.startswith("#")
        expect(page.locator(target)).to_have_count(1)
        links.nth(index).click()
        expect(page.locator(target)).to_be_focused()


def test_signing_in_and_posting_an_update_work_without_javascript(
    page_without_javascript, live_server, journey_action, force_lead
):
    page = page_without_javascript
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Email address").fill(force_lead.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Dashboard")

    page.goto(f"{live_server.url}/register/actions/{journey_action.pk}/update/")
    page.get_by_label("What has been done since the last update").fill("Draft profile shared.")
    page.get_by_label("On track").check()
    page.get_by_role("button", name="Post update").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Update posted")
    expect(page.locator(".app-timeline")).to_contain_text("Draft profile shared.")
    assert page.locator("h1").count() == 1
    journey_action.refresh_from_db()
    assert journey_action.delivery_status == "on_track"

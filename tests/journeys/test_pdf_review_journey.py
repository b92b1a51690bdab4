"""A scrutiny officer reviews a report PDF's items beside their pages, corrects two, imports
them and opens a new recommendation's similar ones (issue #19). Every page is checked with
axe-core. The browser fixtures are the journeys' own, through this folder's conftest.py."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from answerable.extraction.models import RecommendationOrigin
from answerable.extraction.tests.layouts import layout
from answerable.recurrence.services import refresh_vectors
from tests.journeys.helpers import check_page, sign_in, visit_and_check

pytestmark = pytest.mark.browser


def test_an_officer_reviews_corrects_and_imports_a_report(
    page, live_server, scrutiny_officer, tmp_path
):
    report = tmp_path / "hmicfrs.pdf"
    report.write_bytes(layout("hmicfrs").pdf)
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)
    sign_in(page, live_server.url, scrutiny_officer.email, device)
    visit_and_check(page, f"{live_server.url}/register/from-pdf/")
    page.get_by_label("Upload a report PDF").set_input_files(report)
    page.get_by_role("button", name="Find recommendations").click()
    page.get_by_role("button", name="Review and import these items").click()
    expect(page.locator("h1")).to_have_text("Review the items in hmicfrs.pdf")
    check_page(page)
    page.locator("#item-2 summary").click()
    expect(page.locator("#item-2 mark")).to_be_visible()

    # First correction: item 2's reference, after an error for an empty text.
    page.get_by_role("link", name="Change item 2", exact=True).click()
    expect(page.locator("h1")).to_have_text("Change item 2")
    expect(page.locator("mark")).to_be_visible()
    check_page(page)
    page.get_by_label("Reference as published").fill("R1")
    page.get_by_label("Full text").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the full text of the item")
    check_page(page)
    page.get_by_label("Full text").fill("Forces should share what they know about exploitation.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Item 2 changed")
    expect(page.locator("#item-2 h2")).to_contain_text("Item 2: R1")

    # Second correction: item 3 is dropped.
    page.get_by_role("button", name="Drop item 3", exact=True).click()
    expect(page.locator("#item-3 h2")).to_contain_text("Dropped")
    expect(page.get_by_text("19 items will be imported.")).to_be_visible()
    check_page(page)

    page.get_by_label("Source title").fill("Child exploitation inspection")
    page.get_by_role("button", name="Import these items").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "19 recommendations imported from hmicfrs.pdf"
    )
    check_page(page)

    origin = RecommendationOrigin.objects.get(recommendation__reference="R1")
    assert origin.page == 2
    assert origin.file_name == "hmicfrs.pdf"
    refresh_vectors()
    page.get_by_role("link", name="similar recommendations to R1").click()
    expect(page).to_have_url(
        f"{live_server.url}/recurrence/recommendations/{origin.recommendation_id}/similar/"
    )
    check_page(page)

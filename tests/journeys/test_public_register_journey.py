"""The public register in a real browser (issue #14): the office publishes a report, and a
signed-out visitor finds its recommendations and each partner's progress from the home page.
Every page is checked with axe-core."""

from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from answerable.recommendations import services
from answerable.recommendations.models import Source
from tests.journeys.helpers import check_page, sign_in, visit_and_check

pytestmark = pytest.mark.browser


def test_the_office_publishes_a_report_and_a_visitor_follows_its_progress(
    page, browser, live_server, scrutiny_officer, office, force
):
    source = services.source_create(
        actor=scrutiny_officer,
        owner=office,
        title="Independent Inquiry into Telford Child Sexual Exploitation",
        kind=Source.Kind.INQUIRY,
        publisher="Independent inquiry",
    )
    recommendation = services.recommendation_create(
        actor=scrutiny_officer,
        source=source,
        reference="4",
        text="The force should review how it records intelligence about exploitation.",
    )
    services.action_create(
        actor=scrutiny_officer,
        recommendation=recommendation,
        owner=force,
        description="Internal: audit the intelligence logs",
    )
    base = live_server.url
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)
    sign_in(page, base, scrutiny_officer.email, device)
    visit_and_check(page, f"{base}{source.get_absolute_url()}")
    expect(page.locator("#public-status")).to_contain_text("Not on the public site")
    page.get_by_role("button", name="Publish on the public site").click()
    check_page(page)
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#public-status")).to_contain_text("On the public site since")

    visitor = browser.new_context(bypass_csp=True).new_page()  # signed out; axe is injected
    visit_and_check(visitor, f"{base}/")
    visitor.get_by_label("Search published recommendations").fill("intelligence exploitation")
    visitor.get_by_role("button", name="Search").click()
    check_page(visitor)
    expect(visitor.locator("#results")).to_contain_text("4: Independent Inquiry")
    visitor.go_back()
    visitor.get_by_role("link", name=source.title).click()
    check_page(visitor)
    expect(visitor.locator("#by-organisation")).to_contain_text(force.name)
    visitor.get_by_role("link", name="4", exact=True).click()
    check_page(visitor)
    expect(visitor.locator("#actions")).to_contain_text(force.name)
    expect(visitor.locator("#actions")).to_contain_text("Not started")
    expect(visitor.locator("body")).not_to_contain_text("Internal: audit the intelligence logs")
    visitor.go_back()
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="CSV file of its recommendations").click()
    csv_text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0].startswith("report_id,report,publisher,recommendation_id")
    assert force.name in csv_text
    assert "Internal: audit the intelligence logs" not in csv_text
    visitor.get_by_role("link", name="what each column holds").click()
    check_page(visitor)

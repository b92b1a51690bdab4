"""Public narratives in a real browser (issue #14): owners propose the public text of their
updates, the office approves it, with four-eyes a second officer, and a signed-out visitor reads
only the approved text. Every page is checked with axe-core."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import member
from answerable.recommendations import services
from answerable.recommendations.models import Source
from tests.journeys.helpers import check_page, sign_in, visit_and_check

pytestmark = pytest.mark.browser

FORCE_INTERNAL = "Internal: two analysts are off sick, so the audit slipped"
FORCE_PUBLIC = "The force has audited how it records intelligence about exploitation."
OFFICE_INTERNAL = "Internal: the commissioning budget is still in dispute"
OFFICE_PUBLIC = "The office has commissioned an independent survivors' advocacy service."


def post_update(page: Page, base: str, action_url: str, internal: str, public: str) -> None:
    """Post an update on the action with internal progress and proposed public text."""
    visit_and_check(page, f"{base}{action_url}")
    page.get_by_role("button", name="Post an update").click()
    check_page(page)
    page.get_by_label("What has been done since the last update").fill(internal)
    page.get_by_label("Text for the public site (optional)").fill(public)
    page.get_by_label("On track").check()
    page.get_by_role("button", name="Post update").click()
    check_page(page)
    expect(page.locator("body")).to_contain_text("Update posted")


def review(page: Page, base: str, reference_text: str) -> None:
    """Open the office's review queue and the proposal whose text starts as given."""
    visit_and_check(page, f"{base}/register/assessment-queue/")
    page.get_by_role("link", name="Review the text owners propose for the public site").click()
    check_page(page)
    row = page.locator("#narratives tr", has_text=reference_text[:60])
    row.get_by_role("link").click()
    check_page(page)
    expect(page.locator("#proposed")).to_have_text(reference_text)


def test_owners_propose_public_text_and_a_second_officer_approves_it(
    page, browser, live_server, scrutiny_officer, office, force, force_lead
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
    force_action = services.action_create(
        actor=scrutiny_officer,
        recommendation=recommendation,
        owner=force,
        description="Audit the intelligence logs",
    )
    # The office owns a share too, and its scrutiny officer leads that share for it.
    office_action = services.action_create(
        actor=scrutiny_officer,
        recommendation=recommendation,
        owner=office,
        description="Commission an advocacy service",
    )
    Membership.objects.create(
        user=scrutiny_officer, organisation=office, role=Membership.Role.LEAD_OFFICER
    )
    services.source_publish(actor=scrutiny_officer, source=source)
    Organisation.objects.filter(pk=office.pk).update(requires_second_approval=True)
    base = live_server.url

    # The force's lead officer proposes text for the public site with the update.
    lead = browser.new_context(bypass_csp=True).new_page()
    sign_in(lead, base, force_lead.email)
    post_update(lead, base, force_action.get_absolute_url(), FORCE_INTERNAL, FORCE_PUBLIC)
    expect(lead.locator("body")).to_contain_text("Waiting for review")

    # The scrutiny officer approves the force's text, and proposes the office's own.
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)
    sign_in(page, base, scrutiny_officer.email, device)
    post_update(page, base, office_action.get_absolute_url(), OFFICE_INTERNAL, OFFICE_PUBLIC)
    review(page, base, FORCE_PUBLIC)
    expect(page.locator("#internal")).to_have_text(FORCE_INTERNAL)
    page.get_by_label("Yes, approve it").check()
    page.get_by_role("button", name="Save decision").click()
    check_page(page)
    expect(page.locator("body")).to_contain_text("Approved for the public site")

    # Four-eyes: the officer cannot approve the text they proposed themselves.
    review(page, base, OFFICE_PUBLIC)
    page.get_by_label("Yes, approve it").check()
    page.get_by_role("button", name="Save decision").click()
    check_page(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "someone other than the person who proposed it"
    )
    assert page.title().startswith("Error: ")

    visitor = browser.new_context(bypass_csp=True).new_page()  # signed out; axe is injected
    visit_and_check(visitor, f"{base}/")
    visitor.get_by_role("link", name=source.title).click()
    check_page(visitor)
    visitor.get_by_role("link", name="4", exact=True).click()
    check_page(visitor)
    expect(visitor.locator("#progress")).to_be_visible()
    expect(visitor.locator("main")).to_contain_text(FORCE_PUBLIC)
    expect(visitor.locator("main")).not_to_contain_text(OFFICE_PUBLIC)  # not yet approved

    # A second officer of the office approves it; now the visitor sees it too.
    colleague = member(office, Membership.Role.SCRUTINY_OFFICER, full_name="Pat Second")
    other_device = TOTPDevice.objects.create(user=colleague, name="Phone", confirmed=True)
    second = browser.new_context(bypass_csp=True).new_page()
    sign_in(second, base, colleague.email, other_device)
    review(second, base, OFFICE_PUBLIC)
    second.get_by_label("Yes, approve it").check()
    second.get_by_role("button", name="Save decision").click()
    check_page(second)
    expect(second.locator("body")).to_contain_text("Approved for the public site")

    visitor.reload()
    check_page(visitor)
    body = visitor.locator("body")
    expect(body).to_contain_text(FORCE_PUBLIC)
    expect(body).to_contain_text(OFFICE_PUBLIC)
    for internal in (FORCE_INTERNAL, OFFICE_INTERNAL, "Audit the intelligence logs"):
        expect(body).not_to_contain_text(internal)

    # The report's page filters without JavaScript, and its history carries the approved text.
    visitor.get_by_role("link", name=source.title).first.click()
    check_page(visitor)
    visitor.get_by_label("Organisation acting").select_option(label=force.name)
    visitor.get_by_role("button", name="Apply filters").click()
    check_page(visitor)
    expect(visitor.locator("#filter-result")).to_contain_text("1 of 1 recommendations matches")
    visitor.get_by_role("link", name="What changed on this report").click()
    check_page(visitor)
    expect(visitor.locator("#history")).to_contain_text(FORCE_PUBLIC)
    expect(visitor.locator("body")).not_to_contain_text(FORCE_INTERNAL)

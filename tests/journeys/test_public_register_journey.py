"""The public register in a real browser (issue #14): the office publishes the Telford inquiry,
a lead officer proposes the public text of an update with published evidence, the office
approves it, and a signed-out visitor finds it from the home page, filters the report, reads
the recommendation, follows its assurance verdict to the meeting summary, downloads the
evidence and the CSV. Every page is checked with axe-core."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from answerable.core.testing import pdf_bytes
from answerable.meetings import services as meeting_services
from answerable.meetings.models import AccountabilityMeeting
from answerable.publishing import services as publishing_services
from answerable.recommendations import services
from answerable.recommendations.models import Source, Theme
from tests.journeys.helpers import check_page, sign_in, visit_and_check

pytestmark = pytest.mark.browser

INTERNAL = "Internal: audit the intelligence logs"
INTERNAL_UPDATE = "Internal: two analysts are off sick, so the audit slipped"
PUBLIC_TEXT = "The force has audited how it records intelligence about exploitation."
EVIDENCE_PDF = pdf_bytes()


def hold_meeting_on(recommendation, office, scrutiny_officer) -> AccountabilityMeeting:  # type: ignore[no-untyped-def]
    """A held meeting whose item considered the recommendation and partly assured it; the
    verdict recorded as the recommendation's assessment and the summary published."""
    meeting = meeting_services.meeting_create(
        actor=scrutiny_officer,
        office=office,
        title="Holding to account: Telford",
        kind=AccountabilityMeeting.Kind.HOLDING_TO_ACCOUNT,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        venue="Shirehall",
        chair_name="Police and Crime Commissioner",
        is_public=True,
    )
    item = meeting_services.agenda_item_add(
        actor=scrutiny_officer,
        meeting=meeting,
        title="Intelligence about exploitation",
        recommendations=[recommendation],
    )
    meeting_services.item_verdict_record(
        expected_version=0,
        actor=scrutiny_officer,
        item=item,
        verdict="partly_assured",
        rationale="The audit is done; the new recording standard is not yet in use.",
    )
    meeting_services.item_verdict_assessments_confirm(
        actor=scrutiny_officer, item=item, recommendations=[recommendation]
    )
    meeting_services.meeting_status_change(actor=scrutiny_officer, meeting=meeting, status="held")
    publication = publishing_services.publication_draft(actor=scrutiny_officer, meeting=meeting)
    publishing_services.publication_submit(actor=scrutiny_officer, publication=publication)
    publishing_services.publication_publish(
        actor=scrutiny_officer, publication=publication, reviewed_digest=publication.content_digest
    )
    return meeting


def propose(page: Page, base: str, action_url: str) -> None:
    """The lead officer posts an update with public text and an evidence file to publish."""
    visit_and_check(page, f"{base}{action_url}")
    page.get_by_role("button", name="Post an update").click()
    check_page(page)
    page.get_by_label("What has been done since the last update").fill(INTERNAL_UPDATE)
    page.get_by_label("Text for the public site (optional)").fill(PUBLIC_TEXT)
    page.get_by_label("On track").check()
    page.get_by_label("Attach evidence (optional)").set_input_files(
        {"name": "audit.pdf", "mimeType": "application/pdf", "buffer": EVIDENCE_PDF}
    )
    page.get_by_label("Evidence title").fill("Audit summary")
    page.get_by_label("The evidence may be published on the public site").check()
    page.get_by_role("button", name="Post update").click()
    check_page(page)
    expect(page.locator("body")).to_contain_text("Waiting for review")


def approve(page: Page, base: str) -> None:
    """The scrutiny officer approves the proposed text from the review queue."""
    visit_and_check(page, f"{base}/register/assessment-queue/")
    page.get_by_role("link", name="Review the text owners propose for the public site").click()
    check_page(page)
    page.locator("#narratives tr", has_text=PUBLIC_TEXT[:60]).get_by_role("link").click()
    check_page(page)
    page.get_by_label("Yes, approve it").check()
    page.get_by_role("button", name="Save decision").click()
    check_page(page)
    expect(page.locator("body")).to_contain_text("Approved for the public site")


def test_the_office_publishes_a_report_and_a_visitor_follows_its_progress(
    page, browser, live_server, scrutiny_officer, office, force, force_lead
):
    source = services.source_create(
        actor=scrutiny_officer,
        owner=office,
        title="Independent Inquiry into Telford Child Sexual Exploitation",
        kind=Source.Kind.INQUIRY,
        publisher="Independent inquiry",
    )
    theme = Theme.objects.create(office=office, name="Intelligence")
    recommendation = services.recommendation_create(
        actor=scrutiny_officer,
        source=source,
        reference="4",
        text="The force should review how it records intelligence about exploitation.",
    )
    recommendation.themes.set([theme])
    action = services.action_create(
        actor=scrutiny_officer,
        recommendation=recommendation,
        owner=force,
        description=INTERNAL,
        target_on=timezone.localdate() + datetime.timedelta(days=90),
    )
    services.action_target_date_change(
        actor=scrutiny_officer,
        action=action,
        new_on=timezone.localdate() - datetime.timedelta(days=5),
        reason="Brought forward after the inquiry's report",
        expected_version=action.version,
    )
    base = live_server.url

    # The office publishes the report.
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)
    sign_in(page, base, scrutiny_officer.email, device)
    visit_and_check(page, f"{base}{source.get_absolute_url()}")
    expect(page.locator("#public-status")).to_contain_text("Not on the public site")
    page.get_by_role("button", name="Publish on the public site").click()
    check_page(page)
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#public-status")).to_contain_text("On the public site since")

    # The force's lead officer proposes public text with evidence; the office approves it.
    lead = browser.new_context(bypass_csp=True).new_page()
    sign_in(lead, base, force_lead.email)
    propose(lead, base, action.get_absolute_url())
    approve(page, base)
    meeting = hold_meeting_on(recommendation, office, scrutiny_officer)

    # A signed-out visitor finds it from the home page.
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
    visitor.get_by_label("Theme").select_option(label="Intelligence")
    visitor.get_by_label("Target dates").select_option(label="Has an overdue action")
    visitor.get_by_role("button", name="Apply filters").click()
    check_page(visitor)
    expect(visitor.locator("#filter-result")).to_contain_text("1 of 1 recommendations matches")
    visitor.get_by_role("link", name="4", exact=True).click()
    check_page(visitor)
    expect(visitor.locator("#actions")).to_contain_text(force.name)
    expect(visitor.locator("#actions")).to_contain_text("On track")
    expect(visitor.locator("#date-changes")).to_contain_text(
        "Brought forward after the inquiry's report"
    )
    expect(visitor.locator("#progress")).to_be_visible()
    expect(visitor.locator("main")).to_contain_text(PUBLIC_TEXT)
    expect(visitor.locator("#assurance")).to_contain_text("Partly assured")
    body = visitor.locator("body")
    for internal in (INTERNAL, INTERNAL_UPDATE):
        expect(body).not_to_contain_text(internal)
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="Audit summary").click()
    assert Path(download.value.path()).read_bytes() == EVIDENCE_PDF

    # The verdict leads to the meeting's published summary, and back.
    visitor.locator("#assurance").get_by_role("link", name=meeting.title).click()
    check_page(visitor)
    expect(visitor.locator("h1")).to_have_text(meeting.title)
    expect(visitor.locator("body")).to_contain_text("Intelligence about exploitation")
    visitor.go_back()
    check_page(visitor)

    # Back on the report, the visitor downloads its data.
    visitor.get_by_role("link", name=source.title).first.click()
    check_page(visitor)
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="CSV file of its recommendations").click()
    csv_text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0].startswith("report_id,report,publisher,recommendation_id")
    assert force.name in csv_text
    assert INTERNAL not in csv_text
    visitor.get_by_role("link", name="what each column holds").click()
    check_page(visitor)

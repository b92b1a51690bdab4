"""The partnership report in a real browser (issue #15): the office reads the source's
completion forecast, previews a progress report and downloads it as Word. Every page is
checked with axe-core."""

import datetime
import io

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from docx import Document
from playwright.sync_api import expect

from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import member
from answerable.recommendations import services
from answerable.recommendations.models import DeliveryStatus, Source
from tests.journeys.helpers import check_page, sign_in, visit_and_check

pytestmark = pytest.mark.browser


def test_the_office_reads_the_forecast_and_downloads_a_report(
    page, live_server, scrutiny_officer, office, force, force_lead
):
    source = services.source_create(
        actor=scrutiny_officer,
        owner=office,
        title="Independent Inquiry into Telford Child Sexual Exploitation",
        kind=Source.Kind.INQUIRY,
        publisher="Independent inquiry",
    )
    recommendation = services.recommendation_create(
        actor=scrutiny_officer, source=source, reference="4", text="Review intelligence records."
    )
    action = services.action_create(
        actor=scrutiny_officer, recommendation=recommendation, owner=force, description="Audit"
    )
    services.update_post(
        actor=force_lead, action=action, narrative="Audit done.", status=DeliveryStatus.COMPLETED
    )
    base = live_server.url
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)
    sign_in(page, base, scrutiny_officer.email, device)
    visit_and_check(page, f"{base}{source.get_absolute_url()}")
    page.get_by_role("link", name="When will it be done? See the completion forecast").click()
    check_page(page)
    expect(page.locator("#delivery-sentence")).to_contain_text("nothing is open")

    visit_and_check(page, f"{base}/register/sources/")
    page.get_by_role("button", name="Write a progress report").click()
    check_page(page)
    page.get_by_role("button", name="Preview the report").click()  # nothing chosen yet
    check_page(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select at least one source")
    page.get_by_label(source.title).check()
    today = timezone.localdate()
    page.get_by_label("Period starts").fill((today - datetime.timedelta(days=30)).isoformat())
    page.get_by_label("Period ends").fill(today.isoformat())
    page.get_by_role("button", name="Preview the report").click()
    check_page(page)
    expect(page.locator("#completed")).to_contain_text("Newly completed (1)")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as Word").click()
    document = Document(io.BytesIO(download.value.path().read_bytes()))
    assert any("Newly completed (1)" in p.text for p in document.paragraphs)


def test_the_office_adds_a_report_and_a_second_officer_approves_it(
    page, browser, live_server, scrutiny_officer, office, force
):
    Organisation.objects.filter(pk=office.pk).update(requires_second_approval=True)
    source = services.source_create(
        actor=scrutiny_officer,
        owner=office,
        title="Independent Inquiry into Telford Child Sexual Exploitation",
        kind=Source.Kind.INQUIRY,
        publisher="Independent inquiry",
    )
    services.recommendation_create(
        actor=scrutiny_officer, source=source, reference="4", text="Review intelligence records."
    )
    base = live_server.url
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)
    sign_in(page, base, scrutiny_officer.email, device)
    visit_and_check(page, f"{base}/reports/")
    page.get_by_role("button", name="Add a progress report").click()
    check_page(page)
    page.get_by_label("Title").fill("Telford inquiry: partnership report, June 2027")
    page.get_by_label("Due").fill("2027-06-30")
    page.get_by_label(source.title).check()
    page.get_by_label("Period starts").fill("2026-07-01")
    page.get_by_label("Period ends").fill("2027-06-30")
    page.get_by_label("Public: published sources only, no internal text").check()
    page.get_by_role("button", name="Add report").click()
    check_page(page)
    expect(page.locator("#needs-other")).to_contain_text("ask a colleague")
    expect(page.get_by_role("button", name="Approve this report")).to_have_count(0)

    colleague = member(office, Membership.Role.SCRUTINY_OFFICER, full_name="Pat Second")
    other_device = TOTPDevice.objects.create(user=colleague, name="Phone", confirmed=True)
    second = browser.new_context(bypass_csp=True).new_page()
    sign_in(second, base, colleague.email, other_device)
    visit_and_check(second, f"{base}/reports/")
    second.get_by_role("link", name="Telford inquiry: partnership report, June 2027").click()
    check_page(second)
    second.get_by_role("button", name="Approve this report").click()
    check_page(second)
    second.get_by_role("button", name="Approve").click()
    check_page(second)
    expect(second.locator("#frozen")).to_contain_text("Approved and frozen")
    with second.expect_download() as download:
        second.get_by_role("link", name="Download as PDF").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")

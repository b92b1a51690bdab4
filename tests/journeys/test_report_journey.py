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

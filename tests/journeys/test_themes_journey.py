"""Themes across reports in a real browser (issue #17): the scrutiny officer merges two
themes written two ways, then opens the theme and sees the recommendations of both reports
on it. Every page is checked with axe-core."""

import datetime

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from answerable.recommendations import services as register
from answerable.recommendations.models import Source
from tests.journeys.helpers import check_page, sign_in, visit_and_check

pytestmark = pytest.mark.browser


def _recommendation(officer, office, title, published_on, theme):
    source = register.source_create(
        actor=officer,
        owner=office,
        title=title,
        kind=Source.Kind.INSPECTION,
        publisher="HMICFRS",
        published_on=published_on,
    )
    return register.recommendation_create(
        actor=officer, source=source, reference="R1", text="Share information.", themes=[theme]
    )


def test_the_office_merges_two_themes_and_reads_the_theme_across_reports(
    page: Page, live_server, scrutiny_officer, office
):
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)
    _recommendation(
        scrutiny_officer, office, "PEEL 2019", datetime.date(2019, 5, 2), "Info sharing"
    )
    _recommendation(
        scrutiny_officer, office, "PEEL 2023", datetime.date(2023, 12, 11), "Information sharing"
    )
    base = live_server.url

    sign_in(page, base, scrutiny_officer.email, device)
    visit_and_check(page, f"{base}/register/sources/")
    page.get_by_role("link", name="Themes: every recommendation on a subject").click()
    check_page(page)
    expect(page.locator("h1")).to_have_text("Themes")
    page.get_by_role("link", name="Merge Info sharing").click()
    check_page(page)

    page.get_by_role("button", name="Merge themes").click()  # nothing chosen
    check_page(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select the theme to merge it into"
    )
    page.get_by_label("Merge it into").select_option(label="Information sharing")
    page.get_by_role("button", name="Merge themes").click()
    check_page(page)

    expect(page.locator("h1")).to_have_text("Information sharing")
    expect(page.locator("#result-count")).to_contain_text("2 recommendations")
    tables = page.locator("main table caption")
    expect(tables.nth(0)).to_contain_text("PEEL 2019")
    expect(tables.nth(1)).to_contain_text("PEEL 2023")

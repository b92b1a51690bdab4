"""Breakdowns in a real browser (issue #16): the office breaks an indicator down by area, the
owner records a month for each area, and the public sees the areas with small counts withheld.

Every page visited is checked with axe-core.
"""

from decimal import Decimal

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from answerable.indicators import periods
from answerable.indicators.models import Indicator
from answerable.indicators.tests.factories import IndicatorFactory, monthly_values
from tests.journeys.helpers import check_page, sign_in, visit_and_check

pytestmark = pytest.mark.browser


@pytest.fixture
def last_month():
    return periods.add_periods(
        periods.period_containing(timezone.localdate(), "monthly"), -1, "monthly"
    )


@pytest.fixture
def indicator(force, office, last_month) -> Indicator:
    indicator = IndicatorFactory(
        owner=force, office=office, name="Children missing from care", is_publishable=True
    )
    monthly_values(indicator, periods.add_periods(last_month, -15, "monthly"), [40, 44] * 8)
    return indicator


def test_the_areas_are_defined_recorded_and_published_with_small_counts_withheld(
    page, live_server, indicator, last_month, force_lead, scrutiny_officer
):
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)
    sign_in(page, live_server.url, scrutiny_officer.email, device)
    visit_and_check(page, f"{live_server.url}{indicator.get_absolute_url()}")
    page.get_by_role("link", name="Break the figures down").click()
    expect(page.locator("h1")).to_have_text("Break down Children missing from care")
    check_page(page)
    page.get_by_label("What the figures are broken down by").fill("Local policing area")
    page.get_by_label("Categories").fill("Telford and Wrekin")
    page.get_by_role("button", name="Add breakdown").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give between 2 and 50")
    assert page.title().startswith("Error: ")
    check_page(page)
    page.get_by_label("Categories").fill("Telford and Wrekin\nShropshire\nHerefordshire")
    page.get_by_role("button", name="Add breakdown").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Breakdown added: Local policing area"
    )
    check_page(page)

    # The owner records last month for each area: 3 + 11 + 30 of the total 44.
    page.context.clear_cookies()
    sign_in(page, live_server.url, force_lead.email)
    visit_and_check(page, f"{live_server.url}{indicator.get_absolute_url()}")
    expect(page.get_by_role("link", name="Break the figures down")).to_have_count(0)
    page.get_by_role("link", name="Record figures by Local policing area").click()
    check_page(page)
    label = periods.period_label(last_month, "monthly")
    expect(page.get_by_role("heading", level=2, name=label)).to_be_visible()
    for area, figure in (
        ("Telford and Wrekin", "3"),
        ("Shropshire", "11"),
        ("Herefordshire", "30"),
    ):
        page.get_by_label(area, exact=True).fill(figure)
    page.get_by_role("button", name="Save figures").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "3 figures recorded for Local policing area"
    )
    check_page(page)
    page.get_by_role("link", name="Shropshire").click()
    expect(page.locator("#category")).to_contain_text("Shropshire")
    expect(page.locator("#category-figures")).to_contain_text("11")
    expect(page.locator("svg[role=img]")).to_have_count(2)
    check_page(page)

    # The public page: the small count and the figure that would give it back are withheld.
    page.context.clear_cookies()
    visit_and_check(page, f"{live_server.url}/public/indicators/{indicator.pk}/")
    table = page.locator("table", has_text="By Local policing area")
    expect(table).to_contain_text("fewer than 5")
    expect(table).to_contain_text("withheld")
    expect(table).to_contain_text("30")
    expect(table).not_to_contain_text("11")
    assert Decimal(44) == indicator.values.get(period_start=last_month).value

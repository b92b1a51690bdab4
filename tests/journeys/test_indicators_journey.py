"""Indicators in a real browser (issue #16): the owner records a month and sees it.

A force's lead officer opens the indicator from the list, records a figure for a month with
the form, and finds it in the table and as a point on the chart. Every page visited is
checked with axe-core.
"""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from answerable.indicators import periods
from answerable.indicators.models import Indicator
from answerable.indicators.tests.factories import IndicatorFactory, monthly_values
from tests.journeys.helpers import check_page, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def indicator(force, office) -> Indicator:
    indicator = IndicatorFactory(
        owner=force, office=office, name="CSE intelligence submissions", target_value=Decimal(40)
    )
    # 16 months of figures ending the month before last, so last month is free to record.
    last_month = periods.add_periods(
        periods.period_containing(timezone.localdate(), "monthly"), -1, "monthly"
    )
    first = periods.add_periods(last_month, -16, "monthly")
    monthly_values(indicator, first, [44, 48] * 8)
    return indicator


def test_the_owner_records_a_month_and_sees_it_on_the_chart_and_table(
    page, live_server, indicator, force_lead
):
    last_month = periods.add_periods(
        periods.period_containing(timezone.localdate(), "monthly"), -1, "monthly"
    )
    label = periods.period_label(last_month, "monthly")
    sign_in(page, live_server.url, force_lead.email)
    page.goto(f"{live_server.url}/indicators/")
    expect(page.locator("h1")).to_have_text("Indicators")
    check_page(page)
    page.get_by_role("link", name="CSE intelligence submissions").click()
    expect(page.locator("h1")).to_have_text("CSE intelligence submissions")
    check_page(page)
    points_before = page.locator("svg[role=img] circle, svg[role=img] rect").count()
    assert points_before == 16

    page.get_by_role("button", name="Record a figure").click()
    expect(page.locator("h1")).to_have_text("Record a figure for CSE intelligence submissions")
    check_page(page)
    # The newest month without a figure is offered first.
    expect(page.get_by_label("Period", exact=True)).to_have_value(last_month.isoformat())
    page.get_by_label("Figure", exact=True).fill("lots")
    page.get_by_role("button", name="Save figure").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The figure must be a number")
    assert page.title().startswith("Error: ")
    check_page(page)
    page.get_by_label("Figure", exact=True).fill("71")
    page.get_by_role("button", name="Save figure").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{label} recorded: 71"
    )
    check_page(page)
    first_row = page.locator("#figures tbody tr").first
    expect(first_row).to_contain_text(label)
    expect(first_row).to_contain_text("71")
    expect(first_row).to_contain_text("Special cause, improving: above the upper process limit")
    chart = page.locator("svg[role=img]")
    expect(chart.locator("title")).to_contain_text("statistical process control chart")
    expect(chart.locator("circle, rect")).to_have_count(17)
    # The new month is the highest point: a large blue circle, marked improving.
    expect(chart.locator("circle[r='6']")).to_have_count(1)
    expect(page.locator("#variation")).to_contain_text("Special cause variation, improving")

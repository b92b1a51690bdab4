"""Recurrence across reports in a real browser (issue #19): the scrutiny officer opens a
recommendation, sees the same ask in an earlier report, confirms it, and reads the recurring
themes. Every page is checked with axe-core."""

import datetime

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from answerable.recommendations import services as register
from answerable.recommendations.models import RecommendationLink, Source
from answerable.recurrence import index, services
from tests.journeys.helpers import check_page, sign_in, visit_and_check

pytestmark = pytest.mark.browser


def _recommendation(officer, office, title, published_on, reference, text):  # type: ignore[no-untyped-def]
    source = register.source_create(
        actor=officer,
        owner=office,
        title=title,
        kind=Source.Kind.INSPECTION,
        publisher="HMICFRS",
        published_on=published_on,
    )
    return register.recommendation_create(
        actor=officer, source=source, reference=reference, text=text
    )


def test_the_office_sees_and_confirms_the_same_ask_in_an_earlier_report(
    page: Page, live_server, scrutiny_officer, office
):
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)
    earlier = _recommendation(
        scrutiny_officer,
        office,
        "PEEL 2018/19",
        datetime.date(2019, 5, 2),
        "7",
        "Ensure regular and active supervision of the quality and progress of investigations.",
    )
    later = _recommendation(
        scrutiny_officer,
        office,
        "PEEL revisit 2023",
        datetime.date(2023, 12, 11),
        "CoC",
        "Outstanding recommendation: investigation plans and supervisory oversight.",
    )
    index.forget()
    services.index_rebuild()
    base = live_server.url

    sign_in(page, base, scrutiny_officer.email, device)
    visit_and_check(page, f"{base}{later.get_absolute_url()}")
    page.get_by_role("link", name="Similar recommendations in other reports").click()
    check_page(page)
    expect(page.locator("h1")).to_have_text("Similar recommendations")
    row = page.locator("#similar tbody tr").first
    expect(row).to_contain_text("PEEL 2018/19")
    expect(row).to_contain_text("2 May 2019")
    expect(row).to_contain_text("Not assessed")

    row.get_by_role("button", name="Confirm 7 asks the same").click()
    check_page(page)
    expect(page.locator("#similar")).to_contain_text("Confirmed: linked as overlapping")
    assert RecommendationLink.objects.filter(
        from_recommendation=later, to_recommendation=earlier, kind="overlaps"
    ).exists()

    page.get_by_role("link", name="See the recurring themes across reports").click()
    check_page(page)
    expect(page.locator("#themes")).to_contain_text("PEEL 2018/19: 1")
    expect(page.locator("#themes")).to_contain_text("PEEL revisit 2023: 1")

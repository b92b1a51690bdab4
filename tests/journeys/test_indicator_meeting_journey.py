"""An indicator as evidence at a meeting, in a real browser (issue #16).

The force's lead officer records last month's figure. The office's scrutiny officer links the
indicator to an item of the next meeting, whose page then shows the figures as they stand;
once the meeting is held they are fixed, and a figure revised afterwards leaves them alone.
The published summary shows the fixed figures of the indicator that may be published, and
nothing of the one that may not. Every page visited is checked with axe-core.
"""

from decimal import Decimal

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from answerable.indicators import agenda_links, periods, services
from answerable.indicators.models import Indicator
from answerable.indicators.tests.factories import IndicatorFactory, monthly_values
from answerable.meetings import services as meeting_services
from answerable.meetings.models import AccountabilityMeeting
from answerable.meetings.tests.factories import meeting_has_started, planned_meeting
from tests.journeys.helpers import check_page, sign_in, visit_and_check

pytestmark = pytest.mark.browser

LAST_MONTH = periods.add_periods(
    periods.period_containing(timezone.localdate(), "monthly"), -1, "monthly"
)
LABEL = periods.period_label(LAST_MONTH, "monthly")


@pytest.fixture
def indicator(force, office) -> Indicator:
    """Sixteen months ending the month before last, so last month is free to record."""
    indicator = IndicatorFactory(
        owner=force, office=office, name="CSE intelligence submissions", is_publishable=True
    )
    monthly_values(indicator, periods.add_periods(LAST_MONTH, -16, "monthly"), [44, 48] * 8)
    return indicator


@pytest.fixture
def meeting(office, force, scrutiny_officer) -> AccountabilityMeeting:
    """Next week's meeting, with an indicator that may not be published already linked."""
    meeting = planned_meeting(
        actor=scrutiny_officer, office=office, attending=force, is_public=True
    )
    item = meeting_services.agenda_item_add(
        actor=scrutiny_officer, meeting=meeting, title="Intelligence on exploitation"
    )
    internal = IndicatorFactory(owner=force, office=office, name="Covert source reports")
    monthly_values(internal, periods.add_periods(LAST_MONTH, -3, "monthly"), [7, 8, 9, 6])
    agenda_links.indicator_agenda_link_create(
        actor=scrutiny_officer, indicator=internal, agenda_item=item
    )
    return meeting


def _sign_out(page: Page) -> None:
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()
    check_page(page)


def _submit(page: Page, button: str, banner: str) -> None:
    page.get_by_role("button", name=button).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(banner)
    check_page(page)


def test_the_owner_records_a_month_the_office_links_it_and_the_summary_shows_it_as_fixed(
    page, live_server, indicator, meeting, force_lead, scrutiny_officer
):
    base = live_server.url
    # The force's lead officer records last month's figure.
    sign_in(page, base, force_lead.email)
    visit_and_check(page, f"{base}{indicator.get_absolute_url()}")
    page.get_by_role("button", name="Record a figure").click()
    check_page(page)
    expect(page.get_by_label("Period", exact=True)).to_have_value(LAST_MONTH.isoformat())
    page.get_by_label("Figure", exact=True).fill("71")
    _submit(page, "Save figure", f"{LABEL} recorded: 71")
    _sign_out(page)

    # The office's scrutiny officer links the indicator to an item of next week's meeting.
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)
    sign_in(page, base, scrutiny_officer.email, device)
    visit_and_check(page, f"{base}{indicator.get_absolute_url()}")
    expect(page.locator("#meeting-evidence + p")).to_contain_text("Not yet linked")
    page.get_by_role("link", name="Link to a meeting agenda item").click()
    check_page(page)
    page.get_by_role("button", name="Link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select the agenda item the indicator is evidence for"
    )
    assert page.title().startswith("Error: ")
    check_page(page)
    page.get_by_label("Agenda item").select_option(index=1)
    page.get_by_label("Why the figures are evidence (optional)").fill("Submissions are up")
    _submit(page, "Link", "Linked to Holding to account: child sexual exploitation")
    evidence = page.locator("#meeting-evidence + table")
    expect(evidence).to_contain_text("Not fixed yet")
    evidence.get_by_role("link", name="Holding to account: child sexual exploitation").click()
    check_page(page)
    figures = page.locator(".app-meeting-figures", has_text="CSE intelligence submissions")
    expect(figures).to_contain_text(f"CSE intelligence submissions: 71 in {LABEL}")
    expect(figures).to_contain_text("As the figures stand now")
    expect(figures).to_contain_text("Special cause variation, improving")
    figures.get_by_text("Latest figures").click()
    expect(figures.get_by_role("row").nth(1)).to_have_accessible_name(f"{LABEL} 71")
    check_page(page)

    # The meeting is held: the figures are fixed, and a revision afterwards leaves them.
    meeting_has_started(meeting)
    page.get_by_role("button", name="Update the status").click()
    check_page(page)
    page.get_by_label("Held").check()
    _submit(page, "Update status", "Meeting status updated")
    services.indicator_value_record(
        actor=force_lead,
        indicator=indicator,
        period_start=LAST_MONTH,
        value=Decimal(40),
        reason="Duplicate submissions removed",
    )
    page.reload()
    expect(figures).to_contain_text(f"CSE intelligence submissions: 71 in {LABEL}")
    expect(figures).to_contain_text("As the figures stood at the meeting on")
    check_page(page)

    # The summary carries the fixed figures of the indicator that may be published.
    page.get_by_role("button", name="Public summary").click()
    check_page(page)
    _submit(page, "Draft the summary", "Summary drafted")
    preview = page.locator("#publication-preview")
    expect(preview).to_contain_text(f"71 in {LABEL}")
    expect(preview).not_to_contain_text("Covert source reports")
    _submit(page, "Send for redaction review", "sent for redaction review")
    _submit(page, "Publish the summary", "Summary published")
    _sign_out(page)

    visit_and_check(page, f"{base}/public/")
    page.get_by_role("link", name="Holding to account: child sexual exploitation").click()
    check_page(page)
    main = page.locator("main")
    expect(main).to_contain_text(f"CSE intelligence submissions (Shire Police): 71 in {LABEL}")
    table = main.locator("table", has_text="figures as they stood at the meeting")
    expect(table.get_by_role("row").nth(1)).to_have_accessible_name(f"{LABEL} 71")
    expect(main).not_to_contain_text("Covert source reports")

"""Training coverage offered on a meeting agenda item, in a real browser (issue #4).

The scrutiny officer of the PCC's office links a course's coverage to an item of the office's
next meeting; the meeting page then shows the latest figure and target under that item. The
force's lead officer changes the course's audience and the coverage page follows. Every page
visited is checked with axe-core.
"""

import datetime
import hashlib

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from answerable.meetings import services as meeting_services
from answerable.meetings.models import AccountabilityMeeting
from answerable.workforce import importing, services
from answerable.workforce.tests.helpers import completions, roster
from tests.journeys.helpers import check_page, sign_in, visit_and_check

pytestmark = pytest.mark.browser


@pytest.fixture
def course(force, force_lead):
    course = services.course_create(
        actor=force_lead,
        owner=force,
        code="CSE",
        title="CSE awareness",
        target_percent=90,
        refresh_months=36,
        workforce_types=["officer"],
        commands=[],
    )
    roster_table, completions_table = roster(), completions()
    services.snapshot_import(
        actor=force_lead,
        organisation=force,
        taken_on=datetime.date(2025, 3, 31),
        roster=roster_table,
        completions=completions_table,
        roster_sha256=hashlib.sha256(roster_table.content).hexdigest(),
        completions_sha256=hashlib.sha256(completions_table.content).hexdigest(),
        mapping={
            "roster": importing.guess_mapping(roster_table.headers(), "roster"),
            "completions": importing.guess_mapping(completions_table.headers(), "completions"),
        },
    )
    return course


@pytest.fixture
def item(office, force, scrutiny_officer):
    meeting = meeting_services.meeting_create(
        actor=scrutiny_officer,
        office=office,
        title="Holding to account: training",
        kind=AccountabilityMeeting.Kind.HOLDING_TO_ACCOUNT,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        venue="Police headquarters",
        chair_name="Police and Crime Commissioner",
    )
    meeting_services.attendee_add(
        actor=scrutiny_officer, meeting=meeting, name="Chief Constable", organisation=force
    )
    return meeting_services.agenda_item_add(
        actor=scrutiny_officer, meeting=meeting, title="Training to spot exploitation"
    )


def test_the_office_offers_coverage_on_an_agenda_item_and_the_force_changes_the_course(
    page, live_server, course, item, scrutiny_officer, force_lead, force_action
):
    base = live_server.url
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)
    sign_in(page, base, scrutiny_officer.email, device)
    visit_and_check(page, f"{base}{course.get_absolute_url()}")
    page.get_by_role("button", name="Link to a meeting agenda item").click()
    check_page(page)
    page.get_by_role("button", name="Link coverage").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select the agenda item this coverage is evidence for"
    )
    assert page.title().startswith("Error: ")
    check_page(page)
    page.get_by_label("Agenda item").select_option(index=1)
    page.get_by_label("Why this coverage is evidence (optional)").fill("Figures for item 2")
    page.get_by_role("button", name="Link coverage").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("linked to")
    evidence = page.locator("#meeting-evidence + ul")
    expect(evidence).to_contain_text("Holding to account: training, item 2")
    check_page(page)
    evidence.get_by_role(
        "link", name="Holding to account: training, item 2: Training to spot exploitation"
    ).click()
    coverage = page.locator(f"#item-{item.pk}-coverage")
    expect(coverage).to_contain_text(
        "50.0% in date (1 of 2) on 31 March 2025, against a target of 90%"
    )
    check_page(page)
    coverage.get_by_role("link", name="CSE awareness").click()
    expect(page.locator("h1")).to_have_text("CSE awareness coverage")
    page.locator("#meeting-evidence + ul").get_by_role("link", name="Remove", exact=False).click()
    check_page(page)
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()

    # The force's lead officer adds PCSOs to the audience; the figures are counted again.
    sign_in(page, base, force_lead.email)
    visit_and_check(page, f"{base}{course.get_absolute_url()}")
    page.get_by_role("link", name="Change the course").click()
    check_page(page)
    page.get_by_label("PCSO").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#overall")).to_contain_text("2 of 3 required staff were in date")
    check_page(page)

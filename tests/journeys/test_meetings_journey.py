"""The holding-to-account journey in a real browser (issue #3, "done when").

The scrutiny officer plans a meeting, links an item to a recommendation and asks the force a
question; the force's lead officer prepares the answer and tables a paper; the scrutiny officer
records the verdict (and confirms it as an assessment), raises an action, marks an item
sensitive, publishes the summary and closes an old action. A member of the public then sees the
summary, the calendar and the feed, but nothing sensitive; the next meeting's action review
lists the open action. Every page visited is checked with axe-core.
"""

import datetime
import re

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from icalendar import Calendar
from playwright.sync_api import Page, expect

from answerable.meetings import services
from answerable.meetings.models import AccountabilityMeeting, MeetingAction
from answerable.meetings.tests.factories import PDF_BYTES, meeting_has_started
from answerable.recommendations.models import AssuranceStatus
from tests.journeys.helpers import check_page, visit_and_check

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"  # the user factory's password


@pytest.fixture
def earlier_action(office, scrutiny_officer, force) -> MeetingAction:
    """An open action from last month's meeting, for this meeting's action review."""
    earlier = services.meeting_create(
        actor=scrutiny_officer,
        office=office,
        title="Last month's meeting",
        kind=AccountabilityMeeting.Kind.HOLDING_TO_ACCOUNT,
        starts_at=timezone.now() - datetime.timedelta(days=30),
        venue="HQ",
        chair_name="PCC",
    )
    return services.meeting_action_raise(
        actor=scrutiny_officer,
        meeting=earlier,
        owner=force,
        description="Send the problem profile to the PCC",
        due_on=timezone.localdate() - datetime.timedelta(days=3),
    )


def _sign_in(page: Page, base: str, email: str) -> None:
    visit_and_check(page, f"{base}/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _submit(page: Page, button: str, banner: str) -> None:
    page.get_by_role("button", name=button).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(banner)
    check_page(page)


def _item(page: Page, title: str):  # type: ignore[no-untyped-def]
    return page.locator("section.app-agenda-item", has_text=title)


def test_a_meeting_is_planned_recorded_and_published(
    page,
    browser,
    live_server,
    scrutiny_officer,
    force,
    force_lead,
    recommendation,
    earlier_action,
    tmp_path,
):
    base = live_server.url
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)

    # The scrutiny officer plans the meeting.
    _sign_in(page, base, scrutiny_officer.email)
    check_page(page)
    page.get_by_label("Security code").fill(f"{TOTP(device.bin_key).token():06d}")
    page.get_by_role("button", name="Continue").click()
    check_page(page)
    page.get_by_role("link", name="Meetings").click()
    expect(page.locator("h1")).to_have_text("Forward plan")
    check_page(page)
    page.get_by_role("button", name="Plan a meeting").click()
    check_page(page)
    page.get_by_role("button", name="Plan meeting").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the title of the meeting")
    assert page.title().startswith("Error: ")
    check_page(page)
    page.get_by_label("Title").fill("Holding to account: child sexual exploitation")
    page.get_by_label("Holding to account").check()
    next_month = timezone.localdate() + datetime.timedelta(days=30)
    page.get_by_label("Day").fill(str(next_month.day))
    page.get_by_label("Month").fill(str(next_month.month))
    page.get_by_label("Year").fill(str(next_month.year))
    page.get_by_label("Start time").fill("10:30")
    page.get_by_label("Venue").fill("Hindlip Hall")
    page.get_by_label("Chair").fill("Police and Crime Commissioner")
    page.get_by_label("This is a public meeting").check()
    _submit(page, "Plan meeting", "Meeting planned")
    review = _item(page, "Review of action tracker")
    expect(review).to_contain_text("Send the problem profile to the PCC")
    expect(review).to_contain_text("Overdue")
    meeting_url = page.url

    page.get_by_role("button", name="Add an attendee").click()
    check_page(page)
    page.get_by_label("Name").fill("Chief Constable")
    page.get_by_label("Organisation").select_option(label=force.name)
    _submit(page, "Add attendee", "added to the attendees")

    page.get_by_role("button", name="Add an agenda item").click()
    check_page(page)
    page.get_by_label("Title").fill("Training to spot exploitation")
    page.get_by_label("Theme (optional)").fill("Training")
    page.get_by_label(re.compile(rf"\b{recommendation.reference} \(")).check()
    _submit(page, "Add item", "Item 2 added")
    page.get_by_role("button", name="Add an agenda item").click()
    page.get_by_label("Title").fill("Operation Nightjar")
    page.get_by_label("This item is sensitive").check()
    _submit(page, "Add item", "Item 3 added")
    expect(_item(page, "Operation Nightjar")).to_contain_text("Sensitive: not published")
    # Reordering posts from the meeting page: each form carries this session's CSRF field,
    # or the browser gets a 403.
    nightjar_title = page.locator("h3", has_text="Operation Nightjar")
    _item(page, "Operation Nightjar").get_by_role("button", name=re.compile("Move up")).click()
    expect(nightjar_title).to_contain_text("2. Operation Nightjar")
    check_page(page)
    page.reload()
    _item(page, "Operation Nightjar").get_by_role("button", name=re.compile("Move down")).click()
    expect(nightjar_title).to_contain_text("3. Operation Nightjar")

    training = _item(page, "Training to spot exploitation")
    training.get_by_role("button", name=re.compile("Add a question")).click()
    check_page(page)
    page.get_by_label("Question").fill("How many officers have completed CSE training?")
    page.get_by_label("Asked by").fill("Police and Crime Commissioner")
    page.get_by_label("Addressed to").select_option(label=force.name)
    _submit(page, "Add question", "Question added")

    # The force's lead officer prepares the answer and tables a paper, in their own browser.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    lead = context.new_page()
    _sign_in(lead, base, force_lead.email)
    check_page(lead)
    lead.get_by_role("link", name="Meetings").click()
    check_page(lead)
    lead.get_by_role("link", name="Holding to account: child sexual exploitation").click()
    check_page(lead)
    lead.get_by_role("link", name=re.compile("Prepare a response")).click()
    check_page(lead)
    lead.get_by_label("Response").fill("Eighty per cent of frontline officers.")
    lead.get_by_label("Given by").fill("Chief Constable")
    _submit(lead, "Save response", "Response recorded")
    lead.get_by_role("button", name=re.compile("Table a paper for item 2")).click()
    check_page(lead)
    paper = tmp_path / "training-report.pdf"
    paper.write_bytes(PDF_BYTES)
    lead.get_by_label("Title of the paper").fill("Training progress report")
    lead.get_by_label("Upload the paper").set_input_files(paper)
    lead.get_by_label("The paper may be published").check()
    _submit(lead, "Upload paper", "Paper tabled")
    context.close()

    # At the meeting: the verdict, offered as an assessment of the linked recommendation.
    page.goto(meeting_url)
    check_page(page)
    expect(_item(page, "Training to spot exploitation")).to_contain_text("Eighty per cent")
    _item(page, "Training to spot exploitation").get_by_role(
        "button", name=re.compile("Record the verdict")
    ).click()
    check_page(page)
    page.get_by_label("Partly assured").check()
    page.get_by_label("Rationale").fill("Good progress; longer-serving officers still to train.")
    page.get_by_role("button", name="Record verdict").click()
    expect(page.locator("h1")).to_have_text("Record the verdict as an assessment")
    check_page(page)
    offered = page.get_by_label(re.compile(rf"\b{recommendation.reference} \("))
    expect(offered).not_to_be_checked()  # the chair decides each one; nothing is pre-ticked
    offered.check()
    _submit(page, "Record assessments", "Assessment recorded for 1 recommendation")
    recommendation.refresh_from_db()
    assert recommendation.assurance_status == AssuranceStatus.PARTLY_ASSURED

    _item(page, "Training to spot exploitation").get_by_role(
        "button", name=re.compile("Raise an action")
    ).click()
    check_page(page)
    page.get_by_label("What needs to be done").fill("Publish training figures by cohort")
    page.get_by_label("Owner organisation").select_option(label=force.name)
    _submit(page, "Raise action", "raised for")

    page.get_by_role("button", name="Update the status").click()
    check_page(page)
    page.get_by_label("Held").check()
    page.get_by_role("button", name="Update status").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("cannot be held before it starts")
    # The day of the meeting comes.
    meeting_has_started(AccountabilityMeeting.objects.get(title__startswith="Holding to account"))
    page.get_by_label("Held").check()
    _submit(page, "Update status", "Meeting status updated")

    # Redaction review: exactly what will be published, without the sensitive item.
    page.get_by_role("button", name="Public summary").click()
    check_page(page)
    _submit(page, "Draft the summary", "Summary drafted")
    preview = page.locator("#publication-preview")
    expect(preview).to_contain_text("Partly assured")
    expect(preview).to_contain_text("Publish training figures by cohort")
    expect(preview).not_to_contain_text("Nightjar")
    expect(page.locator("main")).to_contain_text("Agenda item 'Operation Nightjar'")
    _submit(page, "Send for redaction review", "sent for redaction review")
    _submit(page, "Publish the summary", "Summary published")

    # The old action is done: close it with a note.
    page.get_by_role("link", name="Meetings").click()
    check_page(page)
    page.get_by_role("link", name="Action tracker").click()
    check_page(page)
    page.get_by_role("link", name=f"Close action {earlier_action.reference}").click()
    check_page(page)
    page.get_by_label("How was the action completed").fill("Problem profile received.")
    _submit(page, "Close action", "closed")
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()
    check_page(page)

    # The public sees the summary, the calendar and the feed, and nothing sensitive.
    visit_and_check(page, f"{base}/public/")
    page.get_by_role("link", name="Holding to account: child sexual exploitation").click()
    check_page(page)
    main = page.locator("main")
    expect(main).to_contain_text("Partly assured")
    expect(main).to_contain_text("Eighty per cent of frontline officers.")
    expect(main).to_contain_text("Publish training figures by cohort")
    expect(main.get_by_role("link", name="Training progress report")).to_be_visible()
    expect(main).not_to_contain_text("Nightjar")
    calendar = Calendar.from_ical(page.request.get(f"{base}/public/meetings.ics").body())
    titles = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert titles == ["Holding to account: child sexual exploitation"]
    assert "Nightjar" not in calendar.to_ical().decode()
    feed = page.request.get(f"{base}/public/summaries.atom").text()
    assert "Training to spot exploitation: Partly assured" in feed
    assert "Nightjar" not in feed

    # The next meeting's action review lists the new action, not the closed one.
    meeting = AccountabilityMeeting.objects.get(title__startswith="Holding to account")
    following = services.meeting_create(
        actor=scrutiny_officer,
        office=meeting.office,
        title="Following meeting",
        kind=AccountabilityMeeting.Kind.HOLDING_TO_ACCOUNT,
        starts_at=meeting.starts_at + datetime.timedelta(days=30),
        venue="HQ",
        chair_name="PCC",
    )
    services.attendee_add(
        actor=scrutiny_officer, meeting=following, name="Chief Constable", organisation=force
    )
    context = browser.new_context(bypass_csp=True)
    viewer = context.new_page()
    _sign_in(viewer, base, force_lead.email)
    check_page(viewer)
    visit_and_check(viewer, f"{base}{following.get_absolute_url()}")
    review = _item(viewer, "Review of action tracker")
    expect(review).to_contain_text("Publish training figures by cohort")
    expect(review).not_to_contain_text("Send the problem profile")
    context.close()

"""An office administrator looks after the people of their area in a real browser (issue #18).

They see who is in a partner, deactivate a lead officer (whose open browser is signed out at
once), add that officer's colleague, who already has an account, to a second organisation,
reset a scrutiny officer's two-factor, and then see and end their own other sessions. Every
page is checked with axe-core.
"""

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member
from tests.journeys.helpers import check_page, sign_in

pytestmark = pytest.mark.browser


def test_an_administrator_manages_people_and_their_own_sessions(
    page, browser, live_server, office, force, council
):
    base = live_server.url
    administrator = member(office, Membership.Role.ADMINISTRATOR)
    device = TOTPDevice.objects.create(user=administrator, name="Phone", confirmed=True)
    lead = member(force, Membership.Role.LEAD_OFFICER, full_name="Lee Lead")
    colleague = member(force, Membership.Role.VIEWER, full_name="Val Viewer")
    officer = member(office, Membership.Role.SCRUTINY_OFFICER, full_name="Sam Scrutiny")
    TOTPDevice.objects.create(user=officer, name="Old phone", confirmed=True)

    # The lead officer is signed in elsewhere.
    lead_context = browser.new_context(bypass_csp=True)  # sign_in checks each page with axe
    lead_page = lead_context.new_page()
    sign_in(lead_page, base, lead.email)

    sign_in(page, base, administrator.email, device)
    page.goto(f"{base}/organisations/{force.pk}/")
    table = page.get_by_role("table", name="People and their roles")
    expect(table).to_contain_text("Lee Lead")
    expect(table).to_contain_text("Lead officer")
    check_page(page)

    page.get_by_role("link", name="Lee Lead").click()
    expect(page.locator("h1")).to_have_text("Lee Lead")
    check_page(page)
    page.get_by_role("button", name="Deactivate account").click()
    expect(page.locator("h1")).to_have_text("Deactivate Lee Lead's account")
    check_page(page)
    page.get_by_role("button", name="Deactivate account").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("deactivated")
    check_page(page)

    lead_page.reload()
    expect(lead_page.locator("h1")).to_have_text("Sign in")
    lead_context.close()

    # Val already has an account: the invitation adds a role in a second organisation.
    page.goto(f"{base}/organisations/{council.pk}/invite/")
    check_page(page)
    page.get_by_label("Email address").fill(colleague.email)
    page.get_by_label("Viewer").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("already has an account")
    expect(page.get_by_role("table", name="People and their roles")).to_contain_text("Val Viewer")
    check_page(page)
    assert [message.to for message in mail.outbox] == [[colleague.email]]

    page.goto(f"{base}/organisations/{office.pk}/people/{officer.pk}/")
    page.get_by_role("button", name="Reset two-factor authentication").click()
    check_page(page)
    page.get_by_role("button", name="Reset two-factor authentication").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("emailed")
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert mail.outbox[-1].to == [officer.email]

    # Their own sessions: this one, and one on another computer.
    other_context = browser.new_context(bypass_csp=True)  # sign_in checks each page with axe
    # A code is good once: sign in on the other computer as if the next code had come round.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    sign_in(other_context.new_page(), base, administrator.email, device)
    page.goto(f"{base}/account/sessions/")
    expect(page.locator("h1")).to_have_text("Where you are signed in")
    expect(page.get_by_role("table")).to_contain_text("This device")
    check_page(page)
    page.get_by_role("button", name="Sign out of all other sessions").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 other session")
    expect(page.locator("main")).to_contain_text("You are not signed in anywhere else")
    check_page(page)
    other_context.close()

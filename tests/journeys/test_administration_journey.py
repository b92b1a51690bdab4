"""An office administrator runs their own area in a real browser, and only theirs (issue #11).

The administrator signs in with two-factor, adds a partner to their area, invites its lead
officer (who is emailed a link), and cannot open another office's organisations. A system
administrator then moves the partner to the other area. Every page is checked with axe-core.
"""

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, UserFactory, member
from tests.journeys.helpers import check_page, sign_in

pytestmark = pytest.mark.browser


def test_an_office_administrator_manages_their_area_and_no_other(page, live_server, office):
    other_office = OrganisationFactory(name="Other PCC", kind=Organisation.Kind.PCC_OFFICE)
    other_partner = OrganisationFactory(name="Other Police", office=other_office)
    administrator = member(office, Membership.Role.ADMINISTRATOR)
    device = TOTPDevice.objects.create(user=administrator, name="Phone", confirmed=True)
    base = live_server.url

    sign_in(page, base, administrator.email, device)
    page.get_by_role("link", name="Organisations").click()
    expect(page.locator("h1")).to_have_text("Organisations and users")
    expect(page.locator("main")).not_to_contain_text("Other Police")
    check_page(page)

    page.get_by_role("button", name="Add an organisation").click()
    check_page(page)
    page.get_by_role("button", name="Add organisation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the organisation's name")
    check_page(page)
    page.get_by_label("Name", exact=True).fill("Shire Fire and Rescue")
    page.get_by_label("Other").check()
    page.get_by_label(office.name).check()
    page.get_by_role("button", name="Add organisation").click()
    expect(page.locator("h1")).to_have_text("Shire Fire and Rescue")
    expect(page.locator("main")).to_contain_text(f"In the area of {office.name}")
    check_page(page)

    page.get_by_role("button", name="Invite someone").click()
    check_page(page)
    page.get_by_label("Full name").fill("Fay Fire")
    page.get_by_label("Email address").fill("fay@fire.example")
    page.get_by_label("Lead officer").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("fay@fire.example")
    assert [message.to for message in mail.outbox] == [["fay@fire.example"]]

    for path in (
        f"/organisations/{other_partner.pk}/",
        f"/organisations/{other_partner.pk}/invite/",
    ):
        response = page.goto(base + path)
        assert response is not None, path
        assert response.status == 404, path

    system_administrator = UserFactory(is_system_administrator=True)
    root_device = TOTPDevice.objects.create(user=system_administrator, name="Key", confirmed=True)
    page.context.clear_cookies()
    sign_in(page, base, system_administrator.email, root_device)
    fire = Organisation.objects.get(name="Shire Fire and Rescue")
    page.goto(f"{base}/organisations/{fire.pk}/")
    page.get_by_role("button", name="Change area").click()
    check_page(page)
    page.get_by_label("Other PCC").check()
    page.get_by_role("button", name="Save area").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Other PCC")
    check_page(page)
    fire.refresh_from_db()
    assert fire.office == other_office

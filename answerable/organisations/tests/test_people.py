"""Administration of people (issue #18): who may see and change whose account, and what
deactivating, reactivating and resetting two-factor do."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from answerable.accounts.models import User, UserSession
from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in
from answerable.organisations import services, services_people
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors_people import person_list
from answerable.organisations.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    member,
)

Role = Membership.Role
PASSWORD = "correct horse battery"


@pytest.fixture
def administrator(office):
    return member(office, Role.ADMINISTRATOR, full_name="Ada Admin")


@pytest.fixture
def other_office(db):
    return OrganisationFactory(name="Other PCC", kind=Organisation.Kind.PCC_OFFICE)


@pytest.fixture
def other_force(other_office):
    return OrganisationFactory(name="Other Police", office=other_office)


@pytest.fixture
def other_administrator(other_office):
    return member(other_office, Role.ADMINISTRATOR, full_name="Otto Other")


def _signed_in_client(user):
    """A browser signed in through the real form (a lead officer needs no second factor)."""
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) Firefox/128.0")
    response = client.post("/account/sign-in/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


# --- the list of people -------------------------------------------------------------------


def test_the_organisation_page_lists_each_person_with_roles_sign_in_and_two_factor(
    client, administrator, force, force_lead, django_assert_num_queries
):
    MembershipFactory(user=force_lead, organisation=force, role=Role.VIEWER)
    TOTPDevice.objects.create(user=force_lead, name="Phone", confirmed=True)
    newcomer = member(force, Role.VIEWER, full_name="Nia New")
    TOTPDevice.objects.create(user=newcomer, name="Pending", confirmed=False)
    _signed_in_client(force_lead)

    with django_assert_num_queries(2):
        people = list(person_list(organisation=force))
    assert [(p.full_name, p.has_two_factor, len(p.roles_here)) for p in people] == [
        ("Lee Lead", True, 2),
        ("Nia New", False, 1),
    ]

    sign_in(client, administrator)
    page = client.get(reverse("organisations:detail", args=[force.pk])).content.decode()
    row = re.search(r"Lee Lead</a>.*?</tr>", page, re.DOTALL)[0]
    assert "Lead officer<br>Viewer" in row
    assert "Yes" in row
    assert "Never" not in row
    assert "Never" in re.search(r"Nia New</a>.*?</tr>", page, re.DOTALL)[0]


# --- deactivation -------------------------------------------------------------------------


def test_deactivation_ends_every_session_at_once_and_stops_the_api(
    client, administrator, force, force_lead
):
    laptop, phone = _signed_in_client(force_lead), _signed_in_client(force_lead)
    assert laptop.get("/api/v1/recommendations/").status_code == 200
    keys = list(UserSession.objects.filter(user=force_lead).values_list("session_key", flat=True))
    assert len(keys) == 2

    services_people.user_deactivate(actor=administrator, user=force_lead, organisation=force)

    assert laptop.get("/api/v1/recommendations/").status_code == 403
    assert phone.get(reverse("recommendations:dashboard")).status_code == 302
    assert not UserSession.objects.filter(user=force_lead).exists()
    assert not Session.objects.filter(session_key__in=keys).exists()
    force_lead.refresh_from_db()
    assert not force_lead.is_active
    assert force_lead.memberships.exists()  # kept, for reactivation
    event = AuditEvent.objects.get(action="user.deactivated")
    assert (event.actor, event.organisation) == (administrator, force)
    assert event.changes == {"is_active": [True, False], "sessions_ended": [None, 2]}


def test_a_deactivated_person_is_told_so_only_with_the_right_password(
    administrator, force, force_lead
):
    services_people.user_deactivate(actor=administrator, user=force_lead, organisation=force)
    client = Client()
    page = client.post(
        "/account/sign-in/", {"email": force_lead.email, "password": PASSWORD}
    ).content.decode()
    assert "Your account has been deactivated" in page
    page = client.post(
        "/account/sign-in/", {"email": force_lead.email, "password": "a wrong guess"}
    ).content.decode()
    assert "Your account has been deactivated" not in page
    assert "Enter a correct email address and password" in page


def test_reactivation_lets_the_person_sign_in_again_with_their_roles(
    administrator, force, force_lead
):
    services_people.user_deactivate(actor=administrator, user=force_lead, organisation=force)
    services_people.user_reactivate(actor=administrator, user=force_lead, organisation=force)
    client = _signed_in_client(force_lead)
    assert client.get("/api/v1/recommendations/").status_code == 200
    assert AuditEvent.objects.get(action="user.reactivated").changes == {"is_active": [False, True]}
    with pytest.raises(ValidationError):
        services_people.user_reactivate(actor=administrator, user=force_lead, organisation=force)


def test_an_administrator_of_another_office_is_refused(
    administrator, other_administrator, force, force_lead
):
    for service in (
        services_people.user_deactivate,
        services_people.user_reactivate,
        services_people.user_two_factor_reset,
    ):
        with pytest.raises(PermissionDenied):
            service(actor=other_administrator, user=force_lead, organisation=force)
    force_lead.refresh_from_db()
    assert force_lead.is_active
    assert (
        not AuditEvent.objects.filter(action__startswith="user.")
        .exclude(action="user.created")
        .exists()
    )


def test_the_organisation_named_must_be_one_the_person_belongs_to(
    administrator, council, force_lead
):
    with pytest.raises(PermissionDenied):
        services_people.user_deactivate(actor=administrator, user=force_lead, organisation=council)


def test_someone_with_a_role_in_another_area_is_changed_only_by_a_system_administrator(
    administrator, force, force_lead, other_force
):
    """An administrator of one partner could otherwise lock out another office's people."""
    MembershipFactory(user=force_lead, organisation=other_force, role=Role.VIEWER)
    with pytest.raises(ValidationError, match="organisation you do not administer"):
        services_people.user_deactivate(actor=administrator, user=force_lead, organisation=force)
    root = UserFactory(is_system_administrator=True)
    services_people.user_deactivate(actor=root, user=force_lead, organisation=force)
    force_lead.refresh_from_db()
    assert not force_lead.is_active


def test_a_partner_administrator_cannot_deactivate_an_office_administrator_in_their_partner(
    force, administrator
):
    partner_admin = member(force, Role.ADMINISTRATOR)
    MembershipFactory(user=administrator, organisation=force, role=Role.VIEWER)
    with pytest.raises(ValidationError):
        services_people.user_deactivate(actor=partner_admin, user=administrator, organisation=force)


def test_nobody_deactivates_themselves_and_only_system_administrators_touch_their_own(
    administrator, office
):
    with pytest.raises(ValidationError):
        services_people.user_deactivate(
            actor=administrator, user=administrator, organisation=office
        )
    root = UserFactory(is_system_administrator=True)
    MembershipFactory(user=root, organisation=office, role=Role.VIEWER)
    with pytest.raises(ValidationError):
        services_people.user_deactivate(actor=administrator, user=root, organisation=office)


# --- two-factor reset ---------------------------------------------------------------------


def test_a_two_factor_reset_removes_the_devices_mails_and_forces_set_up(
    administrator, office, django_capture_on_commit_callbacks
):
    officer = member(office, Role.SCRUTINY_OFFICER, full_name="Sam Scrutiny")
    TOTPDevice.objects.create(user=officer, name="Old phone", confirmed=True)
    StaticDevice.objects.create(user=officer, name="Backup codes", confirmed=True)
    browser = Client()
    sign_in(browser, officer)
    assert browser.get(reverse("recommendations:dashboard")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        services_people.user_two_factor_reset(
            actor=administrator, user=officer, organisation=office
        )

    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    assert browser.get(reverse("recommendations:dashboard")).status_code == 302  # signed out
    [message] = mail.outbox
    assert message.to == [officer.email]
    assert "reset two-factor" in message.body
    event = AuditEvent.objects.get(action="user.two_factor_reset")
    assert event.changes["devices"] == [2, 0]
    assert event.organisation == office

    # Their next sign-in goes to set-up before anything else.
    response = browser.post("/account/sign-in/", {"email": officer.email, "password": PASSWORD})
    assert response.status_code == 302
    response = browser.get(reverse("recommendations:dashboard"))
    assert response["Location"] == reverse("accounts:two_factor_setup")


def test_a_two_factor_reset_of_someone_without_it_changes_nothing(administrator, force, force_lead):
    with pytest.raises(ValidationError):
        services_people.user_two_factor_reset(
            actor=administrator, user=force_lead, organisation=force
        )
    assert not mail.outbox
    assert not AuditEvent.objects.filter(action="user.two_factor_reset").exists()


# --- a role in a second organisation --------------------------------------------------------


def test_inviting_an_existing_account_gives_it_a_role_in_a_second_organisation(
    client, administrator, council, force_lead, django_capture_on_commit_callbacks
):
    sign_in(client, administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:invite", args=[council.pk]),
            {"email": force_lead.email.upper(), "full_name": "", "role": Role.VIEWER},
            follow=True,
        )
    assert "already has an account" in response.content.decode()
    assert set(force_lead.memberships.values_list("organisation__name", "role")) == {
        ("Shire Police", "lead_officer"),
        ("Shire Council", "viewer"),
    }
    assert User.objects.filter(email=force_lead.email).count() == 1
    [message] = mail.outbox
    assert message.to == [force_lead.email]
    assert "viewer for Shire Council" in message.body.replace("the role of ", "")
    assert "/account/sign-in/" in message.body
    event = AuditEvent.objects.get(action="membership.granted", organisation=council)
    assert event.changes == {"role": [None, "viewer"]}
    assert not AuditEvent.objects.filter(action="user.invited").exists()


def test_an_invited_account_that_never_set_a_password_is_sent_a_fresh_link(
    administrator, force, council, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.user_invite(
            actor=administrator,
            email="new@example.org",
            full_name="New Person",
            organisation=force,
            role=Role.VIEWER,
            base_url="http://testserver/",
        )
        services.user_invite(
            actor=administrator,
            email="new@example.org",
            full_name="",
            organisation=council,
            role=Role.LEAD_OFFICER,
            base_url="http://testserver/",
        )
    assert "/account/set-password/" in mail.outbox[1].body
    assert User.objects.get(email="new@example.org").full_name == "New Person"


def test_a_deactivated_account_is_given_the_role_but_not_mailed(
    administrator, force, council, force_lead, django_capture_on_commit_callbacks
):
    services_people.user_deactivate(actor=administrator, user=force_lead, organisation=force)
    with django_capture_on_commit_callbacks(execute=True):
        services.user_invite(
            actor=administrator,
            email=force_lead.email,
            full_name="",
            organisation=council,
            role=Role.VIEWER,
            base_url="http://testserver/",
        )
    assert force_lead.memberships.filter(organisation=council).exists()
    assert not mail.outbox


def test_an_administrator_cannot_add_an_existing_account_to_another_area(
    administrator, force_lead, other_force
):
    with pytest.raises(PermissionDenied):
        services.user_invite(
            actor=administrator,
            email=force_lead.email,
            full_name="",
            organisation=other_force,
            role=Role.ADMINISTRATOR,
            base_url="http://testserver/",
        )
    assert force_lead.memberships.count() == 1


# --- pages: the authorisation matrix --------------------------------------------------------

PAGES = ["person", "person_deactivate", "person_reactivate", "person_two_factor_reset"]


@pytest.mark.parametrize("page", PAGES)
def test_no_person_page_reaches_another_area(
    client, administrator, other_administrator, other_office, page
):
    url = reverse(f"organisations:{page}", args=[other_office.pk, other_administrator.pk])
    TOTPDevice.objects.create(user=other_administrator, name="Phone", confirmed=True)
    sign_in(client, administrator)
    events_before = AuditEvent.objects.count()
    assert client.get(url).status_code == 404
    assert client.post(url).status_code in (404, 405)
    other_administrator.refresh_from_db()
    assert other_administrator.is_active
    assert TOTPDevice.objects.filter(user=other_administrator).exists()
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("page", PAGES)
def test_a_person_is_reached_only_through_an_organisation_they_belong_to(
    client, administrator, council, force_lead, page
):
    """Council is in the administrator's area, but Lee has no role there."""
    sign_in(client, administrator)
    url = reverse(f"organisations:{page}", args=[council.pk, force_lead.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_only_administrators_reach_the_person_pages(
    client, force, force_lead, scrutiny_officer, page
):
    url = reverse(f"organisations:{page}", args=[force.pk, force_lead.pk])
    sign_in(client, scrutiny_officer)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_an_administrator_deactivates_and_reactivates_through_the_pages(
    client, administrator, force, force_lead
):
    sign_in(client, administrator)
    person_url = reverse("organisations:person", args=[force.pk, force_lead.pk])
    page = client.get(person_url).content.decode()
    assert "Deactivate account" in page
    assert "Reset two-factor authentication" not in page  # Lee has none set up
    deactivate = reverse("organisations:person_deactivate", args=[force.pk, force_lead.pk])
    page = client.get(deactivate).content.decode()
    assert "will be signed out at once" in page
    assert not AuditEvent.objects.filter(action="user.deactivated").exists()  # GET changes nothing
    response = client.post(deactivate, follow=True)
    assert response.redirect_chain[-1][0] == person_url
    assert "account is deactivated" in response.content.decode()
    assert "Reactivate account" in response.content.decode()
    response = client.post(
        reverse("organisations:person_reactivate", args=[force.pk, force_lead.pk])
    )
    assert response.status_code == 302
    force_lead.refresh_from_db()
    assert force_lead.is_active


def test_the_pages_explain_why_someone_with_a_role_elsewhere_cannot_be_deactivated(
    client, administrator, force, force_lead, other_force
):
    MembershipFactory(user=force_lead, organisation=other_force, role=Role.VIEWER)
    sign_in(client, administrator)
    page = client.get(reverse("organisations:person", args=[force.pk, force_lead.pk]))
    text = page.content.decode()
    assert "organisation you do not administer" in text
    assert "Other Police" not in text
    assert "Deactivate account" not in text
    url = reverse("organisations:person_deactivate", args=[force.pk, force_lead.pk])
    response = client.post(url)
    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()
    force_lead.refresh_from_db()
    assert force_lead.is_active


def test_an_administrator_resets_two_factor_through_the_pages(
    client, administrator, office, django_capture_on_commit_callbacks
):
    officer = member(office, Role.SCRUTINY_OFFICER)
    TOTPDevice.objects.create(user=officer, name="Old phone", confirmed=True)
    sign_in(client, administrator)
    page = client.get(reverse("organisations:person", args=[office.pk, officer.pk]))
    assert "Reset two-factor authentication" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:person_two_factor_reset", args=[office.pk, officer.pk])
        )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert [message.to for message in mail.outbox] == [[officer.email]]

"""Each signed-in request reads the person, their roles and whether they have a second factor
in one query (issue #12), and the answers are those of the separate reads."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from answerable.accounts.models import User
from answerable.accounts.selectors import user_has_confirmed_device
from answerable.organisations.models import Membership
from answerable.organisations.selectors import Access, access_for
from answerable.organisations.signed_in import account_with_access
from answerable.organisations.tests.factories import OrganisationFactory, UserFactory

DASHBOARD = "/register/"


def test_the_roles_read_with_the_account_are_its_live_memberships(office, force_lead):
    archived = OrganisationFactory(is_archived=True)
    Membership.objects.create(user=force_lead, organisation=archived, role="scrutiny_officer")
    Membership.objects.create(user=force_lead, organisation=office, role="viewer")
    Membership.objects.create(user=force_lead, organisation=office, role="administrator")
    read = account_with_access(force_lead.pk)
    force = force_lead.memberships.get(role="lead_officer").organisation_id
    expected = {force: {"lead_officer"}, office.pk: {"viewer", "administrator"}}
    assert read == force_lead
    assert read._answerable_access.roles == {org: frozenset(r) for org, r in expected.items()}
    assert read._answerable_access.roles == Access(User.objects.get(pk=force_lead.pk)).roles


def test_an_account_with_no_membership_is_read_with_no_roles(db):
    person = UserFactory()
    read = account_with_access(person.pk)
    assert read == person
    assert read._answerable_access.roles == {}
    assert account_with_access(person.pk + 1000) is None


def test_an_inactive_account_is_read_with_no_roles(force_lead):
    User.objects.filter(pk=force_lead.pk).update(is_active=False)
    assert access_for(account_with_access(force_lead.pk)).roles == {}


@pytest.mark.parametrize(
    ("device", "confirmed", "has_one"),
    [
        (None, False, False),
        (TOTPDevice, False, False),
        (TOTPDevice, True, True),
        (StaticDevice, True, True),
    ],
)
def test_the_second_factor_read_with_the_account_is_any_confirmed_device(
    force_lead, device, confirmed, has_one
):
    if device is not None:
        device.objects.create(user=force_lead, name="Device", confirmed=confirmed)
    assert account_with_access(force_lead.pk).has_confirmed_device is has_one
    assert user_has_confirmed_device(force_lead) is has_one


def test_a_signed_in_page_reads_the_session_then_person_roles_and_device_at_once(
    client, force_lead, django_assert_max_num_queries
):
    """Once each a request: the session, then the person with their roles and device (the
    middleware reads them afresh, so whatever ends a sign-in counts at the next request)."""
    client.force_login(force_lead)
    client.get(DASHBOARD)
    with django_assert_max_num_queries(100) as captured:
        assert client.get(DASHBOARD).status_code == 200
    sql = [query["sql"] for query in captured.captured_queries]
    assert sum('FROM "django_session"' in query for query in sql) == 1
    reads = [q for q in sql if 'FROM "accounts_user"' in q]
    assert len(reads) == 1
    assert 'JOIN "organisations_membership"' in reads[0]
    assert "otp_totp_totpdevice" in reads[0]
    assert not [q for q in sql if 'FROM "organisations_membership"' in q]
    assert not [q for q in sql if "otp_totp_totpdevice" in q and q is not reads[0]]


def test_someone_with_a_confirmed_device_is_asked_for_it_on_every_page(client, force_lead):
    client.force_login(force_lead)
    assert client.get(DASHBOARD).status_code == 200
    TOTPDevice.objects.create(user=force_lead, name="Phone", confirmed=True)
    assert client.get(DASHBOARD)["Location"] == reverse("accounts:two_factor_verify")


def test_a_role_taken_away_goes_at_the_next_request(client, office, recommendation):
    officer = UserFactory()
    membership = Membership.objects.create(user=officer, organisation=office, role="viewer")
    client.force_login(officer)
    assert client.get(recommendation.get_absolute_url()).status_code == 200
    membership.delete()
    assert client.get(recommendation.get_absolute_url()).status_code == 404

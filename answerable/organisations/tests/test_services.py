import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from answerable.accounts.models import User
from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in
from answerable.organisations import services
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import member

Role = Membership.Role


@pytest.fixture
def administrator(office):
    return member(office, Role.ADMINISTRATOR, full_name="Ada Admin")


def test_an_administrator_adds_a_partner_in_their_area(administrator, office):
    organisation = services.organisation_create(
        actor=administrator,
        name="Shropshire Council",
        kind=Organisation.Kind.LOCAL_AUTHORITY,
        office=office,
    )
    assert organisation.kind == "local_authority"
    assert organisation.office == office
    event = AuditEvent.objects.get(action="organisation.created")
    assert event.actor == administrator
    assert event.organisation == office


def test_a_duplicate_organisation_name_is_rejected(administrator, force):
    with pytest.raises(ValidationError):
        services.organisation_create(actor=administrator, name=force.name.upper(), kind="other")
    assert not AuditEvent.objects.exists()


def test_scrutiny_officers_cannot_manage_organisations(scrutiny_officer):
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=scrutiny_officer, name="X", kind="other")


def test_archived_organisations_lose_access(administrator, force, force_lead):
    from answerable.organisations.selectors import access_for

    services.organisation_archive(actor=administrator, organisation=force, reason="Merged")
    force_lead = User.objects.get(pk=force_lead.pk)
    assert access_for(force_lead).organisation_ids == frozenset()
    assert AuditEvent.objects.get(action="organisation.archived").note == "Merged"


def test_an_invitation_emails_a_link_that_sets_the_password(
    client, administrator, force, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_invite(
            actor=administrator,
            email="New.Lead@Force.example",
            full_name="New Lead",
            organisation=force,
            role=Role.LEAD_OFFICER,
            base_url="http://testserver/",
        )
    assert user.email == "new.lead@force.example"
    assert not user.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["new.lead@force.example"]
    link = re.search(r"http://testserver(/account/set-password/\S+)", message.body)[1]
    page = client.post(link, {"password": "short", "password_again": "short"}).content.decode()
    assert "There is a problem" in page
    response = client.post(
        link, {"password": "a long new passphrase", "password_again": "a long new passphrase"}
    )
    assert response["Location"] == reverse("accounts:sign_in")
    assert client.get(link).status_code == 404  # the link works once
    assert (
        client.post(
            "/account/sign-in/", {"email": user.email, "password": "a long new passphrase"}
        ).status_code
        == 302
    )
    assert list(
        AuditEvent.objects.filter(target_id=str(user.pk)).values_list("action", flat=True)
    ) == ["user.invited", "membership.granted", "user.password_set"]


def test_inviting_an_existing_account_again_to_the_same_role_is_refused(
    administrator, force, force_lead
):
    """An existing account is given the role (issue #18), but not one it already has."""
    with pytest.raises(ValidationError):
        services.user_invite(
            actor=administrator,
            email=force_lead.email,
            full_name="Again",
            organisation=force,
            role=Role.LEAD_OFFICER,
            base_url="http://testserver/",
        )
    assert force_lead.memberships.count() == 1
    assert not mail.outbox


def test_administrators_cannot_remove_their_own_administrator_role(administrator):
    membership = administrator.memberships.get()
    with pytest.raises(ValidationError):
        services.membership_revoke(actor=administrator, membership=membership)


def test_removing_a_role_is_audited(administrator, force_lead):
    services.membership_revoke(actor=administrator, membership=force_lead.memberships.get())
    assert not force_lead.memberships.exists()
    assert AuditEvent.objects.get(action="membership.revoked").changes == {
        "role": ["lead_officer", None]
    }


@pytest.mark.parametrize(
    "url_name",
    [
        "organisations:list",
        "organisations:create",
        "organisations:detail",
        "organisations:archive",
        "organisations:invite",
    ],
)
def test_only_administrators_reach_the_organisation_pages(
    client, administrator, scrutiny_officer, force_lead, force, url_name
):
    url = reverse(
        url_name,
        args=[force.pk] if url_name not in ("organisations:list", "organisations:create") else [],
    )
    for user, status in ((administrator, 200), (scrutiny_officer, 403), (force_lead, 403)):
        client.logout()
        sign_in(client, user)
        assert client.get(url).status_code == status, user
    client.logout()
    assert client.get(url).status_code == 302


def test_the_invite_page_shows_govuk_errors(client, administrator, force):
    sign_in(client, administrator)
    url = reverse("organisations:invite", args=[force.pk])
    text = client.post(url, {"email": "bad"}).content.decode()
    assert "Enter an email address in the correct format" in text
    assert "<title>Error:" in text
    # The name is needed only for someone new (issue #18).
    text = client.post(url, {"email": "new@example.org", "role": "viewer"}).content.decode()
    assert "Enter the person&#39;s name" in text or "Enter the person's name" in text
    assert not User.objects.filter(email="new@example.org").exists()

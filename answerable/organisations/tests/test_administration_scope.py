"""Administration is scoped to an office's area (issue #11, High 1).

An administrator of one office once invited people into another office's organisations,
removed its administrator and archived it. Each case here failed on main before the fix.
"""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import hidden_value, sign_in, summary_rows
from answerable.organisations import services
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import access_for
from answerable.organisations.tests.factories import OrganisationFactory, UserFactory, member

Role = Membership.Role


@pytest.fixture
def other_office(db):
    return OrganisationFactory(name="Other PCC", kind=Organisation.Kind.PCC_OFFICE)


@pytest.fixture
def other_force(other_office):
    return OrganisationFactory(name="Other Police", office=other_office)


@pytest.fixture
def administrator(office):
    return member(office, Role.ADMINISTRATOR, full_name="Ada Admin")


@pytest.fixture
def other_administrator(other_office):
    return member(other_office, Role.ADMINISTRATOR, full_name="Otto Other")


def _invite(actor, organisation, email="new@example.org"):
    return services.user_invite(
        actor=actor,
        email=email,
        full_name="New Person",
        organisation=organisation,
        role=Role.SCRUTINY_OFFICER,
        base_url="http://testserver/",
    )


def test_an_office_administrator_manages_their_office_and_its_partners(
    administrator, office, force, council, other_office, other_force
):
    assert access_for(administrator).administered_organisation_ids == {
        office.pk,
        force.pk,
        council.pk,
    }


@pytest.mark.parametrize("target", ["other_office", "other_force"])
def test_an_administrator_cannot_invite_into_another_area(request, administrator, target):
    organisation = request.getfixturevalue(target)
    with pytest.raises(PermissionDenied):
        _invite(administrator, organisation)
    assert not Membership.objects.filter(organisation=organisation).exists()
    assert not mail.outbox


def test_an_administrator_cannot_remove_another_areas_administrator(
    administrator, other_administrator
):
    with pytest.raises(PermissionDenied):
        services.membership_revoke(
            actor=administrator, membership=other_administrator.memberships.get()
        )
    assert other_administrator.memberships.exists()


@pytest.mark.parametrize("target", ["other_office", "other_force"])
def test_an_administrator_cannot_archive_another_areas_organisation(request, administrator, target):
    organisation = request.getfixturevalue(target)
    with pytest.raises(PermissionDenied):
        services.organisation_archive(actor=administrator, organisation=organisation, reason="x")
    organisation.refresh_from_db()
    assert not organisation.is_archived
    assert not organisation.requires_second_approval


def test_an_office_administrator_cannot_archive_their_own_office(administrator, office):
    with pytest.raises(PermissionDenied):
        services.organisation_archive(actor=administrator, organisation=office, reason="x")


def test_only_a_system_administrator_adds_an_office(administrator, office):
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=administrator, name="New PCC", kind=Organisation.Kind.PCC_OFFICE
        )
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=administrator,
            name="New Police",
            kind="police_force",
            office=OrganisationFactory(name="Third PCC", kind=Organisation.Kind.PCC_OFFICE),
        )
    assert not Organisation.objects.filter(name__in=["New PCC", "New Police"]).exists()


def test_a_partner_needs_an_area(administrator):
    with pytest.raises(ValidationError) as raised:
        services.organisation_create(actor=administrator, name="Loose", kind="other")
    assert "office" in raised.value.message_dict


def test_a_partner_administrator_manages_only_their_own_organisation(force, council):
    partner_admin = member(force, Role.ADMINISTRATOR)
    assert access_for(partner_admin).administered_organisation_ids == {force.pk}
    with pytest.raises(PermissionDenied):
        _invite(partner_admin, council)


def test_the_command_makes_a_system_administrator_who_manages_offices(other_office):
    call_command("system_administrator", "root@example.org", "--name", "Sys Admin", stdout=None)
    from answerable.accounts.models import User

    root = User.objects.get(email="root@example.org")
    assert root.is_system_administrator
    assert access_for(root).needs_two_factor
    event = AuditEvent.objects.get(action="user.system_administrator_granted")
    assert event.actor is None
    assert "manage.py system_administrator" in event.note
    office = services.organisation_create(actor=root, name="New PCC", kind="pcc_office")
    services.organisation_archive(actor=root, organisation=other_office, reason="Merged")
    assert office.kind == "pcc_office"

    call_command("system_administrator", "root@example.org", "--remove", stdout=None)
    root = User.objects.get(email="root@example.org")
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=root, name="Another PCC", kind="pcc_office")
    assert AuditEvent.objects.filter(action="user.system_administrator_revoked").count() == 1


# --- the cross-organisation matrix: every administration URL, own and other area -----------


def _admin_urls(organisation, membership):
    return {
        "detail": reverse("organisations:detail", args=[organisation.pk]),
        "archive": reverse("organisations:archive", args=[organisation.pk]),
        "invite": reverse("organisations:invite", args=[organisation.pk]),
        "membership_remove": reverse("organisations:membership_remove", args=[membership.pk]),
        "approvals": reverse("organisations:approvals", args=[organisation.pk]),
        "area": reverse("organisations:area", args=[organisation.pk]),
    }


POSTS = {
    "detail": {},
    "archive": {"reason": "Taken over"},
    "invite": {"full_name": "Mal Icious", "email": "mal@example.org", "role": "administrator"},
    "membership_remove": {},
    "approvals": {"requires_second_approval": "on", "expected_version": "1"},
    "area": {"office": "1", "expected_version": "1"},
}


@pytest.mark.parametrize("page", sorted(POSTS))
@pytest.mark.parametrize("target", ["other_office", "other_force"])
def test_no_administration_page_reaches_another_area(
    client, administrator, other_administrator, request, target, page
):
    organisation = request.getfixturevalue(target)
    membership = (
        other_administrator.memberships.get()
        if target == "other_office"
        else Membership.objects.create(
            user=member(organisation, Role.LEAD_OFFICER), organisation=organisation, role="viewer"
        )
    )
    url = _admin_urls(organisation, membership)[page]
    sign_in(client, administrator)
    events_before = AuditEvent.objects.count()
    area_before = organisation.office_id
    assert client.get(url).status_code == 404
    assert client.post(url, POSTS[page]).status_code in (404, 405)
    organisation.refresh_from_db()
    assert organisation.office_id == area_before
    assert not organisation.is_archived
    assert not organisation.requires_second_approval
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not Membership.objects.filter(user__email="mal@example.org").exists()
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("page", sorted(POSTS))
def test_every_administration_page_opens_in_the_administrators_own_area(
    client, administrator, office, force, force_lead, page
):
    # The approval rule is an office's: a partner has none.
    url = _admin_urls(office if page == "approvals" else force, force_lead.memberships.get())[page]
    sign_in(client, administrator)
    # Moving a partner between areas is a system administrator's alone, even in their own.
    assert client.get(url).status_code == (403 if page == "area" else 200)


def test_the_organisation_list_shows_only_the_administrators_area(
    client, administrator, force, other_office, other_force
):
    sign_in(client, administrator)
    page = client.get(reverse("organisations:list")).content.decode()
    assert force.name in page
    assert other_office.name not in page
    assert other_force.name not in page


def test_the_add_organisation_page_offers_no_office_kind_to_an_office_administrator(
    client, administrator, office
):
    sign_in(client, administrator)
    page = client.get(reverse("organisations:create")).content.decode()
    assert 'value="pcc_office"' not in page
    response = client.post(
        reverse("organisations:create"),
        {"name": "Sneaky PCC", "kind": "pcc_office", "office": office.pk},
    )
    assert response.status_code == 200
    assert not Organisation.objects.filter(name="Sneaky PCC").exists()
    response = client.post(
        reverse("organisations:create"),
        {"name": "Shire Fire", "kind": "other", "office": office.pk},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="Shire Fire").office == office


@pytest.fixture
def system_administrator(db):
    from answerable.organisations.tests.factories import UserFactory

    return UserFactory(is_system_administrator=True)


def test_a_system_administrator_moves_a_partner_to_another_area(
    client, system_administrator, force, other_office, administrator
):
    sign_in(client, system_administrator)
    url = reverse("organisations:area", args=[force.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"office": other_office.pk, "expected_version": force.version})
    assert response.status_code == 302
    force.refresh_from_db()
    assert force.office == other_office
    assert force.version == 2
    event = AuditEvent.objects.get(action="organisation.area_changed")
    assert event.actor == system_administrator
    assert not access_for(administrator).can_administer(force)


def test_an_office_administrator_cannot_move_a_partner(client, administrator, force, other_office):
    url = reverse("organisations:area", args=[force.pk])
    sign_in(client, administrator)
    assert client.get(url).status_code == 403
    assert client.post(url, {"office": other_office.pk}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.organisation_area_set(
            actor=administrator, organisation=force, office=other_office, expected_version=1
        )
    force.refresh_from_db()
    assert force.office != other_office


def test_an_office_administrator_is_offered_no_way_to_archive_their_own_office(
    client, administrator, office
):
    sign_in(client, administrator)
    detail = client.get(reverse("organisations:detail", args=[office.pk])).content.decode()
    assert "Archive organisation" not in detail
    url = reverse("organisations:archive", args=[office.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x"}).status_code == 403
    office.refresh_from_db()
    assert not office.is_archived


# --- two administrators at once (issue #11, Medium 4) ------------------------------------------


def test_a_second_move_of_a_partner_is_refused_and_shown_what_changed(
    client, system_administrator, force, office, other_office
):
    """Two system administrators open the area page at one version; the second save is
    refused, nothing of it is saved, and the page drawn again shows the first one's choice."""
    third_office = OrganisationFactory(name="Third PCC", kind=Organisation.Kind.PCC_OFFICE)
    url = reverse("organisations:area", args=[force.pk])
    colleague = Client()
    sign_in(colleague, UserFactory(is_system_administrator=True))
    sign_in(client, system_administrator)
    first_page = colleague.get(url).content.decode()
    second_page = client.get(url).content.decode()
    assert hidden_value(second_page, "expected_version") == "1"

    def drawn(page):
        return {name: hidden_value(page, name) for name in ("expected_version", "drawn_values")}

    response = colleague.post(url, {"office": other_office.pk, **drawn(first_page)})
    assert response.status_code == 302
    response = client.post(url, {"office": third_office.pk, **drawn(second_page)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "Someone else changed this organisation while you were editing it." in page
    assert summary_rows(page) == [("Whose area is it in", "Other PCC")]
    assert hidden_value(page, "expected_version") == "2"
    force.refresh_from_db()
    assert (force.office, force.version) == (other_office, 2)
    [event] = AuditEvent.objects.filter(action="organisation.area_changed")
    assert event.changes["office"] == [office.pk, other_office.pk]


def test_archiving_from_a_page_drawn_before_another_archive_records_nothing(
    system_administrator, force
):
    opened = Organisation.objects.get(pk=force.pk)
    services.organisation_archive(actor=system_administrator, organisation=force, reason="Merged")
    with pytest.raises(ValidationError):
        services.organisation_archive(
            actor=system_administrator, organisation=opened, reason="Merged again"
        )
    assert AuditEvent.objects.filter(action="organisation.archived").count() == 1


def test_an_office_administrator_turns_on_second_approval(client, administrator, office, force):
    sign_in(client, administrator)
    url = reverse("organisations:approvals", args=[office.pk])
    page = client.get(url)
    assert hidden_value(page.content.decode(), "expected_version") == "1"
    response = client.post(url, {"requires_second_approval": "on", "expected_version": "1"})
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.requires_second_approval
    event = AuditEvent.objects.get(action="organisation.approval_rule_set")
    assert event.changes == {"requires_second_approval": [False, True]}
    assert client.get(reverse("organisations:approvals", args=[force.pk])).status_code == 404
    with pytest.raises(ValidationError):
        services.office_approval_rule_set(
            actor=administrator, office=force, requires_second_approval=True, expected_version=1
        )

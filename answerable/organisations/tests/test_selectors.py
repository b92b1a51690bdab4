from django.contrib.auth.models import AnonymousUser

from answerable.accounts.models import User
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import access_for, scrutiny_office_for
from answerable.organisations.tests.factories import OrganisationFactory, member


def test_new_work_goes_to_the_first_office_someone_scrutinises(office, force_lead):
    later = OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE)
    officer = member(later, Membership.Role.SCRUTINY_OFFICER)
    assert scrutiny_office_for(user=officer) == later
    Membership.objects.create(user=officer, organisation=office, role="scrutiny_officer")
    officer = User.objects.get(pk=officer.pk)  # memberships are read once a request
    assert scrutiny_office_for(user=officer) == min((office, later), key=lambda o: o.pk)
    assert scrutiny_office_for(user=force_lead) is None


def test_roles_are_the_memberships_of_live_organisations(office, force_lead):
    """An archived organisation's membership gives no role; each live one gives its own."""
    archived = OrganisationFactory(is_archived=True)
    Membership.objects.create(user=force_lead, organisation=archived, role="scrutiny_officer")
    Membership.objects.create(user=force_lead, organisation=office, role="viewer")
    force = force_lead.memberships.get(role="lead_officer").organisation_id
    access = access_for(User.objects.get(pk=force_lead.pk))
    assert access.roles == {force: frozenset({"lead_officer"}), office.pk: frozenset({"viewer"})}
    assert not access.needs_two_factor
    assert access_for(User.objects.get(pk=member(office, "viewer").pk)).roles == {
        office.pk: frozenset({"viewer"})
    }


def test_someone_not_signed_in_has_no_roles_and_nothing_is_asked(db, django_assert_num_queries):
    """The API schema builds its querysets for an anonymous request, with no database yet."""
    with django_assert_num_queries(0):
        assert access_for(AnonymousUser()).roles == {}

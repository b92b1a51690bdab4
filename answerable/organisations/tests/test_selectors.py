from answerable.accounts.models import User
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import scrutiny_office_for
from answerable.organisations.tests.factories import OrganisationFactory, member


def test_new_work_goes_to_the_first_office_someone_scrutinises(office, force_lead):
    later = OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE)
    officer = member(later, Membership.Role.SCRUTINY_OFFICER)
    assert scrutiny_office_for(user=officer) == later
    Membership.objects.create(user=officer, organisation=office, role="scrutiny_officer")
    officer = User.objects.get(pk=officer.pk)  # memberships are read once a request
    assert scrutiny_office_for(user=officer) == min((office, later), key=lambda o: o.pk)
    assert scrutiny_office_for(user=force_lead) is None

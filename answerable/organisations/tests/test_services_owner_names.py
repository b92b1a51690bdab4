"""Partners and aliases added while matching an import's owners: who may, and what is kept."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from answerable.audit.models import AuditEvent
from answerable.organisations.models import (
    Membership,
    Organisation,
    OrganisationAlias,
    organisation_name_key,
)
from answerable.organisations.services import organisation_alias_add, organisation_partner_create
from answerable.organisations.tests.factories import OrganisationFactory, member


def test_names_are_folded_for_case_ampersand_punctuation_and_spacing():
    assert organisation_name_key("Telford & Wrekin  Council.") == "telford and wrekin council"
    assert organisation_name_key("NHS (then CCGs; now ICB)") == "nhs then ccgs now icb"


@pytest.mark.parametrize("role", [Membership.Role.SCRUTINY_OFFICER, Membership.Role.ADMINISTRATOR])
def test_the_office_s_scrutiny_officers_and_administrators_add_partners_to_its_area(office, role):
    actor = member(office, role)
    partner = organisation_partner_create(
        actor=actor, office=office, name=" Telford & Wrekin Council ", kind="local_authority"
    )
    assert (partner.name, partner.office) == ("Telford & Wrekin Council", office)
    event = AuditEvent.objects.get(action="organisation.created")
    assert (event.actor, event.organisation, event.target_id) == (actor, office, str(partner.pk))


def test_others_may_not_add_partners_or_aliases(office, force):
    other_office = OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE)
    for actor in [
        member(force, Membership.Role.ADMINISTRATOR),
        member(office, Membership.Role.LEAD_OFFICER),
        member(other_office, Membership.Role.SCRUTINY_OFFICER),
    ]:
        with pytest.raises(PermissionDenied):
            organisation_partner_create(actor=actor, office=office, name="X", kind="other")
        with pytest.raises(PermissionDenied):
            organisation_alias_add(actor=actor, office=office, organisation=force, name="Y")
    assert not OrganisationAlias.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_partner_named_like_an_existing_organisation_or_an_office_is_refused(
    scrutiny_officer, office
):
    OrganisationFactory(name="Telford and Wrekin Council")
    with pytest.raises(ValidationError, match="Telford and Wrekin Council already exists"):
        organisation_partner_create(
            actor=scrutiny_officer, office=office, name="TELFORD & WREKIN COUNCIL", kind="other"
        )
    with pytest.raises(ValidationError, match="Only a system administrator adds an office"):
        organisation_partner_create(
            actor=scrutiny_officer, office=office, name="New office", kind="pcc_office"
        )
    assert Organisation.objects.count() == 2


def test_an_alias_is_kept_once_for_its_folded_name_and_audited(scrutiny_officer, office, force):
    alias = organisation_alias_add(
        actor=scrutiny_officer, office=office, organisation=force, name="Shire Constabulary"
    )
    assert alias is not None
    assert (alias.key, alias.created_by) == ("shire constabulary", scrutiny_officer)
    again = organisation_alias_add(
        actor=scrutiny_officer, office=office, organisation=force, name="shire constabulary."
    )
    assert again is None
    assert OrganisationAlias.objects.count() == 1
    event = AuditEvent.objects.get(action="organisation.alias_added")
    assert (event.organisation, event.changes) == (office, {"alias": [None, "Shire Constabulary"]})

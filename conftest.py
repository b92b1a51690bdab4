import pytest

from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def office(db) -> Organisation:
    return OrganisationFactory(name="Office of the PCC", kind=Organisation.Kind.PCC_OFFICE)


@pytest.fixture
def force(db) -> Organisation:
    return OrganisationFactory(name="Shire Police", kind=Organisation.Kind.POLICE_FORCE)


@pytest.fixture
def council(db) -> Organisation:
    return OrganisationFactory(name="Shire Council", kind=Organisation.Kind.LOCAL_AUTHORITY)


@pytest.fixture
def scrutiny_officer(office):
    return member(office, Membership.Role.SCRUTINY_OFFICER, full_name="Sam Scrutiny")


@pytest.fixture
def force_lead(force):
    return member(force, Membership.Role.LEAD_OFFICER, full_name="Lee Lead")


@pytest.fixture
def council_lead(council):
    return member(council, Membership.Role.LEAD_OFFICER, full_name="Cat Council")


@pytest.fixture
def source(office):
    return SourceFactory(owner=office)


@pytest.fixture
def recommendation(source):
    return RecommendationFactory(source=source)


@pytest.fixture
def force_action(recommendation, force):
    return ActionFactory(recommendation=recommendation, owner=force)


@pytest.fixture
def council_action(recommendation, council):
    return ActionFactory(recommendation=recommendation, owner=council)

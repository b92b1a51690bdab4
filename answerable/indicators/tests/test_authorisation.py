"""Every indicator URL × every role × own and other organisation, GET and POST: zero leaks."""

import pytest
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import post_forms_without_csrf, sign_in
from answerable.indicators.models import Indicator, IndicatorAgendaLink, IndicatorValue
from answerable.indicators.tests.factories import IndicatorFactory
from answerable.meetings.tests.factories import AgendaItemFactory, MeetingFactory
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member

Role = Membership.Role

# Who is asking: (organisation key, role). "force" owns the indicator, in "office"'s area;
# "council" is another partner in the same area; "other_office" is another PCC's office.
USERS = {
    "office_scrutiny": ("office", Role.SCRUTINY_OFFICER),
    "office_admin": ("office", Role.ADMINISTRATOR),
    "office_viewer": ("office", Role.VIEWER),
    "force_lead": ("force", Role.LEAD_OFFICER),
    "force_viewer": ("force", Role.VIEWER),
    "council_lead": ("council", Role.LEAD_OFFICER),
    "other_scrutiny": ("other_office", Role.SCRUTINY_OFFICER),
}


def _expect(default: int, **codes: int) -> dict[str, int]:
    return {**dict.fromkeys(USERS, default), **codes}


SEE = _expect(404, office_scrutiny=200, office_admin=200, office_viewer=200, force_lead=200,
              force_viewer=200)  # fmt: skip
# Another office's scrutiny officer may define indicators, but only in its own area.
DEFINE_NEW = _expect(403, office_scrutiny=200, office_admin=200, other_scrutiny=200)
CHANGE = {**{k: 403 if v == 200 else v for k, v in SEE.items()}, "office_scrutiny": 200,
          "office_admin": 200}  # fmt: skip
RECORD = {**{k: 403 if v == 200 else v for k, v in SEE.items()}, "office_scrutiny": 200,
          "force_lead": 200}  # fmt: skip
EVERYONE = _expect(200)
# The office's scrutiny officers, who run its meetings, link its indicators to agenda items.
LINK_MEETINGS = {**CHANGE, "office_admin": 403}
# Fixing a link's figures again: a POST that redirects back to the indicator.
FIX = {**LINK_MEETINGS, "office_scrutiny": 302}

# (url name, object it is about, expected status per user, methods tried).
MATRIX = [
    ("indicators:indicator_list", None, EVERYONE, ("get",)),
    ("indicators:indicator_create", None, DEFINE_NEW, ("get", "post")),
    ("indicators:indicator_detail", "indicator", SEE, ("get",)),
    ("indicators:indicator_detail", "archived", SEE, ("get",)),
    ("indicators:indicator_update", "indicator", CHANGE, ("get", "post")),
    ("indicators:indicator_value_record", "indicator", RECORD, ("get", "post")),
    ("indicators:indicator_link_create", "indicator", CHANGE, ("get", "post")),
    ("indicators:indicator_agenda_link_create", "indicator", LINK_MEETINGS, ("get", "post")),
    ("indicators:indicator_agenda_link_snapshot_take", "agenda_link", FIX, ("post",)),
    ("indicators:indicator_archive", "indicator", CHANGE, ("get", "post")),
    # A POST restores (the reason is optional): refused ones are tried below.
    ("indicators:indicator_restore", "archived", CHANGE, ("get",)),
]
METHODS = ("get", "post")
# Answered, but tried in a test of its own: a permitted empty POST restores.
TRIED_ELSEWHERE = {("indicators:indicator_restore", "post")}
CASES = [
    (*row, method)
    for row in MATRIX
    for method in METHODS
    if (row[0], method) not in TRIED_ELSEWHERE
]


@pytest.fixture
def world(db):
    office = OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE)
    organisations = {
        "office": office,
        "force": OrganisationFactory(kind=Organisation.Kind.POLICE_FORCE, office=office),
        "council": OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY, office=office),
        "other_office": OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE),
    }
    users = {key: member(organisations[org], role) for key, (org, role) in USERS.items()}
    indicator = IndicatorFactory(
        owner=organisations["force"], office=office, name="Force indicator"
    )
    item = AgendaItemFactory(meeting=MeetingFactory(office=office), title="CSE")
    objects = {
        "indicator": indicator,
        "archived": IndicatorFactory(
            owner=organisations["force"], office=office, name="Old", is_archived=True
        ),
        # Made directly, so that the matrix starts with no audit events.
        "agenda_link": IndicatorAgendaLink.objects.create(
            indicator=indicator, agenda_item=item, created_by=users["office_scrutiny"]
        ),
    }
    return users, objects


@pytest.mark.parametrize(("name", "object_key", "expected", "methods", "method"), CASES)
def test_every_indicator_page_answers_each_role_as_the_matrix_says(
    client, world, name, object_key, expected, methods, method
):
    users, objects = world
    url = reverse(name, args=[objects[object_key].pk] if object_key else [])
    for user_key, status in expected.items():
        client.logout()
        sign_in(client, users[user_key])
        response = getattr(client, method)(url, {})
        wanted = status if method in methods else 405
        assert response.status_code == wanted, f"{user_key} {method.upper()} {url}"
        if response.status_code == 200:
            page = response.content.decode()
            assert post_forms_without_csrf(page) == 0, f"{user_key} {url}"
    # An empty form writes nothing, whoever sends it.
    assert Indicator.objects.count() == 2
    assert Indicator.objects.filter(is_archived=True).count() == 1
    assert not IndicatorValue.objects.exists()
    assert IndicatorAgendaLink.objects.count() == 1
    assert not IndicatorAgendaLink.objects.filter(snapshot_taken_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(action__startswith="indicator").exists()


@pytest.mark.parametrize(("name", "object_key", "expected", "methods"), MATRIX)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, name, object_key, expected, methods):
    _, objects = world
    url = reverse(name, args=[objects[object_key].pk] if object_key else [])
    response = getattr(client, methods[0])(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize("user_key", [k for k, v in CHANGE.items() if v != 200])
def test_refused_restores_write_nothing(client, world, user_key):
    users, objects = world
    sign_in(client, users[user_key])
    response = client.post(reverse("indicators:indicator_restore", args=[objects["archived"].pk]))
    assert response.status_code == CHANGE[user_key]
    assert Indicator.objects.get(pk=objects["archived"].pk).is_archived


@pytest.mark.parametrize("user_key", sorted(USERS))
def test_the_list_shows_the_indicator_only_to_those_who_may_see_it(client, world, user_key):
    users, objects = world
    sign_in(client, users[user_key])
    page = client.get(reverse("indicators:indicator_list")).content.decode()
    assert ("Force indicator" in page) == (SEE[user_key] == 200)


@pytest.mark.parametrize("user_key", [k for k, v in RECORD.items() if v != 200])
def test_refused_values_write_nothing(client, world, user_key):
    users, objects = world
    indicator = objects["indicator"]
    sign_in(client, users[user_key])
    response = client.post(
        reverse("indicators:indicator_value_record", args=[indicator.pk]),
        {"period_start": "2025-03-01", "value": "12"},
    )
    assert response.status_code in (403, 404)
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize("user_key", [k for k, v in CHANGE.items() if v != 200])
def test_refused_definition_changes_write_nothing(client, world, user_key):
    users, objects = world
    indicator = objects["indicator"]
    sign_in(client, users[user_key])
    response = client.post(
        reverse("indicators:indicator_update", args=[indicator.pk]),
        {"name": "Taken over", "expected_version": "1"},
    )
    assert response.status_code in (403, 404)
    indicator.refresh_from_db()
    assert indicator.name == "Force indicator"


def test_a_scrutiny_officer_cannot_add_an_indicator_for_another_offices_partner(client, world):
    users, _ = world
    foreign = OrganisationFactory(
        kind=Organisation.Kind.POLICE_FORCE,
        office=OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE),
    )
    sign_in(client, users["office_scrutiny"])
    response = client.post(
        reverse("indicators:indicator_create"),
        {"owner": foreign.pk, "name": "Theirs", "definition": "x", "theme": "victims",
         "unit": "count", "direction": "higher", "frequency": "monthly",
         "disclosure_threshold": "5"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Select the organisation that owns the figures" in response.content.decode()
    assert not Indicator.objects.filter(owner=foreign).exists()

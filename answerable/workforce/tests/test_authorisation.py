"""Every workforce URL × every role × own and other organisation: zero leaks."""

import datetime

import pytest
from django.urls import reverse

from answerable.core.testing import sign_in
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations.tests.factories import ActionFactory, RecommendationFactory
from answerable.workforce.models import CoverageLink
from answerable.workforce.tests.factories import (
    CompletionFactory,
    CourseAudienceFactory,
    CourseFactory,
    SnapshotFactory,
    StaffRecordFactory,
)

Role = Membership.Role

# Who is asking: (organisation key, role). "force" owns the course and has an action under a
# source "office" owns; "other_force" has its own course and no action under "office";
# "council" has an action under "office" but is not a force; "other_office" oversees no one.
USERS = {
    "force_lead": ("force", Role.LEAD_OFFICER),
    "force_viewer": ("force", Role.VIEWER),
    "force_admin": ("force", Role.ADMINISTRATOR),
    "office_scrutiny": ("office", Role.SCRUTINY_OFFICER),
    "office_viewer": ("office", Role.VIEWER),
    "office_admin": ("office", Role.ADMINISTRATOR),
    "council_lead": ("council", Role.LEAD_OFFICER),
    "other_force_lead": ("other_force", Role.LEAD_OFFICER),
    "other_scrutiny": ("other_office", Role.SCRUTINY_OFFICER),
}
FORCE = {"force_lead", "force_viewer", "force_admin"}
OFFICE = {"office_scrutiny", "office_viewer", "office_admin"}


def _expect(**codes: int) -> dict[str, int]:
    """Statuses per user: the named groups get their code, everyone else 404."""
    expected = dict.fromkeys(USERS, 404)
    for key, code in codes.items():
        for user in {"force": FORCE, "office": OFFICE}.get(key, {key}):
            expected[user] = code
    return expected


EVERYONE = dict.fromkeys(USERS, 200)
SEE_COVERAGE = _expect(force=200, office=200)
SEE_GAPS = _expect(force=200)
LINK = _expect(force=403, office=403, force_lead=200, office_scrutiny=200)
UPLOAD = {**dict.fromkeys(USERS, 403), "force_lead": 200, "other_force_lead": 200}
UPLOAD_STEP = {**UPLOAD, "force_lead": 302, "other_force_lead": 302}
OTHER_COURSE = _expect(other_force_lead=200)

# (url name, object key, method, expected status per user)
MATRIX = [
    ("workforce:index", None, "get", EVERYONE),
    ("workforce:course_coverage", "course", "get", SEE_COVERAGE),
    ("workforce:course_gaps_csv", "course", "get", SEE_GAPS),
    ("workforce:coverage_link_create", "course", "get", LINK),
    ("workforce:course_coverage", "other_course", "get", OTHER_COURSE),
    ("workforce:course_gaps_csv", "other_course", "get", OTHER_COURSE),
    ("workforce:coverage_link_create", "other_course", "get", OTHER_COURSE),
    ("workforce:course_create", None, "get", UPLOAD),
    ("workforce:import_upload", None, "get", UPLOAD),
    ("workforce:import_mapping", None, "get", UPLOAD_STEP),
    ("workforce:import_preview", None, "get", UPLOAD_STEP),
    ("workforce:import_confirm", None, "post", UPLOAD_STEP),
]


def _course_with_snapshot(force: Organisation, code: str):
    course = CourseFactory(owner=force, code=code)
    CourseAudienceFactory(course=course, workforce_type="officer")
    snapshot = SnapshotFactory(organisation=force, taken_on=datetime.date(2025, 3, 31))
    trained = StaffRecordFactory(snapshot=snapshot, staff_id=f"{code}-TRAINED")
    CompletionFactory(staff_record=trained, course=course, completed_on=datetime.date(2024, 1, 1))
    StaffRecordFactory(snapshot=snapshot, staff_id=f"{code}-GAP")
    return course


@pytest.fixture
def world(db):
    organisations = {
        "office": OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE),
        "force": OrganisationFactory(kind=Organisation.Kind.POLICE_FORCE),
        "other_force": OrganisationFactory(kind=Organisation.Kind.POLICE_FORCE),
        "council": OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY),
        "other_office": OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE),
    }
    users = {key: member(organisations[org], role) for key, (org, role) in USERS.items()}
    recommendation = RecommendationFactory(source__owner=organisations["office"])
    ActionFactory(recommendation=recommendation, owner=organisations["force"])
    ActionFactory(recommendation=recommendation, owner=organisations["council"])
    objects = {
        "course": _course_with_snapshot(organisations["force"], "CSE"),
        "other_course": _course_with_snapshot(organisations["other_force"], "OTHER"),
        "recommendation": recommendation,
    }
    return users, objects


@pytest.mark.parametrize(("name", "object_key", "method", "expected"), MATRIX)
def test_every_workforce_page_answers_each_role_as_the_matrix_says(
    client, world, name, object_key, method, expected
):
    users, objects = world
    url = reverse(name, args=[objects[object_key].pk] if object_key else [])
    for user_key, status in expected.items():
        client.logout()
        sign_in(client, users[user_key])
        response = getattr(client, method)(url)
        assert response.status_code == status, f"{user_key} {method.upper()} {url}"


@pytest.mark.parametrize(("name", "object_key", "method", "expected"), MATRIX)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, name, object_key, method, expected):
    _, objects = world
    url = reverse(name, args=[objects[object_key].pk] if object_key else [])
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize("user_key", sorted(USERS))
def test_only_the_owning_force_sees_staff_ids(client, world, user_key):
    users, objects = world
    sign_in(client, users[user_key])
    response = client.get(reverse("workforce:course_coverage", args=[objects["course"].pk]))
    page = response.content.decode()
    assert ("CSE-GAP" in page) == (user_key in FORCE)
    assert "OTHER-GAP" not in page


@pytest.mark.parametrize("user_key", sorted(USERS))
def test_the_index_lists_only_courses_the_user_may_see(client, world, user_key):
    users, objects = world
    sign_in(client, users[user_key])
    page = client.get(reverse("workforce:index")).content.decode()
    course_url = reverse("workforce:course_coverage", args=[objects["course"].pk])
    other_url = reverse("workforce:course_coverage", args=[objects["other_course"].pk])
    assert (course_url in page) == (SEE_COVERAGE[user_key] == 200)
    assert (other_url in page) == (user_key == "other_force_lead")


@pytest.mark.parametrize("user_key", ["force_viewer", "office_viewer", "council_lead"])
def test_refused_links_write_nothing(client, world, user_key):
    users, objects = world
    sign_in(client, users[user_key])
    client.post(
        reverse("workforce:coverage_link_create", args=[objects["course"].pk]),
        {"recommendation": objects["recommendation"].pk},
    )
    assert not CoverageLink.objects.exists()


def test_a_scrutiny_officer_cannot_link_another_offices_recommendation(client, world):
    users, objects = world
    foreign = RecommendationFactory()
    sign_in(client, users["office_scrutiny"])
    response = client.post(
        reverse("workforce:coverage_link_create", args=[objects["course"].pk]),
        {"recommendation": foreign.pk},
    )
    assert response.status_code == 200
    assert "Select the recommendation this coverage is evidence for" in response.content.decode()
    assert not CoverageLink.objects.exists()

"""Every workforce URL × every role × own and other organisation: zero leaks."""

import datetime

import pytest
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import post_forms_without_csrf, sign_in
from answerable.imports.models import ImportJob
from answerable.imports.tests.factories import ImportJobFactory
from answerable.meetings.tests.factories import AgendaItemFactory, AttendeeFactory, MeetingFactory
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
MANAGE_COURSE = _expect(force=403, office=403, force_lead=200)
UPLOAD = {**dict.fromkeys(USERS, 403), "force_lead": 200, "other_force_lead": 200}
UPLOAD_STEP = {**UPLOAD, "force_lead": 302, "other_force_lead": 302}
OTHER_COURSE = _expect(other_force_lead=200)
# An import's status: whoever started it, and the lead officers of its force.
IMPORT_STATUS = _expect(force_lead=200)

# (url name, object key, method, expected status per user)
MATRIX = [
    ("workforce:index", None, "get", EVERYONE),
    ("workforce:course_coverage", "course", "get", SEE_COVERAGE),
    ("workforce:course_gaps_csv", "course", "get", SEE_GAPS),
    ("workforce:coverage_link_create", "course", "get", LINK),
    ("workforce:course_coverage", "other_course", "get", OTHER_COURSE),
    ("workforce:course_gaps_csv", "other_course", "get", OTHER_COURSE),
    ("workforce:coverage_link_create", "other_course", "get", OTHER_COURSE),
    ("workforce:coverage_link_agenda_item_create", "course", "get", LINK),
    ("workforce:coverage_link_agenda_item_create", "other_course", "get", OTHER_COURSE),
    ("workforce:coverage_link_delete", "item_link", "get", LINK),
    ("workforce:coverage_link_delete", "recommendation_link", "get", LINK),
    ("workforce:course_update", "course", "get", MANAGE_COURSE),
    ("workforce:course_update", "other_course", "get", OTHER_COURSE),
    ("workforce:course_create", None, "get", UPLOAD),
    ("workforce:import_upload", None, "get", UPLOAD),
    ("workforce:import_mapping", None, "get", UPLOAD_STEP),
    ("workforce:import_preview", None, "get", UPLOAD_STEP),
    ("workforce:import_confirm", None, "post", UPLOAD_STEP),
    ("workforce:import_status", "import_job", "get", IMPORT_STATUS),
    ("workforce:import_status", "other_import_job", "get", OTHER_COURSE),
]


def _course_with_snapshot(force: Organisation, code: str):
    course = CourseFactory(owner=force, code=code)
    CourseAudienceFactory(course=course, workforce_type="officer")
    snapshot = SnapshotFactory(organisation=force, taken_on=datetime.date(2025, 3, 31))
    trained = StaffRecordFactory(snapshot=snapshot, staff_id=f"{code}-TRAINED")
    CompletionFactory(staff_record=trained, course=course, completed_on=datetime.date(2024, 1, 1))
    StaffRecordFactory(snapshot=snapshot, staff_id=f"{code}-GAP")
    return course


def _import_job(force: Organisation) -> ImportJob:
    return ImportJobFactory(
        kind=ImportJob.Kind.WORKFORCE,
        organisation=force,
        started_by=member(force, Role.LEAD_OFFICER),
        files=[
            {
                "role": role,
                "label": role,
                "name": f"{role}.csv",
                "kind": "csv",
                "path": "",
                "sha256": "0" * 64,
            }
            for role in ("roster", "completions")
        ],
        options={"taken_on": "2025-03-31", "mapping": {}},
        counts={"staff": 2, "completions": 1},
    )


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
    course = _course_with_snapshot(organisations["force"], "CSE")
    # A meeting the office runs and the force attends; its coverage is on one item.
    meeting = MeetingFactory(office=organisations["office"], title="Holding to account")
    AttendeeFactory(meeting=meeting, organisation=organisations["force"])
    scrutiny = users["office_scrutiny"]
    objects = {
        "course": course,
        "other_course": _course_with_snapshot(organisations["other_force"], "OTHER"),
        "recommendation": recommendation,
        "item": AgendaItemFactory(meeting=meeting, title="Unlinked"),
        "item_link": CoverageLink.objects.create(
            course=course,
            agenda_item=AgendaItemFactory(meeting=meeting, title="Training"),
            created_by=scrutiny,
        ),
        "recommendation_link": CoverageLink.objects.create(
            course=course, recommendation=recommendation, created_by=scrutiny
        ),
        # Imports started by another lead officer of each force.
        **{
            key: _import_job(organisations[org])
            for key, org in (("import_job", "force"), ("other_import_job", "other_force"))
        },
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
        if status == 200 and response["Content-Type"].startswith("text/html"):
            assert post_forms_without_csrf(response.content.decode()) == 0, f"{user_key} {url}"


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


@pytest.mark.parametrize("first", ["force_lead", "office_scrutiny"])
def test_figures_kept_for_one_user_show_staff_ids_to_the_owning_force_only(client, world, first):
    """The page's figures and charts are stored once for everyone: whoever opens it first
    leaves nothing for the next that they may not see, and takes nothing from them."""
    users, objects = world
    url = reverse("workforce:course_coverage", args=[objects["course"].pk])
    for user_key in [first, *sorted(set(USERS) - {first}), first]:
        client.logout()
        sign_in(client, users[user_key])
        page = client.get(url).content.decode()
        assert ("CSE-GAP" in page) == (user_key in FORCE), user_key


@pytest.mark.parametrize("user_key", sorted(USERS))
def test_the_index_lists_only_courses_the_user_may_see(client, world, user_key):
    users, objects = world
    sign_in(client, users[user_key])
    page = client.get(reverse("workforce:index")).content.decode()
    course_url = reverse("workforce:course_coverage", args=[objects["course"].pk])
    other_url = reverse("workforce:course_coverage", args=[objects["other_course"].pk])
    assert (course_url in page) == (SEE_COVERAGE[user_key] == 200)
    assert (other_url in page) == (user_key == "other_force_lead")


REFUSED = [
    "force_viewer",
    "force_admin",
    "office_viewer",
    "office_admin",
    "council_lead",
    "other_force_lead",
    "other_scrutiny",
]


@pytest.mark.parametrize("user_key", REFUSED)
def test_refused_links_write_nothing(client, world, user_key):
    users, objects = world
    links = set(CoverageLink.objects.values_list("pk", flat=True))
    sign_in(client, users[user_key])
    course = objects["course"]
    client.post(
        reverse("workforce:coverage_link_create", args=[course.pk]),
        {"recommendation": objects["recommendation"].pk},
    )
    client.post(
        reverse("workforce:coverage_link_agenda_item_create", args=[course.pk]),
        {"agenda_item": objects["item"].pk},
    )
    for key in ("item_link", "recommendation_link"):
        response = client.post(reverse("workforce:coverage_link_delete", args=[objects[key].pk]))
        assert response.status_code in (403, 404)
    assert set(CoverageLink.objects.values_list("pk", flat=True)) == links
    assert not AuditEvent.objects.filter(action__startswith="coverage_link.").exists()


@pytest.mark.parametrize("user_key", REFUSED)
def test_refused_course_changes_write_nothing(client, world, user_key):
    users, objects = world
    sign_in(client, users[user_key])
    course = objects["course"]
    response = client.post(
        reverse("workforce:course_update", args=[course.pk]),
        {"title": "Changed", "workforce_types": ["staff"], "target_percent": "5"},
    )
    assert response.status_code in (403, 404)
    course.refresh_from_db()
    assert (course.title, course.target_percent) != ("Changed", 5)
    assert not AuditEvent.objects.filter(action="course.updated").exists()


@pytest.mark.parametrize("user_key", ["force_lead", "office_scrutiny"])
def test_those_who_may_link_remove_links(client, world, user_key):
    users, objects = world
    sign_in(client, users[user_key])
    link = objects["item_link"]
    response = client.post(reverse("workforce:coverage_link_delete", args=[link.pk]))
    assert response.status_code == 302
    assert not CoverageLink.objects.filter(pk=link.pk).exists()


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
    assert not CoverageLink.objects.filter(recommendation=foreign).exists()


def test_a_lead_officer_cannot_link_an_item_of_a_meeting_the_force_does_not_attend(client, world):
    users, objects = world
    elsewhere = AgendaItemFactory(meeting=MeetingFactory(office=objects["item"].meeting.office))
    sign_in(client, users["force_lead"])
    response = client.post(
        reverse("workforce:coverage_link_agenda_item_create", args=[objects["course"].pk]),
        {"agenda_item": elsewhere.pk},
    )
    assert response.status_code == 200
    assert "Select the agenda item this coverage is evidence for" in response.content.decode()
    assert not CoverageLink.objects.filter(agenda_item=elsewhere).exists()

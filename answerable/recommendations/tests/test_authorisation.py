"""Every register URL × every role × own and other organisation: zero leaks."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from answerable.core.testing import post_forms_without_csrf, sign_in
from answerable.imports.tests.factories import ImportJobFactory
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, UserFactory, member
from answerable.recommendations.models import Action, Evidence, Update
from answerable.recommendations.tests.factories import ActionFactory, RecommendationFactory

Role = Membership.Role

# Who is asking: (organisation key, role). "office" owns the source, "force" owns the action,
# "council" is a partner with no action on it, "other_office" is a different PCC's office.
USERS = {
    "office_scrutiny": ("office", Role.SCRUTINY_OFFICER),
    "office_admin": ("office", Role.ADMINISTRATOR),
    "office_viewer": ("office", Role.VIEWER),
    "force_lead": ("force", Role.LEAD_OFFICER),
    "force_viewer": ("force", Role.VIEWER),
    "council_lead": ("council", Role.LEAD_OFFICER),
    "other_scrutiny": ("other_office", Role.SCRUTINY_OFFICER),
}

SEE_ALL = {
    "office_scrutiny": 200,
    "office_admin": 200,
    "office_viewer": 200,
    "force_lead": 200,
    "force_viewer": 200,
    "council_lead": 404,
    "other_scrutiny": 404,
}
MANAGE = {
    "office_scrutiny": 200,
    "office_admin": 403,
    "office_viewer": 403,
    "force_lead": 403,
    "force_viewer": 403,
    "council_lead": 404,
    "other_scrutiny": 404,
}
UPDATE = {
    "office_scrutiny": 403,
    "office_admin": 403,
    "office_viewer": 403,
    "force_lead": 200,
    "force_viewer": 403,
    "council_lead": 404,
    "other_scrutiny": 404,
}
RE_PLAN = {**UPDATE, "office_scrutiny": 200}
SCRUTINY_ANYWHERE = {
    "office_scrutiny": 200,
    "office_admin": 403,
    "office_viewer": 403,
    "force_lead": 403,
    "force_viewer": 403,
    "council_lead": 403,
    "other_scrutiny": 200,
}
AUDIT = {**SCRUTINY_ANYWHERE, "office_admin": 200}
IMPORT_STATUS_OTHER = {**dict.fromkeys(USERS, 404), "other_scrutiny": 200}
# An import's status: whoever started it, and the scrutiny officers of its office.
IMPORT_STATUS = {**dict.fromkeys(USERS, 404), "office_scrutiny": 200}
EVERYONE = dict.fromkeys(USERS, 200)

# (url name, object key, expected status per user)
MATRIX = [
    ("recommendations:dashboard", None, EVERYONE),
    ("recommendations:source_list", None, EVERYONE),
    ("recommendations:recommendation_list", None, EVERYONE),
    ("recommendations:action_list", None, EVERYONE),
    ("recommendations:source_create", None, SCRUTINY_ANYWHERE),
    ("recommendations:assessment_queue", None, SCRUTINY_ANYWHERE),
    ("organisations:audit_trail", None, AUDIT),
    ("recommendations:source_detail", "source", SEE_ALL),
    ("recommendations:recommendation_create", "source", MANAGE),
    ("recommendations:recommendation_detail", "recommendation", SEE_ALL),
    ("recommendations:recommendation_response", "recommendation", MANAGE),
    ("recommendations:recommendation_assess", "recommendation", MANAGE),
    ("recommendations:recommendation_reopen", "recommendation", MANAGE),
    ("recommendations:action_create", "recommendation", MANAGE),
    ("recommendations:recommendation_link", "recommendation", MANAGE),
    ("recommendations:action_lead", "action", RE_PLAN),
    ("recommendations:action_detail", "action", SEE_ALL),
    ("recommendations:action_update", "action", UPDATE),
    ("recommendations:action_target_date", "action", RE_PLAN),
    ("recommendations:action_assess", "action", MANAGE),
    ("recommendations:action_reopen", "action", MANAGE),
    ("recommendations:evidence_download", "evidence", SEE_ALL),
    ("recommendations:import_status", "import_job", IMPORT_STATUS),
    ("recommendations:import_status", "other_import_job", IMPORT_STATUS_OTHER),
]


@pytest.fixture
def world(db):
    organisations = {
        "office": OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE),
        "force": OrganisationFactory(kind=Organisation.Kind.POLICE_FORCE),
        "council": OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY),
        "other_office": OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE),
    }
    users = {key: member(organisations[org], role) for key, (org, role) in USERS.items()}
    recommendation = RecommendationFactory(source__owner=organisations["office"])
    action = ActionFactory(recommendation=recommendation, owner=organisations["force"])
    # The council has its own action under another source, so its lists are not empty.
    council_action = ActionFactory(
        recommendation=RecommendationFactory(source__owner=organisations["office"]),
        owner=organisations["council"],
    )
    update = Update.objects.create(
        action=action,
        author=users["force_lead"],
        narrative="Progress",
        status_before="not_started",
        status_after="on_track",
    )
    content = b"%PDF-1.4 evidence"
    evidence = Evidence(
        action=action,
        update=update,
        title="Plan",
        uploaded_by=users["force_lead"],
        file_kind="pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        marking=Evidence.Marking.OFFICIAL_SENSITIVE,
    )
    evidence.file.save("plan.pdf", ContentFile(content))
    # Imports started by another scrutiny officer of each office.
    import_jobs = {
        key: ImportJobFactory(
            organisation=organisations[org],
            started_by=member(organisations[org], Role.SCRUTINY_OFFICER),
        )
        for key, org in (("import_job", "office"), ("other_import_job", "other_office"))
    }
    objects = {
        "source": recommendation.source,
        "recommendation": recommendation,
        "action": action,
        "evidence": evidence,
        "council_action": council_action,
        **import_jobs,
    }
    return users, objects


@pytest.mark.parametrize(("name", "object_key", "expected"), MATRIX)
def test_every_register_page_answers_each_role_as_the_matrix_says(
    client, world, name, object_key, expected
):
    users, objects = world
    url = reverse(name, args=[objects[object_key].pk] if object_key else [])
    for user_key, status in expected.items():
        client.logout()
        sign_in(client, users[user_key])
        response = client.get(url)
        assert response.status_code == status, f"{user_key} GET {url}"
        if status == 200 and response["Content-Type"].startswith("text/html"):
            assert post_forms_without_csrf(response.content.decode()) == 0, f"{user_key} {url}"


@pytest.mark.parametrize(("name", "object_key", "expected"), MATRIX)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, name, object_key, expected):
    _, objects = world
    url = reverse(name, args=[objects[object_key].pk] if object_key else [])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_lists_never_show_another_partners_actions(client, world):
    users, objects = world
    sign_in(client, users["council_lead"])
    page = client.get(reverse("recommendations:action_list")).content.decode()
    assert f"/register/actions/{objects['council_action'].pk}/" in page
    assert f"/register/actions/{objects['action'].pk}/" not in page
    page = client.get(reverse("recommendations:recommendation_list")).content.decode()
    assert f"/register/recommendations/{objects['recommendation'].pk}/" not in page
    assert f"/register/recommendations/{objects['council_action'].recommendation.pk}/" in page


def test_other_offices_see_none_of_the_register(client, world):
    users, objects = world
    sign_in(client, users["other_scrutiny"])
    for name in (
        "recommendations:recommendation_list",
        "recommendations:action_list",
        "recommendations:source_list",
    ):
        page = client.get(reverse(name)).content.decode()
        assert objects["source"].title not in page
        assert objects["recommendation"].reference not in page


def test_someone_in_no_organisation_sees_empty_lists(client, world):
    """Before an administrator adds them anywhere: empty lists, not an error."""
    users, objects = world
    sign_in(client, UserFactory())
    for name, empty in (
        ("recommendations:recommendation_list", "0 recommendations"),
        ("recommendations:action_list", "0 actions"),
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert empty in response.content.decode()
        assert objects["recommendation"].reference not in response.content.decode()
    for url in ("/api/v1/recommendations/", "/api/v1/actions/"):
        assert client.get(url).json()["count"] == 0


@pytest.mark.parametrize("user_key", ["council_lead", "force_viewer", "office_scrutiny"])
def test_refused_updates_write_nothing(client, world, user_key):
    users, objects = world
    sign_in(client, users[user_key])
    before = Update.objects.count()
    client.post(
        reverse("recommendations:action_update", args=[objects["action"].pk]),
        {"narrative": "Sneaky", "status": "completed", "evidence_marking": "official"},
    )
    assert Update.objects.count() == before
    assert Action.objects.get(pk=objects["action"].pk).delivery_status == "not_started"


@pytest.mark.parametrize("user_key", ["force_lead", "office_admin", "other_scrutiny"])
def test_refused_assessments_write_nothing(client, world, user_key):
    users, objects = world
    sign_in(client, users[user_key])
    client.post(
        reverse("recommendations:action_assess", args=[objects["action"].pk]),
        {"verdict": "not_assured", "rationale": "Mine"},
    )
    assert Action.objects.get(pk=objects["action"].pk).assurance_status == "not_assessed"

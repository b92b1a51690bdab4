"""Every meeting URL × every role × own and other organisation: zero leaks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from answerable.core.testing import post_forms_without_csrf, sign_in
from answerable.meetings import services
from answerable.meetings.models import AccountabilityMeeting, Marking, MeetingAction, Question
from answerable.meetings.tests.conftest import checked_pdf
from answerable.meetings.tests.factories import MeetingActionFactory, QuestionFactory
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.publishing.services import publication_draft
from answerable.recommendations.tests.factories import ActionFactory, RecommendationFactory

Role = Membership.Role

# Who is asking: (organisation key, role). "office" runs the meeting, "force" attends it, is
# asked questions and owns an action, "council" takes no part, "other_office" is another PCC's.
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
    **SEE_ALL,
    "office_admin": 403,
    "office_viewer": 403,
    "force_lead": 403,
    "force_viewer": 403,
}
MANAGE_POST = {**MANAGE, "office_scrutiny": 302}
TABLE_PAPERS = {**MANAGE, "force_lead": 200}
RESPOND = {**MANAGE, "force_lead": 200}
SCRUTINY_ANYWHERE = {
    "office_scrutiny": 200,
    "office_admin": 403,
    "office_viewer": 403,
    "force_lead": 403,
    "force_viewer": 403,
    "council_lead": 403,
    "other_scrutiny": 200,
}
EVERYONE = dict.fromkeys(USERS, 200)

# (method, url name, object key, expected status per user)
MATRIX = [
    ("get", "meetings:forward_plan", None, EVERYONE),
    ("get", "meetings:action_tracker", None, EVERYONE),
    ("get", "meetings:meeting_create", None, SCRUTINY_ANYWHERE),
    ("get", "meetings:meeting_detail", "meeting", SEE_ALL),
    ("get", "meetings:meeting_status", "meeting", MANAGE),
    ("get", "meetings:attendee_add", "meeting", MANAGE),
    ("get", "meetings:agenda_item_add", "meeting", MANAGE),
    ("get", "meetings:agenda_item_update", "item", MANAGE),
    ("post", "meetings:agenda_item_move", "item", MANAGE_POST),
    ("get", "meetings:paper_upload", "item", TABLE_PAPERS),
    ("get", "meetings:paper_download", "paper", SEE_ALL),
    ("post", "meetings:paper_publication", "paper", MANAGE_POST),
    ("get", "meetings:question_add", "item", MANAGE),
    ("get", "meetings:response_record", "question", RESPOND),
    ("get", "meetings:item_verdict_record", "item", MANAGE),
    ("get", "meetings:verdict_assessments", "item", MANAGE),
    ("get", "meetings:meeting_action_raise", "item", MANAGE),
    ("get", "meetings:meeting_action_close", "action", MANAGE),
    ("get", "meetings:publication:review", "held_meeting", MANAGE),
    ("get", "meetings:publication:docx", "held_meeting", MANAGE),
    ("get", "meetings:publication:pdf", "held_meeting", MANAGE),
    ("post", "meetings:publication:draft", "held_meeting", MANAGE_POST),
    ("post", "meetings:publication:submit", "held_meeting", MANAGE_POST),
    ("post", "meetings:publication:publish", "held_meeting", MANAGE_POST),
]


def _meeting(actor, office, title, attending, days_ahead=7):
    meeting = services.meeting_create(
        actor=actor,
        office=office,
        title=title,
        kind=AccountabilityMeeting.Kind.HOLDING_TO_ACCOUNT,
        starts_at=timezone.now() + datetime.timedelta(days=days_ahead),
        venue="HQ",
        chair_name="PCC",
    )
    services.attendee_add(actor=actor, meeting=meeting, name="CC", organisation=attending)
    return meeting


@pytest.fixture
def world(db):
    organisations = {
        "office": OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE),
        "force": OrganisationFactory(kind=Organisation.Kind.POLICE_FORCE),
        "council": OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY),
        "other_office": OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE),
    }
    users = {key: member(organisations[org], role) for key, (org, role) in USERS.items()}
    scrutiny = users["office_scrutiny"]
    recommendation = RecommendationFactory(source__owner=organisations["office"])
    ActionFactory(recommendation=recommendation, owner=organisations["force"])
    meeting = _meeting(scrutiny, organisations["office"], "Planned meeting", organisations["force"])
    item = services.agenda_item_add(
        actor=scrutiny, meeting=meeting, title="Training", recommendations=[recommendation]
    )
    services.item_verdict_record(
        expected_version=0, actor=scrutiny, item=item, verdict="assured", rationale="Seen"
    )
    paper = services.paper_upload(
        actor=users["force_lead"], item=item, title="Report", file=checked_pdf()
    )
    question = QuestionFactory(item=item, addressed_to=organisations["force"])
    action = MeetingActionFactory(meeting=meeting, item=item, owner=organisations["force"])
    held = _meeting(
        scrutiny, organisations["office"], "Held meeting", organisations["force"], days_ahead=-1
    )
    services.meeting_status_change(actor=scrutiny, meeting=held, status="held")
    publication_draft(actor=scrutiny, meeting=held)
    objects = {
        "meeting": meeting,
        "item": item,
        "paper": paper,
        "question": question,
        "action": action,
        "held_meeting": held,
    }
    return users, organisations, objects


@pytest.mark.parametrize(("method", "name", "object_key", "expected"), MATRIX)
def test_every_meeting_page_answers_each_role_as_the_matrix_says(
    client, world, method, name, object_key, expected
):
    users, _, objects = world
    url = reverse(name, args=[objects[object_key].pk] if object_key else [])
    for user_key, status in expected.items():
        client.logout()
        sign_in(client, users[user_key])
        response = getattr(client, method)(url)
        assert response.status_code == status, f"{user_key} {method.upper()} {url}"
        if status == 200 and response["Content-Type"].startswith("text/html"):
            assert post_forms_without_csrf(response.content.decode()) == 0, f"{user_key} {url}"


@pytest.mark.parametrize(("method", "name", "object_key", "expected"), MATRIX)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, method, name, object_key, expected):
    _, _, objects = world
    url = reverse(name, args=[objects[object_key].pk] if object_key else [])
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_lists_never_show_another_organisations_meetings_or_actions(client, world):
    users, organisations, objects = world
    sign_in(client, users["council_lead"])
    page = client.get(reverse("meetings:forward_plan")).content.decode()
    assert "Planned meeting" not in page
    # Once the council owns an action there, it sees that action but not the force's.
    own = MeetingActionFactory(meeting=objects["meeting"], owner=organisations["council"])
    page = client.get(reverse("meetings:action_tracker")).content.decode()
    assert f'id="meeting-action-{own.pk}"' in page
    assert f'id="meeting-action-{objects["action"].pk}"' not in page
    client.logout()
    sign_in(client, users["other_scrutiny"])
    for name in ("meetings:forward_plan", "meetings:action_tracker"):
        page = client.get(reverse(name)).content.decode()
        assert "Planned meeting" not in page
        assert "meeting-action-" not in page


def test_owning_an_action_lets_the_council_see_that_meeting(client, world):
    users, organisations, objects = world
    MeetingActionFactory(meeting=objects["meeting"], owner=organisations["council"])
    sign_in(client, users["council_lead"])
    response = client.get(reverse("meetings:meeting_detail", args=[objects["meeting"].pk]))
    assert response.status_code == 200


def test_an_official_sensitive_paper_is_seen_only_by_the_office_and_its_author(client, world):
    users, _, objects = world
    secret = services.paper_upload(
        actor=users["office_scrutiny"],
        item=objects["item"],
        title="Intelligence picture",
        file=checked_pdf(content=b"%PDF-1.4 secret"),
        marking=Marking.OFFICIAL_SENSITIVE,
    )
    url = reverse("meetings:paper_download", args=[secret.pk])
    meeting_url = reverse("meetings:meeting_detail", args=[objects["meeting"].pk])
    for user_key, status in {"office_viewer": 200, "force_lead": 404, "force_viewer": 404}.items():
        client.logout()
        sign_in(client, users[user_key])
        assert client.get(url).status_code == status, user_key
        shown = "Intelligence picture" in client.get(meeting_url).content.decode()
        assert shown == (status == 200), user_key


def test_meeting_pages_show_each_role_only_the_register_records_the_register_shows_it(
    client, world
):
    """An agenda item's linked recommendations and actions are read through the register's
    visibility rules (issue #11, Medium 7): the attending force never reads the council's
    action, nor the reference of a recommendation only the council acts on."""
    users, organisations, objects = world
    council_only = RecommendationFactory(
        source__owner=organisations["office"], reference="R-COUNCIL-ONLY"
    )
    ActionFactory(
        recommendation=council_only,
        owner=organisations["council"],
        description="Council-only return interviews",
    )
    services.agenda_item_update(
        actor=users["office_scrutiny"],
        item=objects["item"],
        expected_version=objects["item"].version,
        title=objects["item"].title,
        recommendations=[*objects["item"].recommendations.all(), council_only],
        actions=list(council_only.actions.all()),
    )
    url = reverse("meetings:meeting_detail", args=[objects["meeting"].pk])
    for user_key, status in SEE_ALL.items():
        client.logout()
        sign_in(client, users[user_key])
        response = client.get(url)
        assert response.status_code == status, user_key
        if status != 200:
            continue
        page = response.content.decode()
        sees = user_key.startswith("office_")  # the office owns the source
        assert ("R-COUNCIL-ONLY" in page) == sees, user_key
        assert ("Council-only return interviews" in page) == sees, user_key


@pytest.mark.parametrize("user_key", ["force_lead", "office_admin", "other_scrutiny"])
def test_refused_writes_write_nothing(client, world, user_key):
    users, _, objects = world
    sign_in(client, users[user_key])
    item, action = objects["item"], objects["action"]
    client.post(
        reverse("meetings:question_add", args=[item.pk]),
        {"text": "Q", "asked_by": "X", "when": "raised"},
    )
    client.post(reverse("meetings:meeting_action_close", args=[action.pk]), {"note": "Mine"})
    client.post(reverse("meetings:agenda_item_move", args=[item.pk]), {"direction": "up"})
    assert Question.objects.count() == 1
    assert MeetingAction.objects.get(pk=action.pk).is_open

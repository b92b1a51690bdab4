"""A sensitive agenda item is for the office and the organisations questioned on it.

Partners attending the meeting see the rest of the agenda, not what was taken in closed
session: not the item, its questions, papers or the actions raised on it (unless theirs).
"""

import datetime

import pytest
from django.http import Http404
from django.urls import reverse

from answerable.core.testing import sign_in
from answerable.meetings import selectors, services
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member


@pytest.fixture
def closed_session(meeting, scrutiny_officer, force, council):
    """The force and the council attend; two sensitive items, the force questioned on one."""
    services.attendee_add(
        actor=scrutiny_officer, meeting=meeting, name="Director", organisation=council, role=""
    )

    def add(title, *, sensitive):
        return services.agenda_item_add(
            actor=scrutiny_officer, meeting=meeting, title=title, is_sensitive=sensitive
        )

    open_item = add("Missing children: the return home interviews", sensitive=False)
    questioned = add("Operation Willow: suspects under investigation", sensitive=True)
    unquestioned = add("Covert tactics review", sensitive=True)
    question = services.question_add(
        actor=scrutiny_officer,
        item=questioned,
        text="How many suspects were charged?",
        asked_by="Commissioner",
        addressed_to=force,
    )
    mine = services.meeting_action_raise(
        actor=scrutiny_officer,
        meeting=meeting,
        owner=force,
        description="Brief the commissioner on covert tactics",
        item=unquestioned,
    )
    return {
        "open": open_item,
        "questioned": questioned,
        "unquestioned": unquestioned,
        "question": question,
        "action": mine,
    }


def _meeting_page(client, user, meeting):
    sign_in(client, user)
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_office_sees_every_item(client, meeting, scrutiny_officer, closed_session):
    page = _meeting_page(client, scrutiny_officer, meeting)
    for key in ("open", "questioned", "unquestioned"):
        assert closed_session[key].title in page


def test_an_attending_partner_sees_only_the_open_items(
    client, meeting, council_lead, closed_session
):
    page = _meeting_page(client, council_lead, meeting)
    assert closed_session["open"].title in page
    assert closed_session["questioned"].title not in page
    assert closed_session["unquestioned"].title not in page
    assert closed_session["question"].text not in page
    assert closed_session["action"].description not in page
    for name, pk in [
        ("meetings:response_record", closed_session["question"].pk),
        ("meetings:paper_upload", closed_session["questioned"].pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name


def test_the_questioned_partner_sees_its_item_and_its_own_actions(
    client, meeting, force_lead, closed_session
):
    page = _meeting_page(client, force_lead, meeting)
    assert closed_session["questioned"].title in page
    assert closed_session["question"].text in page
    assert closed_session["unquestioned"].title not in page
    # Raised on an item the force may not see, but the force must deliver it.
    assert closed_session["action"].description in page
    response = client.get(reverse("meetings:response_record", args=[closed_session["question"].pk]))
    assert response.status_code == 200


@pytest.fixture
def next_meeting(meeting, scrutiny_officer, force, council, closed_session):
    """A later meeting the force and the council attend, reviewing the closed session's actions:
    the force's on the unquestioned item, the council's on the item the force was asked about
    and on the unquestioned one, and the force's on the open item."""

    def raise_action(owner, item, description):
        services.meeting_action_raise(
            actor=scrutiny_officer, meeting=meeting, owner=owner, description=description, item=item
        )

    raise_action(council, closed_session["questioned"], "Council: share the charging figures")
    raise_action(council, closed_session["unquestioned"], "Council: review covert tactics")
    raise_action(force, closed_session["open"], "Force: audit return home interviews")
    later = services.meeting_create(
        actor=scrutiny_officer,
        office=meeting.office,
        title="The next meeting",
        kind=meeting.kind,
        starts_at=meeting.starts_at + datetime.timedelta(days=30),
        venue="Police headquarters",
        chair_name="Commissioner",
    )
    for organisation in (force, council):
        services.attendee_add(
            actor=scrutiny_officer, meeting=later, name="Lead", organisation=organisation
        )
    return later


@pytest.mark.parametrize(
    ("viewer", "reviewed"),
    [
        ("scrutiny_officer", {"Brief the", "Council: share", "Council: review", "Force: audit"}),
        ("force_lead", {"Brief the", "Council: share", "Force: audit"}),
        ("council_lead", {"Council: share", "Council: review", "Force: audit"}),
    ],
)
def test_the_next_meetings_review_hides_actions_on_items_the_viewer_may_not_see(
    client, request, next_meeting, viewer, reviewed
):
    """Unless the viewer's organisation owns them; the office sees them all."""
    page = _meeting_page(client, request.getfixturevalue(viewer), next_meeting)
    shown = {
        start
        for start in ("Brief the", "Council: share", "Council: review", "Force: audit")
        if start in page
    }
    assert shown == reviewed
    assert "No actions raised yet." in page  # all of them were raised at the earlier meeting


def test_a_partner_sees_only_the_register_records_the_register_shows_it(
    client, meeting, scrutiny_officer, force, council, council_lead, source
):
    """The agenda once listed every linked action and recommendation to anyone attending
    (issue #11): a council lead read the force's action and references it gets 404 for."""
    from answerable.recommendations.tests.factories import ActionFactory, RecommendationFactory

    police_only = RecommendationFactory(source=source, reference="R-POLICE-ONLY")
    force_action = ActionFactory(
        recommendation=police_only, owner=force, description="Force's covert disruption plan"
    )
    shared = RecommendationFactory(source=source, reference="R-SHARED")
    council_action = ActionFactory(
        recommendation=shared, owner=council, description="Council's return interviews"
    )
    services.attendee_add(
        actor=scrutiny_officer, meeting=meeting, name="Director", organisation=council, role=""
    )
    services.agenda_item_add(
        actor=scrutiny_officer,
        meeting=meeting,
        title="Disruption of perpetrators",
        recommendations=[police_only, shared],
        actions=[force_action, council_action],
    )
    council_page = _meeting_page(client, council_lead, meeting)
    assert "Disruption of perpetrators" in council_page
    assert "R-SHARED" in council_page
    assert "Council&#39;s return interviews" in council_page or "Council's return" in council_page
    assert "R-POLICE-ONLY" not in council_page
    assert "covert disruption plan" not in council_page
    client.logout()
    office_page = _meeting_page(client, scrutiny_officer, meeting)
    assert "R-POLICE-ONLY" in office_page
    assert "covert disruption plan" in office_page


def test_the_forward_plan_shows_a_sensitive_items_theme_only_to_those_who_may_see_it(
    client, meeting, scrutiny_officer, council, council_lead
):
    services.attendee_add(
        actor=scrutiny_officer, meeting=meeting, name="Director", organisation=council, role=""
    )
    services.agenda_item_add(
        actor=scrutiny_officer,
        meeting=meeting,
        title="Covert tactics review",
        theme="Covert disruption tactics",
        is_sensitive=True,
    )
    plan = reverse("meetings:forward_plan")
    sign_in(client, council_lead)
    council_page = client.get(plan).content.decode()
    assert meeting.title in council_page
    assert "Covert disruption tactics" not in council_page
    client.logout()
    sign_in(client, scrutiny_officer)
    assert "Covert disruption tactics" in client.get(plan).content.decode()


def test_an_item_is_read_only_by_those_who_may_see_its_meeting(
    meeting, scrutiny_officer, council_lead, closed_session
):
    """The office and an attending partner read the open item; another office's scrutiny
    officer, and a lead of a partner not at the meeting, are told there is no such item."""
    open_item = closed_session["open"].pk
    assert selectors.agenda_item_get_for_user(user=scrutiny_officer, pk=open_item).pk == open_item
    assert selectors.agenda_item_get_for_user(user=council_lead, pk=open_item).pk == open_item
    elsewhere = OrganisationFactory(name="Office elsewhere", kind=Organisation.Kind.PCC_OFFICE)
    absent = OrganisationFactory(
        name="Shire Fire", kind=Organisation.Kind.LOCAL_AUTHORITY, office=meeting.office
    )
    for outsider in (
        member(elsewhere, Membership.Role.SCRUTINY_OFFICER),
        member(absent, Membership.Role.LEAD_OFFICER),
    ):
        with pytest.raises(Http404):
            selectors.agenda_item_get_for_user(user=outsider, pk=open_item)

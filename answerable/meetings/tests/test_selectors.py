import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from answerable.core.testing import sign_in
from answerable.meetings import selectors, services
from answerable.meetings.tests.conftest import checked_pdf
from answerable.meetings.tests.factories import (
    AgendaItemFactory,
    MeetingActionFactory,
    MeetingFactory,
    QuestionFactory,
)
from answerable.recommendations.models import Theme
from answerable.recommendations.tests.factories import ActionFactory


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_forward_plan_lists_upcoming_meetings_with_their_themes(
    client, scrutiny_officer, office
):
    soon = MeetingFactory(office=office, title="Soon")
    AgendaItemFactory(meeting=soon, theme=Theme.objects.create(name="Victims first"))
    MeetingFactory(
        office=office, title="Last year", starts_at=timezone.now() - datetime.timedelta(days=300)
    )
    upcoming = list(selectors.forward_plan(user=scrutiny_officer))
    assert [m.title for m in upcoming] == ["Soon"]
    assert [m.title for m in selectors.forward_plan(user=scrutiny_officer, past=True)] == [
        "Last year"
    ]
    sign_in(client, scrutiny_officer)
    page = client.get(reverse("meetings:forward_plan")).content.decode()
    assert "Victims first" in page


def test_list_pages_cost_the_same_queries_for_one_or_many_rows(
    client, scrutiny_officer, office, force
):
    def add_meeting():
        meeting = MeetingFactory(office=office)
        AgendaItemFactory(meeting=meeting, theme=Theme.objects.get_or_create(name="T")[0])
        MeetingActionFactory(meeting=meeting, owner=force, due_on=datetime.date(2020, 1, 1))

    sign_in(client, scrutiny_officer)
    urls = [reverse("meetings:forward_plan"), reverse("meetings:action_tracker")]
    add_meeting()
    one = [_queries(client, url) for url in urls]
    for _ in range(4):
        add_meeting()
    assert [_queries(client, url) for url in urls] == one


@pytest.mark.parametrize("viewer", ["scrutiny_officer", "force_lead"])
def test_the_meeting_page_costs_the_same_queries_however_much_is_recorded(
    client, request, viewer, scrutiny_officer, meeting, force, force_lead, recommendation
):
    """Items, questions, responses, papers, linked recommendations and register actions, and
    meeting actions raised on items and reviewed from earlier meetings: none costs a query each,
    for the office or a partner (whose papers and items are scoped differently)."""

    def add_item():
        item = services.agenda_item_add(
            actor=scrutiny_officer,
            meeting=meeting,
            title="Item",
            theme="Training",
            description="What the item is about",
            recommendations=[recommendation],
            actions=[ActionFactory(recommendation=recommendation, owner=force)],
        )
        for _ in range(2):
            question = QuestionFactory(item=item, addressed_to=force)
            services.response_record(
                actor=scrutiny_officer,
                question=question,
                text="A",
                given_by_name="CC",
                given_by_organisation=force,
            )
        services.item_verdict_record(
            expected_version=0, actor=scrutiny_officer, item=item, verdict="assured", rationale="R"
        )
        services.paper_upload(actor=force_lead, item=item, title="P", file=checked_pdf())
        MeetingActionFactory(meeting=meeting, item=item, owner=force, owner_user=force_lead)
        earlier = MeetingFactory(
            office=meeting.office, starts_at=meeting.starts_at - datetime.timedelta(days=30)
        )
        MeetingActionFactory(
            meeting=earlier,
            item=AgendaItemFactory(meeting=earlier),
            owner=force,
            owner_user=force_lead,
            due_on=datetime.date(2020, 1, 1),
        )

    sign_in(client, request.getfixturevalue(viewer))
    url = meeting.get_absolute_url()
    add_item()
    one = _queries(client, url)
    for _ in range(3):
        add_item()
    page = client.get(url).content.decode()
    assert (
        page.count("Prepare a response" if viewer == "force_lead" else "Record the response") == 8
    )
    assert page.count("Overdue") == 4
    assert _queries(client, url) == one


def test_the_meeting_page_shows_a_question_as_soon_as_it_is_recorded(
    client, item, scrutiny_officer, force_lead, force
):
    url = item.meeting.get_absolute_url()
    sign_in(client, force_lead)
    assert "How many officers were trained" not in client.get(url).content.decode()
    services.question_add(
        actor=scrutiny_officer,
        item=item,
        text="How many officers were trained this year?",
        asked_by="The Commissioner",
        addressed_to=force,
    )
    assert "How many officers were trained this year?" in client.get(url).content.decode()


@pytest.mark.parametrize("viewer", ["scrutiny_officer", "force_lead"])
def test_the_meeting_page_reviews_the_actions_the_action_selectors_give(
    request, viewer, meeting, office, force
):
    """The page's one read of its actions finds what `action_review_list` and
    `meeting_actions_raised` find: open actions of the office's earlier meetings, not those
    of its later or same-time meetings, another office's or closed ones, and the actions
    raised at the meeting, open or closed; a partner's only where it may see the item."""
    user = request.getfixturevalue(viewer)
    day = datetime.timedelta(days=1)
    earlier = MeetingFactory(office=office, starts_at=meeting.starts_at - 30 * day)
    same_time = MeetingFactory(office=office, starts_at=meeting.starts_at)
    later = MeetingFactory(office=office, starts_at=meeting.starts_at + 30 * day)
    elsewhere = MeetingFactory(starts_at=meeting.starts_at - 30 * day)
    closed_item = AgendaItemFactory(meeting=earlier, is_sensitive=True)
    for raised_at in (earlier, same_time, later, elsewhere, meeting):
        MeetingActionFactory(meeting=raised_at, owner=force)
        MeetingActionFactory(meeting=raised_at, owner=office, item=closed_item)
        MeetingActionFactory(meeting=raised_at, owner=force, status="closed", closed_note="Done")
    review, raised = selectors.meeting_page_actions(meeting=meeting, user=user)
    expected_review = list(selectors.action_review_list(meeting=meeting, user=user))
    expected_raised = list(selectors.meeting_actions_raised(meeting=meeting, user=user))
    assert [a.pk for a in review] == [a.pk for a in expected_review]
    assert [a.pk for a in raised] == [a.pk for a in expected_raised]
    assert {a.meeting_id for a in review} == {earlier.pk}
    assert len(review) == (2 if viewer == "scrutiny_officer" else 1)
    assert len(raised) == (3 if viewer == "scrutiny_officer" else 2)
    assert [a.meeting_title for a in review] == [earlier.title] * len(review)

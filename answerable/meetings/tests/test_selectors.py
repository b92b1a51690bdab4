import datetime

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


def test_the_meeting_page_costs_the_same_queries_however_much_is_recorded(
    client, scrutiny_officer, meeting, force, force_lead, recommendation
):
    def add_item():
        item = services.agenda_item_add(
            actor=scrutiny_officer,
            meeting=meeting,
            title="Item",
            theme="Training",
            recommendations=[recommendation],
        )
        question = QuestionFactory(item=item, addressed_to=force)
        services.response_record(
            actor=scrutiny_officer, question=question, text="A", given_by_name="CC"
        )
        services.item_verdict_record(
            actor=scrutiny_officer, item=item, verdict="assured", rationale="R"
        )
        services.paper_upload(actor=force_lead, item=item, title="P", file=checked_pdf())
        MeetingActionFactory(meeting=meeting, item=item, owner=force)
        earlier = MeetingFactory(
            office=meeting.office, starts_at=meeting.starts_at - datetime.timedelta(days=30)
        )
        MeetingActionFactory(meeting=earlier, owner=force)

    sign_in(client, scrutiny_officer)
    url = meeting.get_absolute_url()
    add_item()
    one = _queries(client, url)
    for _ in range(3):
        add_item()
    assert _queries(client, url) == one

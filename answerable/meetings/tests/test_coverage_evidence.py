"""Training coverage offered on an agenda item shows on the meeting page, to whoever may see it."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from answerable.core.testing import sign_in
from answerable.meetings import services
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations.tests.factories import ActionFactory
from answerable.workforce import services as workforce_services
from answerable.workforce.models import CoverageFigure
from answerable.workforce.tests.factories import CourseFactory, SnapshotFactory

Role = Membership.Role


def _coverage(force, item, actor, title="CSE awareness", required=8, in_date=6):
    course = CourseFactory(owner=force, title=title, target_percent=90)
    snapshot = force.workforce_snapshots.first() or SnapshotFactory(
        organisation=force, taken_on=datetime.date(2025, 3, 31)
    )
    CoverageFigure.objects.create(
        snapshot=snapshot, course=course, required=required, in_date=in_date
    )
    workforce_services.coverage_link_create(
        actor=actor, course=course, agenda_item=item, note="Figures before the meeting"
    )
    return course


def _page(client, user, meeting) -> str:
    client.logout()
    sign_in(client, user)
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_office_and_the_force_see_the_linked_coverage_under_the_item(
    client, item, scrutiny_officer, force, force_lead, office
):
    course = _coverage(force, item, scrutiny_officer)
    for user in (
        scrutiny_officer,
        member(office, Role.VIEWER),
        force_lead,
        member(force, Role.VIEWER),
    ):
        page = _page(client, user, item.meeting)
        section = page.split(f'id="item-{item.pk}"')[1].split("</section>")[0]
        assert "Training coverage" in section
        assert f'href="/workforce/courses/{course.pk}/"' in section
        assert "CSE awareness (Shire Police)" in section
        assert "75.0% in date (6 of 8) on 31 March 2025, against a target of 90%" in section


def test_an_attending_partner_that_may_not_see_the_forces_coverage_sees_nothing(
    client, item, scrutiny_officer, force, council, council_lead
):
    services.attendee_add(
        actor=scrutiny_officer, meeting=item.meeting, name="Director", organisation=council
    )
    _coverage(force, item, scrutiny_officer)
    page = _page(client, council_lead, item.meeting)
    assert "Training to spot exploitation" in page  # the council sees the meeting
    assert "Training coverage" not in page
    assert "CSE awareness" not in page


def test_a_force_never_sees_another_forces_coverage_on_the_meeting_page(
    client, item, scrutiny_officer, force_lead, office
):
    other_force = OrganisationFactory(name="Other Police", kind=Organisation.Kind.POLICE_FORCE)
    ActionFactory(recommendation=item.recommendations.get(), owner=other_force)
    _coverage(other_force, item, scrutiny_officer, title="Other force's course")
    assert "Other force&#39;s course" in _page(client, scrutiny_officer, item.meeting)
    page = _page(client, force_lead, item.meeting)
    assert "Other force" not in page
    assert "Training coverage" not in page


def test_the_meeting_page_costs_the_same_queries_however_many_courses_are_linked(
    client, item, scrutiny_officer, force
):
    counts = []
    for number in (1, 5):
        while item.workforce_coverage_links.count() < number:
            n = item.workforce_coverage_links.count()
            _coverage(force, item, scrutiny_officer, title=f"Course {n}", in_date=n)
        sign_in(client, scrutiny_officer)
        client.get(item.meeting.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            page = client.get(item.meeting.get_absolute_url()).content.decode()
        counts.append(len(queries.captured_queries))
    for n in range(5):
        assert f"{n * 12.5:.1f}% in date ({n} of 8) on 31 March 2025" in page
    assert counts[0] == counts[1]


def test_a_course_without_figures_yet_says_so(client, item, scrutiny_officer, force):
    course = _coverage(force, item, scrutiny_officer)
    CoverageFigure.objects.filter(course=course).delete()
    assert "not counted yet for 31 March 2025" in _page(client, scrutiny_officer, item.meeting)
    force.workforce_snapshots.all().delete()
    assert "no workforce snapshot yet" in _page(client, scrutiny_officer, item.meeting)

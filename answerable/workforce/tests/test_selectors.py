import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from answerable.meetings.tests.factories import AgendaItemFactory, AttendeeFactory, MeetingFactory
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import access_for
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations.tests.factories import ActionFactory, RecommendationFactory
from answerable.workforce import selectors
from answerable.workforce.models import CoverageFigure, CoverageLink
from answerable.workforce.tests.factories import CourseFactory, SnapshotFactory


@pytest.fixture
def course(force):
    return CourseFactory(owner=force)


def test_an_office_sees_courses_of_forces_with_actions_under_its_sources(
    course, scrutiny_officer, force_action
):
    assert list(selectors.course_list(user=scrutiny_officer)) == [course]
    assert list(selectors.force_list(user=scrutiny_officer)) == [course.owner]


def test_an_office_sees_nothing_of_a_force_it_does_not_hold_to_account(course, scrutiny_officer):
    assert list(selectors.course_list(user=scrutiny_officer)) == []
    with pytest.raises(Http404):
        selectors.course_get_for_user(user=scrutiny_officer, pk=course.pk)


def test_an_archived_action_no_longer_opens_the_forces_coverage(
    course, scrutiny_officer, force_action
):
    force_action.is_archived = True
    force_action.save()
    assert list(selectors.course_list(user=scrutiny_officer)) == []


def test_a_course_opens_to_its_force_in_one_query_and_to_an_office_as_course_list_says(
    course, force_lead, scrutiny_officer, force_action, django_assert_num_queries
):
    for user in (force_lead, scrutiny_officer):
        access_for(user).roles  # noqa: B018 - read the memberships once, as a request would
    with django_assert_num_queries(1):
        assert selectors.course_get_for_user(user=force_lead, pk=course.pk) == course
    with django_assert_num_queries(2):
        assert selectors.course_get_for_user(user=scrutiny_officer, pk=course.pk) == course
    # An archived course leaves the list but stays readable at its address (issue #17).
    course.is_archived = True
    course.save()
    for user in (force_lead, scrutiny_officer):
        assert selectors.course_get_for_user(user=user, pk=course.pk) == course
        assert list(selectors.course_list(user=user)) == []


def test_a_partner_with_an_action_under_the_same_source_sees_nothing(
    course, council_lead, force_action, council_action
):
    assert list(selectors.course_list(user=council_lead)) == []


def test_a_non_office_that_owns_a_source_does_not_oversee_forces(course, council):
    """Only a PCC's office oversees forces through its sources."""
    scrutiny = member(council, Membership.Role.SCRUTINY_OFFICER)
    ActionFactory(recommendation=RecommendationFactory(source__owner=council), owner=course.owner)
    assert list(selectors.course_list(user=scrutiny)) == []


def test_only_the_owning_force_sees_the_gap_list(course, force_lead, scrutiny_officer):
    assert selectors.can_see_gaps(user=force_lead, course=course)
    assert not selectors.can_see_gaps(user=scrutiny_officer, course=course)


def test_only_police_force_lead_officers_upload(force, council, force_lead, council_lead):
    assert list(selectors.upload_force_list(user=force_lead)) == [force]
    assert list(selectors.upload_force_list(user=council_lead)) == []
    assert not selectors.can_upload(user=council_lead, organisation=council)


def test_the_recommendation_page_lists_coverage_links_the_user_may_see(
    course, force_action, force_lead, scrutiny_officer, council_lead, council_action
):
    recommendation = force_action.recommendation
    link = CoverageLink.objects.create(
        course=course, recommendation=recommendation, created_by=force_lead
    )
    for user in (force_lead, scrutiny_officer):
        assert list(selectors.coverage_link_list(user=user, recommendation=recommendation)) == [
            link
        ]
    # The council sees the recommendation (it has an action) but not the force's coverage.
    assert (
        list(selectors.coverage_link_list(user=council_lead, recommendation=recommendation)) == []
    )


def test_coverage_link_lists_cost_one_query_however_many_links(
    course, force_action, force_lead, django_assert_num_queries
):
    recommendation = force_action.recommendation
    for n in range(5):
        other = CourseFactory(owner=course.owner, code=f"X{n}")
        CoverageLink.objects.create(
            course=other, recommendation=recommendation, created_by=force_lead
        )
    access_for(force_lead).roles  # noqa: B018 - read the memberships once, as a request would
    with django_assert_num_queries(1):
        links = list(selectors.coverage_link_list(user=force_lead, recommendation=recommendation))
        assert [str(link.course.owner) for link in links] == [str(course.owner)] * 5


def test_a_lead_officer_links_to_recommendations_with_its_actions_only(
    course, force_action, force_lead
):
    RecommendationFactory(source=force_action.recommendation.source)
    other_office = OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE)
    RecommendationFactory(source__owner=other_office)
    assert list(selectors.linkable_recommendation_list(user=force_lead, course=course)) == [
        force_action.recommendation
    ]


def test_the_recommendation_page_shows_its_coverage_evidence(
    client, course, force_action, force_lead, council_lead
):
    from answerable.core.testing import sign_in

    recommendation = force_action.recommendation
    CoverageLink.objects.create(
        course=course, recommendation=recommendation, created_by=force_lead, note="Spring cohort"
    )
    sign_in(client, force_lead)
    page = client.get(recommendation.get_absolute_url()).content.decode()
    assert "Training coverage offered as evidence" in page
    assert f"{course.title} ({course.owner.name})</a>: Spring cohort" in page
    client.logout()
    sign_in(client, council_lead)
    page = client.get(recommendation.get_absolute_url()).content.decode()
    assert "Training coverage offered as evidence" not in page


# --- coverage on meeting agenda items ---------------------------------------------------------


@pytest.fixture
def meeting(office, force):
    """A meeting the office runs and the force attends, with its action tracker review."""
    meeting = MeetingFactory(office=office, title="Holding to account")
    AttendeeFactory(meeting=meeting, organisation=force)
    return meeting


def test_a_scrutiny_officer_offers_coverage_on_items_of_the_offices_meetings(
    course, office, meeting, scrutiny_officer, force_action
):
    first = AgendaItemFactory(meeting=meeting)
    second = AgendaItemFactory(meeting=meeting)
    AgendaItemFactory(meeting=MeetingFactory())  # another office's meeting
    assert list(selectors.linkable_agenda_item_list(user=scrutiny_officer, course=course)) == [
        first,
        second,
    ]
    CoverageLink.objects.create(course=course, agenda_item=first, created_by=scrutiny_officer)
    assert list(selectors.linkable_agenda_item_list(user=scrutiny_officer, course=course)) == [
        second
    ]


def test_a_lead_officer_offers_coverage_only_on_meetings_the_force_attends(
    course, office, meeting, force_lead
):
    attended = AgendaItemFactory(meeting=meeting)
    AgendaItemFactory(meeting=MeetingFactory(office=office))
    assert list(selectors.linkable_agenda_item_list(user=force_lead, course=course)) == [attended]


def test_only_upcoming_and_recent_meetings_are_offered(
    course, office, meeting, scrutiny_officer, force_action
):
    upcoming = AgendaItemFactory(meeting=meeting)
    long_ago = timezone.now() - datetime.timedelta(days=selectors.RECENT_MEETING_DAYS + 2)
    AgendaItemFactory(meeting=MeetingFactory(office=office, starts_at=long_ago))
    since = selectors.recent_meetings_since()
    offered = selectors.linkable_agenda_item_list(user=scrutiny_officer, course=course, since=since)
    assert list(offered) == [upcoming]


def test_agenda_coverage_shows_only_courses_the_user_may_see_with_the_latest_figure(
    course, meeting, force, force_lead, scrutiny_officer, council_lead, force_action
):
    item = AgendaItemFactory(meeting=meeting)
    CoverageLink.objects.create(course=course, agenda_item=item, created_by=force_lead)
    older = SnapshotFactory(organisation=force, taken_on=datetime.date(2025, 2, 28))
    latest = SnapshotFactory(organisation=force, taken_on=datetime.date(2025, 3, 31))
    CoverageFigure.objects.create(snapshot=older, course=course, required=10, in_date=1)
    CoverageFigure.objects.create(snapshot=latest, course=course, required=8, in_date=6)
    for user in (force_lead, scrutiny_officer):
        [link] = selectors.agenda_coverage_list(user=user, item_ids=[item.pk])
        assert (link.latest_taken_on, link.latest_required, link.latest_in_date) == (
            latest.taken_on,
            8,
            6,
        )
    assert selectors.agenda_coverage_list(user=council_lead, item_ids=[item.pk]) == []


def test_agenda_coverage_costs_two_queries_however_many_links(
    course, meeting, force, force_lead, django_assert_num_queries
):
    item = AgendaItemFactory(meeting=meeting)
    snapshot = SnapshotFactory(organisation=force)
    for n in range(5):
        other = CourseFactory(owner=force, code=f"M{n}", title=f"Course M{n}")  # in title order
        CoverageLink.objects.create(course=other, agenda_item=item, created_by=force_lead)
        CoverageFigure.objects.create(snapshot=snapshot, course=other, required=4, in_date=n)
    access_for(force_lead).roles  # noqa: B018 - read the memberships once, as a request would
    with django_assert_num_queries(2):
        links = selectors.agenda_coverage_list(user=force_lead, item_ids=[item.pk])
        assert [link.latest_in_date for link in links] == [0, 1, 2, 3, 4]
        assert {link.course.owner.name for link in links} == {force.name}


def test_the_coverage_page_lists_item_links_only_where_the_meeting_may_be_seen(
    course, meeting, force, force_lead, scrutiny_officer, force_action
):
    item = AgendaItemFactory(meeting=meeting)
    link = CoverageLink.objects.create(course=course, agenda_item=item, created_by=force_lead)
    hidden = AgendaItemFactory(meeting=MeetingFactory())  # neither may see this meeting
    CoverageLink.objects.create(course=course, agenda_item=hidden, created_by=force_lead)
    on_recommendation = CoverageLink.objects.create(
        course=course, recommendation=force_action.recommendation, created_by=force_lead
    )
    for user in (force_lead, scrutiny_officer):
        links = selectors.course_evidence_list(user=user, course=course)
        assert links == [on_recommendation, link]
        removable = selectors.coverage_link_removable_ids(user=user, course=course, links=links)
        assert removable == {link.pk, on_recommendation.pk}
    viewer = member(force, Membership.Role.VIEWER)
    links = selectors.course_evidence_list(user=viewer, course=course)
    assert links == [on_recommendation, link]
    assert selectors.coverage_link_removable_ids(user=viewer, course=course, links=links) == set()
    # The recommendation page lists only links on recommendations.
    assert list(selectors.coverage_link_list(user=force_lead, course=course)) == [on_recommendation]


def test_the_coverage_pages_evidence_costs_the_same_queries_however_many_links(
    course, meeting, force_lead, force_action, django_assert_num_queries
):
    access_for(force_lead).roles  # noqa: B018 - read the memberships once, as a request would
    with django_assert_num_queries(1):
        links = selectors.course_evidence_list(user=force_lead, course=course)
    with django_assert_num_queries(0):
        selectors.coverage_link_removable_ids(user=force_lead, course=course, links=links)
    for n in range(4):
        CoverageLink.objects.create(
            course=course, agenda_item=AgendaItemFactory(meeting=meeting), created_by=force_lead
        )
        CoverageLink.objects.create(
            course=course,
            recommendation=ActionFactory(
                recommendation__source=force_action.recommendation.source, owner=course.owner
            ).recommendation,
            created_by=force_lead,
        )
        with django_assert_num_queries(3):
            links = selectors.course_evidence_list(user=force_lead, course=course)
        assert len(links) == 2 * (n + 1)
        with django_assert_num_queries(2):
            removable = selectors.coverage_link_removable_ids(
                user=force_lead, course=course, links=links
            )
        assert len(removable) == 2 * (n + 1)

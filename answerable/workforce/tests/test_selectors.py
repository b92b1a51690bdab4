import pytest
from django.http import Http404

from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations.tests.factories import ActionFactory, RecommendationFactory
from answerable.workforce import selectors
from answerable.workforce.models import CoverageLink
from answerable.workforce.tests.factories import CourseFactory


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
    selectors.access_for(force_lead).roles  # noqa: B018 - read the memberships once, as a request would
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

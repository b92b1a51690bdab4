"""The saved views on a list page: one read whatever their number, the list's own alone."""

from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member
from answerable.recommendations import selectors, services
from answerable.recommendations.models import SavedView

RECOMMENDATIONS, ACTIONS = SavedView.ListKind.RECOMMENDATIONS, SavedView.ListKind.ACTIONS


def _save(user, kind, name, *, shared=False):
    return services.saved_view_create(
        actor=user, list_kind=kind, name=name, query="sort=reference", is_shared=shared
    )


def test_a_list_shows_its_own_saved_views_not_the_other_lists(scrutiny_officer):
    mine = _save(scrutiny_officer, RECOMMENDATIONS, "B mine")
    ours = _save(scrutiny_officer, RECOMMENDATIONS, "A ours", shared=True)
    actions = _save(scrutiny_officer, ACTIONS, "Actions of mine")
    found = selectors.saved_view_list(user=scrutiny_officer, list_kind=RECOMMENDATIONS)
    assert found == [ours, mine]
    assert selectors.saved_view_list(user=scrutiny_officer, list_kind=ACTIONS) == [actions]
    assert found[0].created_by == scrutiny_officer  # read with its maker, for "shared by"


def test_saved_views_are_read_in_one_query_however_many_there_are(
    scrutiny_officer, office, django_assert_num_queries
):
    colleague = member(office, Membership.Role.SCRUTINY_OFFICER, full_name="Col League")
    _save(colleague, ACTIONS, "Theirs", shared=True)
    selectors.saved_view_list(user=scrutiny_officer, list_kind=ACTIONS)  # memberships read
    with django_assert_num_queries(1):
        one = selectors.saved_view_list(user=scrutiny_officer, list_kind=ACTIONS)
        assert one[0].created_by.full_name == "Col League"
    for number in range(3):
        _save(scrutiny_officer, ACTIONS, f"Mine {number}")
    with django_assert_num_queries(1):
        four = selectors.saved_view_list(user=scrutiny_officer, list_kind=ACTIONS)
        assert [view.created_by.full_name for view in four].count("Col League") == 1
    assert len(four) == 4


def test_someone_in_no_organisation_sees_only_their_own(scrutiny_officer, office):
    _save(scrutiny_officer, RECOMMENDATIONS, "Shared", shared=True)
    loner = member(office, Membership.Role.SCRUTINY_OFFICER, full_name="Lone")
    loner.memberships.all().delete()
    assert selectors.saved_view_list(user=loner, list_kind=RECOMMENDATIONS) == []

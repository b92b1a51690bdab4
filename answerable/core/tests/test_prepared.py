"""Reads whose SQL is built once give what the ORM gives, for every count of ids."""

import datetime

import pytest
from django.db import connection
from django.db.models import Q, QuerySet
from django.test.utils import CaptureQueriesContext

from answerable.core.prepared import keep_as_prefetched, prepared_list
from answerable.organisations.tests.factories import OrganisationFactory
from answerable.recommendations.models import Action, Recommendation
from answerable.recommendations.tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def _owned_with_relations(owners: frozenset[int], pk: int) -> QuerySet[Action]:
    return (
        Action.objects.filter(Q(owner_id__in=owners) | Q(source__owner_id__in=owners), pk=pk)
        .select_related("recommendation", "recommendation__source", "owner", "lead")
        .order_by()
    )


def _fields(action: Action) -> dict[str, object]:
    return {field.attname: getattr(action, field.attname) for field in Action._meta.fields}


def test_the_rows_are_the_orms_with_their_related_rows_read_in_the_same_query():
    action = ActionFactory(target_on=datetime.date(2026, 3, 1))
    other = OrganisationFactory()
    for owners in ({action.owner_id}, {other.pk, action.owner_id}, {other.pk}):
        expected = list(_owned_with_relations(frozenset(owners), action.pk))
        found = prepared_list("test_owned", Action, _owned_with_relations, owners, action.pk)
        assert [_fields(a) for a in found] == [_fields(a) for a in expected]
    found = prepared_list("test_owned", Action, _owned_with_relations, {action.owner_id}, action.pk)
    created_at = Action.objects.get(pk=action.pk).created_at
    with CaptureQueriesContext(connection) as queries:
        assert found[0].recommendation.source.title == action.recommendation.source.title
        assert found[0].owner.name == action.owner.name
        assert found[0].lead is None
        assert found[0].target_on == datetime.date(2026, 3, 1)
        assert found[0].created_at == created_at
    assert len(queries) == 0


def test_another_persons_ids_in_the_same_sql_find_only_theirs():
    """The SQL built for one person's ids is run with the next person's, never theirs."""
    mine, theirs = ActionFactory(), ActionFactory()
    for action in (mine, theirs):
        found = prepared_list(
            "test_owned", Action, _owned_with_relations, {action.owner_id}, action.pk
        )
        assert [a.pk for a in found] == [action.pk]
    assert (
        prepared_list("test_owned", Action, _owned_with_relations, {mine.owner_id}, theirs.pk) == []
    )


def test_no_ids_are_answered_as_the_orm_answers_them():
    action = ActionFactory()
    assert prepared_list("test_owned", Action, _owned_with_relations, set(), action.pk) == []


def test_an_argument_left_out_of_the_sql_is_refused():
    def ignores_pk(owners: frozenset[int], pk: int) -> QuerySet[Action]:
        return Action.objects.filter(owner_id__in=owners)

    with pytest.raises(ValueError, match="did not reach the SQL"):
        prepared_list("test_ignores_pk", Action, ignores_pk, {1}, 2)


def _actions_of(recommendation_id: int) -> QuerySet[Action]:
    return Action.objects.filter(recommendation_id=recommendation_id).order_by("pk")


def test_rows_kept_as_prefetched_are_read_without_a_query_and_filters_stay_scoped():
    action = ActionFactory()
    ActionFactory(recommendation=action.recommendation)
    ActionFactory()  # another recommendation's: never among the first's
    recommendation = Recommendation.objects.get(pk=action.recommendation_id)
    rows = prepared_list("test_actions_of", Action, _actions_of, recommendation.pk)
    keep_as_prefetched(recommendation, "actions", rows)
    with CaptureQueriesContext(connection) as queries:
        assert list(recommendation.actions.all()) == rows
    assert len(queries) == 0
    # A further order or filter reads again, still only this recommendation's actions.
    assert sorted(a.pk for a in recommendation.actions.order_by("-pk")) == [a.pk for a in rows]
    assert recommendation.actions.exclude(pk=action.pk).count() == 1

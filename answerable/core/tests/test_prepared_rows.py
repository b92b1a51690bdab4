"""Value rows whose SQL is built once give what the ORM gives, for every count of ids."""

import datetime

import pytest
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from answerable.core.prepared_rows import prepared_rows
from answerable.organisations.models import Organisation
from answerable.organisations.tests.factories import OrganisationFactory
from answerable.recommendations.models import Action
from answerable.recommendations.tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def _owned(owners: frozenset[int], pk: int) -> QuerySet[Action, tuple[object, ...]]:
    return (
        Action.objects.filter(Q(owner_id__in=owners) | Q(source__owner_id__in=owners), pk=pk)
        .order_by()
        .values_list("pk", "description", "target_on", "is_archived", "owner__name", "lead_id")
    )


def test_the_rows_are_the_orms_with_each_column_as_the_orm_gives_it():
    action = ActionFactory()
    other = OrganisationFactory()
    for owners in ({action.owner_id}, {other.pk, action.owner_id}, {other.pk}, set()):
        expected = list(_owned(frozenset(owners), action.pk))
        found = prepared_rows("test_rows_owned", Action, _owned, owners, action.pk)
        assert found == expected
        assert [type(value) for row in found for value in row] == [
            type(value) for row in expected for value in row
        ]
    (row,) = prepared_rows("test_rows_owned", Action, _owned, {action.owner_id}, action.pk)
    assert row[3] is False  # a boolean, as the ORM gives it, on SQLite as on PostgreSQL


def test_another_persons_ids_in_the_same_sql_find_only_theirs():
    mine, theirs = ActionFactory(), ActionFactory()
    for action in (mine, theirs):
        found = prepared_rows("test_rows_owned", Action, _owned, {action.owner_id}, action.pk)
        assert [row[0] for row in found] == [action.pk]
    assert prepared_rows("test_rows_owned", Action, _owned, {mine.owner_id}, theirs.pk) == []


def test_a_query_of_model_instances_is_refused():
    with pytest.raises(ValueError, match="values_list"):
        prepared_rows(
            "test_rows_instances", Organisation, lambda pk: Organisation.objects.filter(pk=pk), 1
        )


def _with_counts(owner: int) -> QuerySet[Organisation, tuple[object, ...]]:
    return (
        Organisation.objects.filter(pk=owner)
        .annotate(action_count=Count("actions"))
        .values_list("name", "action_count")
    )


def test_an_annotation_is_read_after_the_fields_and_refused_before_them():
    action = ActionFactory()
    ActionFactory(owner=action.owner)
    found = prepared_rows("test_rows_counted", Organisation, _with_counts, action.owner_id)
    assert found == [(action.owner.name, 2)]
    with pytest.raises(ValueError, match="SQL's order"):
        prepared_rows(
            "test_rows_counted_first",
            Organisation,
            lambda pk: _with_counts(pk).values_list("action_count", "name"),
            action.owner_id,
        )


def _filtered(
    owner: int, status: str, after: datetime.date | None, updated_before: datetime.datetime
) -> QuerySet[Action, tuple[object, ...]]:
    found = Action.objects.filter(owner_id=owner, delivery_status=status)
    found = (
        found.filter(target_on__isnull=True) if after is None else found.filter(target_on__gt=after)
    )
    return found.filter(created_at__lt=updated_before).order_by("pk").values_list("pk", "target_on")


def test_texts_days_times_and_none_run_in_the_same_sql_as_each_others_values():
    force = OrganisationFactory()
    early = ActionFactory(
        owner=force, delivery_status="on_track", target_on=datetime.date(2025, 1, 1)
    )
    late = ActionFactory(
        owner=force, delivery_status="on_track", target_on=datetime.date(2026, 1, 1)
    )
    undated = ActionFactory(owner=force, delivery_status="off_track", target_on=None)
    soon = timezone.now() + datetime.timedelta(days=1)
    cases = [
        ("on_track", datetime.date(2024, 6, 1), soon, [early.pk, late.pk]),
        ("on_track", datetime.date(2025, 6, 1), soon, [late.pk]),
        ("off_track", datetime.date(2024, 6, 1), soon, []),
        ("off_track", None, soon, [undated.pk]),
        ("on_track", datetime.date(2024, 6, 1), early.created_at, []),
    ]
    for status, after, before, expected in cases:
        found = prepared_rows(
            "test_rows_filtered",
            Action,
            _filtered,
            force.pk,
            status,
            after,
            before,
            planned_each_time=True,
        )
        assert found == [tuple(row) for row in _filtered(force.pk, status, after, before)]
        assert [pk for pk, _ in found] == expected


def test_an_argument_of_another_kind_is_refused():
    with pytest.raises(TypeError, match="not 1.5"):
        prepared_rows("test_rows_float", Action, _owned, {1}, 1.5)

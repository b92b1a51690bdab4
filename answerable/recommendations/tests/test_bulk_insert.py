"""The import's raw writer stores rows exactly as saving each one would."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from answerable.core.bulk_insert import BATCH, bulk_insert
from answerable.recommendations.models import Action, Recommendation


def test_rows_read_back_as_saved_with_their_ids_in_order(source, force):
    before = timezone.now()
    recommendations = [
        Recommendation(source=source, reference=f"R{n}", text=f"Text {n}", position=n)
        for n in range(BATCH + 3)  # more than one statement
    ]
    bulk_insert(recommendations)
    actions = [
        Action(
            recommendation=r,
            source=source,
            owner=force,
            description=f"Do {r.reference}",
            target_on=datetime.date(2027, 3, 31),
        )
        for r in recommendations
    ]
    bulk_insert(actions)

    stored = {r.pk: r for r in Recommendation.objects.filter(source=source)}
    assert [stored[r.pk].reference for r in recommendations] == [
        r.reference for r in recommendations
    ]
    saved = Action.objects.get(pk=actions[-1].pk)
    assert (saved.recommendation_id, saved.description) == (
        recommendations[-1].pk,
        f"Do R{BATCH + 2}",
    )
    assert saved.target_on == datetime.date(2027, 3, 31)
    assert (saved.delivery_status, saved.version, saved.is_archived) == ("not_started", 1, False)
    assert before <= saved.created_at == saved.updated_at == actions[-1].created_at
    assert actions[-1]._state.adding is False


def test_the_database_still_checks_its_constraints(source):
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert([Recommendation(source=source, reference="R1", text=None)])

"""The register's models save what they are given: rules live in the services."""

import pytest
from django.db import IntegrityError, transaction

from answerable.recommendations.models import Action
from answerable.recommendations.tests.factories import ActionFactory


def test_an_action_saved_without_its_source_is_refused_rather_than_filled_in(recommendation, force):
    """action_create and the importer copy the recommendation's source; save() has no side
    effects to hide a path that forgets (docs/STYLE.md §2)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Action(recommendation=recommendation, owner=force, description="Adopt").save()
    assert not Action.objects.exists()


def test_the_factory_gives_an_action_its_recommendations_source(recommendation):
    assert ActionFactory(recommendation=recommendation).source == recommendation.source

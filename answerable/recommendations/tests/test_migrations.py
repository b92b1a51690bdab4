"""Data migrations of the register, run against real rows."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("recommendations", "0004_recommendation_search_column")]
AFTER = [("recommendations", "0006_action_source_required")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    """Whatever the test does, leave the database migrated to the latest state."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_actions_get_their_recommendations_source(back_to_latest):
    apps = _migrate(BEFORE)
    organisation = apps.get_model("organisations", "Organisation").objects.create(
        name="Office", kind="pcc_office"
    )
    Source = apps.get_model("recommendations", "Source")
    Recommendation = apps.get_model("recommendations", "Recommendation")
    Action = apps.get_model("recommendations", "Action")
    sources = [
        Source.objects.create(owner=organisation, title=title, kind="inspection")
        for title in ("First", "Second")
    ]
    actions = [
        Action.objects.create(
            recommendation=Recommendation.objects.create(
                source=source, reference="R1", text="Text", position=1
            ),
            owner=organisation,
            description="Do it",
        )
        for source in sources
    ]

    apps = _migrate(AFTER)
    Action = apps.get_model("recommendations", "Action")
    assert [Action.objects.get(pk=a.pk).source_id for a in actions] == [s.pk for s in sources]

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


@pytest.mark.django_db(transaction=True)
def test_each_theme_goes_to_the_offices_using_it_copied_where_several_do(back_to_latest):
    apps = _migrate([("recommendations", "0014_theme_per_office")])
    Organisation = apps.get_model("organisations", "Organisation")
    Source = apps.get_model("recommendations", "Source")
    Recommendation = apps.get_model("recommendations", "Recommendation")
    Theme = apps.get_model("recommendations", "Theme")
    first, second = (
        Organisation.objects.create(name=name, kind="pcc_office") for name in ("First", "Second")
    )
    shared, own, unused = (Theme.objects.create(name=n) for n in ("Training", "Vetting", "Old"))
    tagged = {}
    for office in (first, second):
        source = Source.objects.create(owner=office, title="Report", kind="inspection")
        tagged[office.pk] = Recommendation.objects.create(
            source=source, reference="R1", text="Text", position=1
        )
        tagged[office.pk].themes.add(shared)
    tagged[first.pk].themes.add(own)

    apps = _migrate([("recommendations", "0015_theme_office_backfill")])
    Theme = apps.get_model("recommendations", "Theme")
    Recommendation = apps.get_model("recommendations", "Recommendation")
    themes = {
        office.pk: sorted(
            (t.name, t.office_id) for t in Recommendation.objects.get(pk=r.pk).themes.all()
        )
        for office, r in ((first, tagged[first.pk]), (second, tagged[second.pk]))
    }
    assert themes == {
        first.pk: [("Training", first.pk), ("Vetting", first.pk)],
        second.pk: [("Training", second.pk)],
    }
    assert Theme.objects.filter(name="Training").count() == 2
    assert not Theme.objects.filter(pk=unused.pk).exists()  # used by nothing: only a name

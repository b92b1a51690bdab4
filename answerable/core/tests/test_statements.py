"""SQL built once per process is prepared on PostgreSQL: one statement a connection, run
with each person's own ids (issue #12)."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    member,
)
from answerable.recommendations import selectors, services
from answerable.recommendations.selectors.compiled import FEW_ORGANISATIONS
from answerable.recommendations.tests.factories import ActionFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="only PostgreSQL prepares statements"
    ),
]


def _prepared_statements(reading: str = "recommendations_actiontally") -> int:
    """How many statements this connection has prepared that read `reading`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{reading}%"],
        )
        return int(cursor.fetchone()[0])


def _prepared_tally_statements() -> int:
    return _prepared_statements("recommendations_actiontally")


def _leads_of_two_forces() -> list[tuple[object, str]]:
    leads = []
    for name in ("Northmoor Police", "Southdale Police"):
        force = OrganisationFactory(name=name)
        ActionFactory(owner=force, description=f"{name}'s own action")
        leads.append((member(force, Membership.Role.LEAD_OFFICER), name))
    return leads


def test_each_forces_dashboard_counts_its_own_actions_through_one_prepared_statement():
    leads = _leads_of_two_forces()
    before = _prepared_tally_statements()
    for _round in range(3):
        for lead, name in leads:
            summary = selectors.dashboard_summary(user=lead)
            assert [owner for owner, _counts in summary.owner_matrix] == [name]
    # One statement for the action tallies whoever asks; had the ids been written into the
    # SQL, each force would have had its own.
    assert _prepared_tally_statements() == before + 1


@override_settings(DB_PREPARE_FIXED_SQL=False)
def test_nothing_is_prepared_when_the_setting_is_off():
    (lead, name), _other = _leads_of_two_forces()
    before = _prepared_tally_statements()
    summary = selectors.dashboard_summary(user=lead)
    assert [owner for owner, _counts in summary.owner_matrix] == [name]
    assert _prepared_tally_statements() == before


def test_prepared_statements_are_logged_with_their_sql():
    """Django's query log (connection.queries, the query-count tests) names each statement,
    prepared or not."""
    (lead, _name), _other = _leads_of_two_forces()
    selectors.dashboard_summary(user=lead)
    with CaptureQueriesContext(connection) as captured:
        selectors.dashboard_summary(user=lead)
    logged = [query["sql"] for query in captured.captured_queries]
    assert all(logged)
    assert any("recommendations_actiontally" in sql for sql in logged)


def test_a_prepared_statement_keeps_one_plan_for_every_run():
    """PostgreSQL re-planned some prepared reads on every run (an action's, 1.2 ms a page)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"


def test_each_actions_timeline_is_read_through_one_prepared_statement():
    lead, _name = _leads_of_two_forces()[0]
    actions = [ActionFactory(owner=lead.memberships.get().organisation) for _n in range(3)]
    before = _prepared_statements("UNION ALL")
    for action in actions:
        services.update_post(actor=lead, action=action, narrative=f"Progress on {action.pk}")
        bodies = [entry.body for entry in selectors.action_timeline(action=action)]
        assert f"Progress on {action.pk}" in bodies
        assert not any(f"Progress on {other.pk}" in bodies for other in actions if other != action)
    assert _prepared_statements("UNION ALL") == before + 1


def test_reads_whose_best_plan_depends_on_the_day_or_many_organisations_are_not_prepared():
    """Planned for their values each time: what is overdue today, or which of a national
    viewer's many organisations, changes which plan is quick."""
    (lead, name), _other = _leads_of_two_forces()
    before_days = _prepared_statements("recommendations_openactiontally")
    selectors.dashboard_summary(user=lead)
    assert _prepared_statements("recommendations_openactiontally") == before_days
    assert _prepared_tally_statements() >= 1  # the tallies by organisation alone are

    partner = UserFactory()
    forces = [OrganisationFactory(name=f"Force {n}") for n in range(FEW_ORGANISATIONS + 1)]
    for force in forces:
        MembershipFactory(user=partner, organisation=force, role=Membership.Role.LEAD_OFFICER)
        ActionFactory(owner=force)
    before = _prepared_tally_statements()
    summary = selectors.dashboard_summary(user=partner)
    assert {owner for owner, _counts in summary.owner_matrix} == {f.name for f in forces}
    assert _prepared_tally_statements() == before

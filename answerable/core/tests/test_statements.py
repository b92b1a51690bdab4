"""SQL built once per process is prepared on PostgreSQL: one statement a connection, run
with each person's own ids (issue #12)."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations import selectors
from answerable.recommendations.tests.factories import ActionFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="only PostgreSQL prepares statements"
    ),
]


def _prepared_tally_statements() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements"
            " WHERE statement LIKE '%%recommendations_actiontally%%'"
        )
        return int(cursor.fetchone()[0])


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

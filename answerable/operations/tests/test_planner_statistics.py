"""The nightly statistics job leaves the planner counts of the register's open actions."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from answerable.recommendations.tests.factories import ActionFactory


def _action_statistics() -> dict[str, str]:
    """SQLite: each index of the actions table and its counts, as the planner reads them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'recommendations_action'")
        return dict(cursor.fetchall())


def _times_analysed() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'recommendations_action'"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_refresh_counts_the_rows_the_database_now_holds():
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # sqlite_stat1 exists from here on
            cursor.execute("DELETE FROM sqlite_stat1")
    ActionFactory.create_batch(3)
    if connection.vendor == "sqlite":
        assert _action_statistics() == {}
    else:
        before = _times_analysed()

    out = StringIO()
    call_command("refresh_planner_statistics", stdout=out)

    if connection.vendor == "sqlite":
        # The open actions' date index (migration 0021) is counted: its row count comes first.
        assert _action_statistics()["action_open_target_id"].split()[0] == "3"
    else:
        assert _times_analysed() > before
    assert "refreshed" in out.getvalue()

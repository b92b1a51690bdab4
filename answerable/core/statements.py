"""A cursor for SQL built once per process, prepared on PostgreSQL.

The reads whose SQL text is built once (core.prepared, recommendations.selectors.compiled,
the session and membership reads on every signed-in request) run the same few statements
again and again with other ids. On PostgreSQL each run was parsed and planned afresh,
which for the dashboard's tally queries cost about what running them did. Sent as named
statements, each is parsed once per connection and planned once: the connection keeps a
statement's generic plan (`plan_cache_mode`, settings), where PostgreSQL had re-planned an
action page's read of its action on every run (the page's server time 3.65 → 0.80 ms,
bench/server_time.py). SQL whose best plan
depends on its values (a day, many organisations) is sent unprepared instead
(recommendations.selectors.compiled). Preparing them took the lead's dashboard
15.6 / 12.7 → 12.8 / 10.7 ms p50, the lead's list 18.9 / 18.3 → 15.2 / 14.2
(`DJANGO_DB_PREPARE_FIXED_SQL=false` then `true`, twice each, `bench/run.py --only dashboard
--only register_p1` on the national set, issue #12). Only a plan is kept, never a row
(ADR 0010).

Only such SQL: its parameters are ids and constants of the same types on every run. The
ORM's other queries keep Django's client-side binding, which types parameters differently
(Django ticket #34255). `DJANGO_DB_PREPARE_FIXED_SQL=false` turns this off, for a pooler that
cannot keep statements across transactions (PgBouncer before 1.21 in transaction mode).
"""

from typing import Any

import psycopg
from django.conf import settings
from django.db import connections
from django.db.backends.utils import CursorWrapper


class _PreparingCursor(psycopg.Cursor[Any]):
    """Binds parameters on the server and prepares every statement on its first run."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, **kwargs: Any
    ) -> "_PreparingCursor":
        return super().execute(query, params, prepare=True, **kwargs)

    def _send_query_prepared(self, name: bytes, pgq: Any, **kwargs: Any) -> None:
        # psycopg records the query it sent only when it sends it unprepared; Django reads
        # that record for the SQL it logs (connection.queries, CaptureQueriesContext).
        self._query = pgq
        super()._send_query_prepared(name, pgq, **kwargs)


def fixed_sql_cursor(database: str) -> CursorWrapper:
    """Django's cursor for `database` (health check, debug logging and wrappers as usual),
    preparing its statements where the database is PostgreSQL."""
    connection = connections[database]
    if connection.vendor != "postgresql" or not settings.DB_PREPARE_FIXED_SQL:
        return connection.cursor()
    # Django's `cursor()` with the preparing cursor made in place of its own, rather than
    # after it: each cursor copies the connection's adapters (~20 µs, about ten a page).
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_PreparingCursor(connection.connection))  # type: ignore[attr-defined]

"""The query planner's statistics: refreshed on a schedule so plans follow the data.

SQLite never gathers statistics by itself: a database that grew from empty through imports
keeps whatever ANALYZE last counted (perhaps nothing), and its planner then walks the wrong
index — the open actions' date index is chosen only once counted (migration 0021; at
national scale 30–50 ms for the dashboard's overdue ids without, issue #12). PostgreSQL's
autovacuum analyses on its own; running ANALYZE there too is harmless and settles the
tables straight after a large import.
"""

from django.db import connection

# Rows SQLite reads from each index to estimate it: enough for the register's indexes, and
# it bounds the time a national database holds the write lock: 0.11 s, against 4.2 s for a
# full ANALYZE (bench-national.sqlite3).
SQLITE_ANALYSIS_LIMIT = 1000


def planner_statistics_refresh() -> None:
    """Count every table's rows and indexes again for the query planner."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")

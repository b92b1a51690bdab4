"""PostgreSQL's own time for each measured page: planning and execution, per request.

    .venv/bin/python bench/server_time.py --database-url postgres://postgres@127.0.0.1:5432/answerable_bench
    .venv/bin/python bench/server_time.py --database-url URL --only action_detail --requests 30

Reads `pg_stat_statements`, so the server must load it (`shared_preload_libraries =
'pg_stat_statements'`, restart, `CREATE EXTENSION pg_stat_statements` in the database named
by --stats-database) and, for planning, `pg_stat_statements.track_planning = on`. Each page of
run.py's table is requested in this process as its persona (three times first), the
statistics are reset, then it is requested --requests times: the sums over that database's
statements, divided by the requests, are printed. Every request is a first view: nothing is
cached. Statements are counted whoever runs them, so run it on a quiet server.

Beside them, the processor time a request takes on each side, which varies far less than
elapsed time on a busy machine: this process's (Python: middleware, queries, templates) and
the server process's that answers it (read from /proc, so the server must run on this
machine), with the statements sent. Under a load that fills the processors (run.py --mixed)
these are what the throughput divides.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402 - found through the sys.path line above


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--only", action="append", help="a page key of run.py's table")
    parser.add_argument("--stats-database", default="postgres", help="holds the extension")
    args = parser.parse_args(argv)

    common.django_setup(args.database_url)
    import psycopg
    from django.conf import settings
    from django.test import Client
    from pages import PUBLIC, plan_pages
    from profile_page import signed_in_client

    accounts = json.loads(common.accounts_path(args.database_url).read_text())
    database = settings.DATABASES["default"]
    stats = psycopg.connect(
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        user=database["USER"],
        dbname=args.stats_database,
        autocommit=True,
    )
    pages = [p for p in plan_pages(accounts) if p.path and not p.skipped]
    pages = [p for p in pages if not args.only or p.key in args.only]
    clients: dict[str, Client] = {}
    print(
        f"{'page':28} {'as':9} {'plan ms':>8} {'execute ms':>10} {'statements':>10}"
        f" {'server CPU ms':>13} {'Python CPU ms':>13}  (a request)"
    )
    for page in pages:
        if page.persona not in clients:
            clients[page.persona] = (
                Client(SERVER_NAME="127.0.0.1")
                if page.persona == PUBLIC
                else signed_in_client(accounts["personas"][page.persona]["email"])
            )
        client = clients[page.persona]
        for _ in range(3):
            client.get(page.path)
        stats.execute("SELECT pg_stat_statements_reset()")
        server_before = _server_cpu_seconds()
        python_before = time.process_time()
        for _ in range(args.requests):
            if client.get(page.path).status_code != 200:
                print(f"{page.path} did not answer 200", file=sys.stderr)
                return 1
        python_ms = (time.process_time() - python_before) * 1000 / args.requests
        server_ms = (_server_cpu_seconds() - server_before) * 1000 / args.requests
        plan, execute, calls = stats.execute(
            "SELECT coalesce(sum(total_plan_time), 0), coalesce(sum(total_exec_time), 0),"
            " coalesce(sum(calls), 0) FROM pg_stat_statements"
            " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = %s)",
            [database["NAME"]],
        ).fetchone()
        print(
            f"{page.key:28} {page.persona:9} {plan / args.requests:8.2f}"
            f" {execute / args.requests:10.2f} {calls / args.requests:10.1f}"
            f" {server_ms:13.2f} {python_ms:13.2f}"
        )
    return 0


def _server_cpu_seconds() -> float:
    """The processor time used so far by the server process answering this one's queries."""
    from django.db import connection

    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    # /proc/PID/stat: the fields after the command's closing bracket; utime and stime are
    # the 12th and 13th of them, in clock ticks.
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    raise SystemExit(main())

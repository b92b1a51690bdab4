"""Workforce coverage at scale: import rows per second and coverage-page latency.

Generates a seeded force of `--staff` people (default 250,000) with 20 completions each
(5,000,000) across ten courses, imports them through the real import service (which writes
with bulk inserts in batches inside one transaction), then times the coverage page through
the Django test client and the coverage selectors on their own.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/answerable_bench \
        .venv/bin/python bench/workforce.py                  # 250,000 staff on PostgreSQL
    .venv/bin/python bench/workforce.py --staff 25000        # a tenth of the size, on SQLite

Without DATABASE_URL it uses bench/results/workforce.sqlite3, never the development database.
It runs the migrations first. Run it on a scratch database: each run adds a new force.
`--measure-only` times the last run's data again without importing (for tuning settings such
as PostgreSQL's jit, e.g. PGOPTIONS="-c jit=off").
"""

import argparse
import csv
import datetime
import hashlib
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSES = ("CSE", "SAFEGUARD", "DOMABUSE", "FIRSTAID", "PST", "DATAPROT", "STOPSEARCH",
           "MENTAL", "CYBER", "ETHICS")  # fmt: skip
COMPLETIONS_PER_PERSON = 20
TAKEN_ON = datetime.date(2025, 3, 31)
TYPES = (("Officer", 0.55), ("Staff", 0.33), ("PCSO", 0.07), ("Special", 0.04), ("Volunteer", 0.01))
RANKS = ("Constable", "Sergeant", "Inspector", "Chief Inspector", "Superintendent", "Grade 3",
         "Grade 4", "Grade 5", "Grade 6")  # fmt: skip


def _setup(url: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "bench-only-not-a-secret-workforce-0123456789abcdef",
            "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_LOG_LEVEL": "ERROR",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _files(staff: int, seed: int) -> tuple[bytes, bytes]:
    """The roster and completions as CSV bytes; the same seed always gives the same bytes."""
    rng = random.Random(seed)
    commands = [f"Command {n:02d}" for n in range(40)]
    roster, completions = io.StringIO(), io.StringIO()
    roster_csv, completions_csv = csv.writer(roster), csv.writer(completions)
    roster_csv.writerow(["Staff ID", "Workforce type", "Rank", "Command", "Location",
                         "Start date", "Leaving date"])  # fmt: skip
    completions_csv.writerow(["Staff ID", "Course code", "Completed on", "Expires on"])
    types, weights = zip(*TYPES, strict=True)
    for number in range(staff):
        staff_id = f"B{number:07d}"
        started = TAKEN_ON - datetime.timedelta(days=int(rng.expovariate(1 / 3300)) % 14000)
        left = ""
        if rng.random() < 0.05:
            left = (started + datetime.timedelta(days=rng.randint(0, 9000))).isoformat()
            left = min(left, TAKEN_ON.isoformat())
        roster_csv.writerow([staff_id, rng.choices(types, weights)[0], rng.choice(RANKS),
                             rng.choice(commands), f"Station {number % 90}", started.isoformat(),
                             left])  # fmt: skip
        # Twenty completions each: two of each course, the later one within 1,000 to 1,400
        # days of the earlier; older staff are less likely to have the later one in date.
        for code in COURSES:
            first = TAKEN_ON - datetime.timedelta(days=rng.randint(1100, 2600))
            second = first + datetime.timedelta(days=rng.randint(1000, 1400))
            second = min(second, TAKEN_ON)
            expires = (second + datetime.timedelta(days=1095)).isoformat() if code == "CSE" else ""
            completions_csv.writerow([staff_id, code, first.isoformat(), ""])
            completions_csv.writerow([staff_id, code, second.isoformat(), expires])
    return roster.getvalue().encode(), completions.getvalue().encode()


def _world(staff: int):  # type: ignore[no-untyped-def]
    from answerable.accounts.models import User
    from answerable.organisations.models import Membership, Organisation
    from answerable.workforce import services

    now = datetime.datetime.now(tz=datetime.UTC)
    force = Organisation.objects.create(
        name=f"Workforce bench force ({staff:,} staff, {now:%Y-%m-%d %H:%M:%S.%f})",
        kind=Organisation.Kind.POLICE_FORCE,
    )
    lead = User.objects.create_user(
        email=f"workforce-bench-{now:%Y%m%d%H%M%S%f}@bench.example", full_name="Bench lead"
    )
    Membership.objects.create(user=lead, organisation=force, role=Membership.Role.LEAD_OFFICER)
    courses = [
        services.course_create(
            actor=lead,
            owner=force,
            code=code,
            title=f"{code} course",
            target_percent=90,
            refresh_months=36,
            workforce_types=["officer", "pcso"]
            if code == "CSE"
            else ["officer", "staff", "pcso", "special"],
            commands=[],
        )  # fmt: skip
        for code in COURSES
    ]
    return force, lead, courses[0]


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:,.0f} ms, p95 {p95 * 1000:,.0f} ms"


def _import(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from django.db import transaction

    from answerable.operations.memory import collect_less_after_start
    from answerable.workforce import services
    from answerable.workforce.importing import guess_mapping
    from answerable.workforce.tables import StoredTable

    force, lead, course = _world(args.staff)
    # A worker starts the server its file-reading children are forked from once, at its first
    # read; timed here, and not charged to every import.
    started = time.perf_counter()
    StoredTable(content=b"Staff ID\nP1\n", kind="csv", name="first.csv").headers()
    print(f"First read of a file in this process: {time.perf_counter() - started:.2f} s")
    # As the task worker that runs imports does when it starts its first (operations.memory).
    collect_less_after_start()
    started = time.perf_counter()
    roster_bytes, completion_bytes = _files(args.staff, args.seed)
    print(
        f"Generated files in {time.perf_counter() - started:.1f} s: roster "
        f"{len(roster_bytes) / 1e6:.1f} MB, completions {len(completion_bytes) / 1e6:.1f} MB"
    )
    roster = StoredTable(content=roster_bytes, kind="csv", name="roster.csv")
    completions = StoredTable(content=completion_bytes, kind="csv", name="completions.csv")
    committed: list[float] = []
    started = time.perf_counter()
    with transaction.atomic():
        # Registered first, so it runs first after the commit: before the charts are drawn.
        transaction.on_commit(lambda: committed.append(time.perf_counter()))
        snapshot = services.snapshot_import(
            actor=lead, organisation=force, taken_on=TAKEN_ON, roster=roster,
            completions=completions, roster_sha256=hashlib.sha256(roster_bytes).hexdigest(),
            completions_sha256=hashlib.sha256(completion_bytes).hexdigest(),
            mapping={"roster": guess_mapping(roster.headers(), "roster"),
                     "completions": guess_mapping(completions.headers(), "completions")},
        )  # fmt: skip
    drawn = time.perf_counter()
    seconds = committed[0] - started
    rows = snapshot.staff_count + snapshot.completion_count
    print(
        f"Import: {snapshot.staff_count:,} staff + {snapshot.completion_count:,} completions = "
        f"{rows:,} rows in {seconds:.1f} s (read, checked, written, figures counted, "
        f"committed): {rows / seconds:,.0f} rows/s; charts drawn after the commit in "
        f"{drawn - committed[0]:.1f} s"
    )
    _raw_insert(force, lead, roster_bytes, completion_bytes)
    return lead, course, snapshot


def _raw_insert(force, lead, roster_bytes: bytes, completion_bytes: bytes) -> None:  # type: ignore[no-untyped-def]
    """The same rows written the plainest way the database offers (COPY on PostgreSQL,
    `executemany` on SQLite) into a snapshot rolled back afterwards: what the import's own
    rows/s is measured against (issue #12: within 3x). The files are parsed before timing."""
    from django.db import connection, transaction

    from answerable.workforce.models import Course, Snapshot

    roster = list(csv.reader(io.StringIO(roster_bytes.decode())))[1:]
    completions = list(csv.reader(io.StringIO(completion_bytes.decode())))[1:]
    courses = dict(Course.objects.filter(owner=force).values_list("code", "pk"))
    staff_columns = ("snapshot_id", "staff_id", "workforce_type", "rank_or_grade", "command",
                     "location", "started_on", "left_on")  # fmt: skip
    completion_columns = ("snapshot_id", "staff_record_id", "course_id", "completed_on",
                          "expires_on", "is_latest")  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        snapshot = Snapshot.objects.create(organisation=force, taken_on=TAKEN_ON, imported_by=lead)
        started = time.perf_counter()
        _write(cursor, "workforce_staffrecord", staff_columns,
               [(snapshot.pk, r[0], r[1].lower(), r[2], r[3], r[4], r[5], r[6] or None)
                for r in roster])  # fmt: skip
        cursor.execute(
            "SELECT staff_id, id FROM workforce_staffrecord WHERE snapshot_id = %s", [snapshot.pk]
        )
        ids = dict(cursor.fetchall())
        _write(cursor, "workforce_completion", completion_columns,
               [(snapshot.pk, ids[r[0]], courses[r[1]], r[2], r[3] or None, False)
                for r in completions])  # fmt: skip
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    rows = len(roster) + len(completions)
    print(f"Raw inserts of the same {rows:,} rows: {seconds:.1f} s, {rows / seconds:,.0f} rows/s")


def _write(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:  # type: ignore[no-untyped-def, type-arg]
    from django.db import connection

    names = ", ".join(columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608 - our own table and column names


def _latest_bench():  # type: ignore[no-untyped-def]
    """The force, course and snapshot of the last run, to time again without importing."""
    from answerable.organisations.models import Membership
    from answerable.workforce.models import Snapshot

    snapshot = (
        Snapshot.objects.filter(organisation__name__startswith="Workforce bench force")
        .select_related("organisation")
        .latest("id")
    )
    lead = Membership.objects.filter(
        organisation=snapshot.organisation, role=Membership.Role.LEAD_OFFICER
    ).first()
    if lead is None:
        raise SystemExit("No earlier run to measure: run without --measure-only first.")
    course = snapshot.organisation.courses.get(code=COURSES[0])
    print(f"Measuring the last run: {snapshot.staff_count:,} staff, {snapshot.organisation}")
    return lead.user, course, snapshot


def _measure(lead, course, snapshot, requests: int) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from answerable.workforce import coverage
    from answerable.workforce.models import Course

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does soon after a big import: statistics and the visibility map.
            cursor.execute("VACUUM ANALYZE workforce_staffrecord, workforce_completion")
            cursor.execute("SHOW jit")
            print(f"PostgreSQL jit = {cursor.fetchone()[0]}")
    course = Course.objects.prefetch_related("audiences").get(pk=course.pk)
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        summary = coverage.coverage_summary(course=course, snapshot=snapshot)
        coverage.coverage_trend(course=course)
        samples.append(time.perf_counter() - started)
    print(
        f"Coverage selectors (summary + trend, {summary.overall.required:,} required, "
        f"{summary.overall.in_date:,} in date), {requests} calls: {_percentiles(samples)}"
    )
    client = Client()
    client.force_login(lead)
    path = course.get_absolute_url()
    started = time.perf_counter()
    first = client.get(path)
    cold = time.perf_counter() - started
    assert first.status_code == 200, first.status_code
    samples = []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            samples.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    print(
        f"Coverage page (test client, lead officer, with charts and gap list), first request "
        f"{cold * 1000:,.0f} ms; {requests} requests: {_percentiles(samples)}, "
        f"{len(queries.captured_queries)} queries each"
    )
    started = time.perf_counter()
    export = client.get(f"{path}not-in-date.csv")
    lines = sum(chunk.count(b"\n") for chunk in export.streaming_content) - 1
    print(f"Gap list CSV: {lines:,} rows in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=250_000, help="People in the roster.")
    parser.add_argument(
        "--requests", type=int, default=20, help="Timed coverage requests (0: import only)."
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--measure-only", action="store_true", help="Time the last run's data again; no import."
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'bench/results/workforce.sqlite3'}"
    (ROOT / "bench/results").mkdir(parents=True, exist_ok=True)
    _setup(url)

    from django.core.management import call_command
    from django.db import connection

    print(f"Database: {connection.vendor} ({url.split('@')[-1]})")
    call_command("migrate", verbosity=0)
    lead, course, snapshot = _latest_bench() if args.measure_only else _import(args)
    if args.requests:
        _measure(lead, course, snapshot, args.requests)


if __name__ == "__main__":
    main()

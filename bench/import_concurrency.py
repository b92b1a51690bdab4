"""Does a long import make other organisations' writes wait? (issue #11, High 2)

Runs `manage.py import_recommendations --now` on a generated file of ROWS rows in a child
process while this process posts progress updates, as a council lead officer, through the
same service the update page uses. Prints the import's time and each update's latency.
Target: every update completes in under 2 s and none is lost.

    .venv/bin/python bench/import_concurrency.py                      # a fresh SQLite file
    .venv/bin/python bench/import_concurrency.py --database-url postgres://postgres@127.0.0.1:5432/answerable_bench

On PostgreSQL the database must exist and may hold other data: everything made here has
names of its own. Only the database named is touched.
"""

import argparse
import csv
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, ROOT, django_setup, server_env, sqlite_path  # noqa: E402 - found through the sys.path line above

TARGET_SECONDS = 2.0


def _world(stamp: str):  # type: ignore[no-untyped-def]
    from answerable.organisations.models import Membership, Organisation
    from answerable.organisations.tests.factories import UserFactory
    from answerable.recommendations.models import Action, Recommendation, Source

    office = Organisation.objects.create(name=f"Bench OPCC {stamp}", kind="pcc_office")
    force = Organisation.objects.create(
        name=f"Bench Police {stamp}", kind="police_force", office=office
    )
    council = Organisation.objects.create(
        name=f"Bench Council {stamp}", kind="local_authority", office=office
    )
    officer = UserFactory(email=f"officer-{stamp}@bench.example")
    lead = UserFactory(email=f"lead-{stamp}@bench.example")
    Membership.objects.create(user=officer, organisation=office, role="scrutiny_officer")
    Membership.objects.create(user=lead, organisation=council, role="lead_officer")
    source = Source.objects.create(
        owner=office, title=f"Existing {stamp}", kind="review", publisher="Bench"
    )
    recommendation = Recommendation.objects.create(
        source=source, reference="R1", text="Do it", position=1
    )
    action = Action.objects.create(
        recommendation=recommendation, source=source, owner=council, description="Council's share"
    )
    return officer, lead, action, force


def _write_file(path: Path, rows: int, stamp: str, owner: str) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Source", "Reference", "Text", "Owner", "Target date"])
        for i in range(rows):
            writer.writerow(
                [
                    f"Imported {stamp} part {i // 500}",
                    f"R{i}",
                    f"Recommendation {i} text",
                    owner,
                    "31/12/2027",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=f"sqlite:///{RESULTS / 'import-concurrency.sqlite3'}"
    )
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--pause", type=float, default=0.1, help="Seconds between updates")
    args = parser.parse_args()

    path = sqlite_path(args.database_url)
    if path is not None and path.exists():
        path.unlink()
    env = {**os.environ, **server_env(args.database_url)}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    django_setup(args.database_url)
    from answerable.recommendations.models import Update
    from answerable.recommendations.services import update_post

    stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%d%H%M%S%f")
    officer, lead, action, force = _world(stamp)
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "import.csv"
        _write_file(file, args.rows, stamp, force.name)
        started = time.perf_counter()
        importer = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "import_recommendations",
                str(file),
                "--as",
                officer.email,
                "--now",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        latencies, errors = [], []
        time.sleep(1.0)  # let the import reach its writes
        while importer.poll() is None:
            began = time.perf_counter()
            try:
                update_post(actor=lead, action=action, narrative=f"Update {len(latencies)}")
            except Exception as error:  # noqa: BLE001 - a benchmark reports every failure
                errors.append(repr(error))
            latencies.append(time.perf_counter() - began)
            time.sleep(args.pause)
        output = importer.communicate()[0]
        import_seconds = time.perf_counter() - started
    posted = Update.objects.filter(action=action).count()
    print(
        f"database: {args.database_url.split('@')[-1]}, commit {_commit()}, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"import: {args.rows} rows in {import_seconds:.1f} s "
        f"({args.rows / import_seconds:.0f} rows/s), exit {importer.returncode}"
    )
    print(f"import said: {output.strip().splitlines()[-1] if output.strip() else '(nothing)'}")
    if latencies:
        ordered = sorted(latencies)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
        print(
            f"updates during the import: {len(latencies)}, "
            f"p50 {statistics.median(ordered) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms, errors {len(errors)}, "
            f"kept {posted} of {len(latencies) - len(errors)}"
        )
        met = ordered[-1] < TARGET_SECONDS and not errors and posted == len(latencies)
        print(
            f"target (every update under {TARGET_SECONDS:.0f} s, none lost): "
            f"{'met' if met else 'NOT met'}"
        )
    for error in errors[:5]:
        print(f"error: {error}")


def _commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return result.stdout.strip() or "unknown"


if __name__ == "__main__":
    main()

"""Fill a fresh database with a national-scale (or small) partnership for the benchmarks.

    .venv/bin/python bench/generate.py --scale small --replace
    .venv/bin/python bench/generate.py --scale national --database-url postgres://...

National scale: 50 organisations (10 PCC offices, each with a force, a council, a health body
and a schools partnership), about 270 people, 50,000 recommendations in about 2,500 sources,
about 75,000 actions, 500,000 updates with their assessments, and 1,000 meetings with agendas,
questions, verdicts and meeting actions; about one source in ten published on the public site
(with the 500-recommendation inquiry), with approved public text, published evidence and
meeting summaries; workforce staff and completions come from bench/workforce.py when the
workforce issue has added it.

Rows are written with bulk inserts, on purpose bypassing the services: through them this would
take hours and write an audit event per row. The rows still keep the models' rules (valid
choices, foreign keys, unique and check constraints) and the services' (a delivery status only
changes through an update, so each action's updates replay its history; assurance comes only
from assessments; an action's lead is a lead officer of its owner). No audit events are
written, so `manage.py audit_verify` reports an intact chain. On SQLite the FTS5 triggers index
each inserted recommendation; on PostgreSQL the GIN index is maintained as rows go in.

Deterministic: the same --seed and --anchor-date give the same rows. Dates are laid out around
the anchor date (today unless given) so that "overdue" and "due soon" stay realistic. The
accounts run.py signs in with go to bench/results/<database>.accounts.json.
"""

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402 - found through the sys.path line above


def finish() -> None:
    """Move sequences past the explicit ids and refresh the planner's statistics."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                cursor.execute(statement)
            connection.connection.autocommit = True  # VACUUM cannot run in a transaction
            cursor.execute("VACUUM ANALYZE")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO recommendations_recommendation_fts"
                "(recommendations_recommendation_fts) VALUES ('optimize')"
            )
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _accounts_to_add_to(url: str, *, already: bool, what: str) -> tuple[Path, dict] | None:  # type: ignore[type-arg]
    """The data set's accounts file and what it holds, or None, saying why, if the data set
    has not been generated or already has `what`."""
    target = common.accounts_path(url)
    if not target.exists():
        print(f"{target} is missing: generate the data set first.", file=sys.stderr)
        return None
    if already:
        print(f"The data set already has {what}.", file=sys.stderr)
        return None
    return target, json.loads(target.read_text())


def _record_added(target: Path, accounts: dict, counts: dict[str, int]) -> int:  # type: ignore[type-arg]
    finish()
    accounts["counts"].update(counts)
    target.write_text(json.dumps(accounts, indent=2) + "\n")
    return 0


def add_workforce(url: str, args: argparse.Namespace) -> int:
    """Add the workforce step to an existing data set and record it in its accounts file."""
    import dataset

    from answerable.workforce.models import Snapshot

    found = _accounts_to_add_to(url, already=Snapshot.objects.exists(), what="workforce snapshots")
    if found is None:
        return 2
    target, accounts = found
    data = dataset.Dataset(
        scale=accounts["scale"],
        seed=accounts["seed"],
        anchor=datetime.date.fromisoformat(accounts["anchor_date"]),
    )
    started = time.perf_counter()
    accounts["workforce"] = data.workforce()
    print(f"  workforce: {accounts['workforce']} ({time.perf_counter() - started:.1f}s)")
    return _record_added(target, accounts, data.counts)


def add_indicators(url: str) -> int:
    """Add the indicators (issue #16) to an existing data set and record them in its
    accounts file."""
    import indicators_dataset

    from answerable.indicators.models import Indicator

    found = _accounts_to_add_to(url, already=Indicator.objects.exists(), what="indicators")
    if found is None:
        return 2
    target, accounts = found
    started = time.perf_counter()
    counts = indicators_dataset.generate(
        scale=accounts["scale"],
        seed=accounts["seed"],
        anchor=datetime.date.fromisoformat(accounts["anchor_date"]),
    )
    print(f"  indicators: {time.perf_counter() - started:.1f}s", flush=True)
    return _record_added(target, accounts, counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=common.SCALES, required=True)
    parser.add_argument(
        "--database-url",
        help="An empty database: a new SQLite file or a PostgreSQL database made with createdb "
        "(default: sqlite:///bench/results/bench-<scale>.sqlite3).",
    )
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--anchor-date",
        type=datetime.date.fromisoformat,
        help="The day the data is laid out around, YYYY-MM-DD (default: today).",
    )
    parser.add_argument(
        "--add-workforce",
        action="store_true",
        help="Only add the workforce staff and completions to a data set generated before "
        "bench/workforce.py existed.",
    )
    parser.add_argument(
        "--skip-workforce",
        action="store_true",
        help="Leave out the workforce step (15-40 minutes at national scale); add it later "
        "with --add-workforce.",
    )
    parser.add_argument(
        "--add-indicators",
        action="store_true",
        help="Only add the indicators (issue #16) to a data set generated before "
        "bench/indicators_dataset.py existed.",
    )
    parser.add_argument(
        "--skip-indicators",
        action="store_true",
        help="Leave out the indicators (about a minute at national scale: 2,640,000 figures).",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="Delete the SQLite file first. For PostgreSQL, dropdb and createdb yourself.",
    )
    args = parser.parse_args(argv)
    url = args.database_url or common.default_database_url(args.scale)
    path = common.sqlite_path(url)
    if path is not None and args.replace:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    # The national completions file (5,000,000 rows) is far beyond the web upload's 50 MB, so
    # its reader in the child process needs more than the upload's 512 MB and 30 s.
    os.environ.setdefault("UPLOAD_PARSE_MEMORY_MB", "4096")
    os.environ.setdefault("UPLOAD_PARSE_SECONDS", "600")
    common.django_setup(url)
    import dataset
    import dataset_public
    from django.core.management import call_command
    from django.db import connection, transaction

    from answerable.organisations.models import Organisation

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if args.add_workforce:
        return add_workforce(url, args)
    if args.add_indicators:
        return add_indicators(url)
    if Organisation.objects.exists():
        print(
            f"{common.database_label(url)} already has data. Generate into an empty database: "
            "--replace for the SQLite file, dropdb and createdb for PostgreSQL.",
            file=sys.stderr,
        )
        return 2
    if connection.vendor == "sqlite":
        # SQLite has taken 32,766 parameters a statement since 3.32; Django assumes 999.
        connection.features.max_query_params = 32766
    anchor = args.anchor_date or datetime.date.today()  # noqa: DTZ011  the local day is meant
    data = dataset.Dataset(scale=args.scale, seed=args.seed, anchor=anchor)
    print(f"Generating {args.scale} scale into {url} (seed {args.seed}, anchor {anchor})")
    from answerable.recommendations.tallies import tallies_rebuild

    for name, step in [
        ("organisations and people", data.organisations_and_users),
        ("register", data.register),
        # The rows bypass the services, so the dashboard's counts are counted once here.
        ("register tallies", tallies_rebuild),
        ("meetings", data.meetings),
        # Some sources published, with approved public text and meeting summaries (issue #14).
        ("public site", lambda: dataset_public.publish(data)),
    ]:
        step_started = time.perf_counter()
        with transaction.atomic(), dataset.explicit_timestamps():
            step()
        print(f"  {name}: {time.perf_counter() - step_started:.1f}s", flush=True)
    if not args.skip_indicators:
        import indicators_dataset

        step_started = time.perf_counter()
        data.counts.update(
            indicators_dataset.generate(scale=args.scale, seed=args.seed, anchor=anchor)
        )
        print(f"  indicators: {time.perf_counter() - step_started:.1f}s", flush=True)
    step_started = time.perf_counter()
    workforce = None if args.skip_workforce else data.workforce()
    print(f"  workforce: {workforce} ({time.perf_counter() - step_started:.1f}s)", flush=True)
    step_started = time.perf_counter()
    finish()
    print(f"  statistics: {time.perf_counter() - step_started:.1f}s", flush=True)

    accounts = {
        **data.accounts,
        "scale": args.scale,
        "seed": args.seed,
        "anchor_date": anchor.isoformat(),
        "database": common.database_label(url),
        "counts": data.counts,
        "workforce": workforce,
    }
    target = common.accounts_path(url)
    target.write_text(json.dumps(accounts, indent=2) + "\n")
    print(f"Done in {time.perf_counter() - started:.0f}s:")
    for label, count in data.counts.items():
        print(f"  {label:45} {count:>10,}")
    print(f"Accounts for bench/run.py: {target.relative_to(common.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Profile one page in this process: where its time goes, in SQL and in Python.

    .venv/bin/python bench/profile_page.py --persona lead /register/recommendations/
    .venv/bin/python bench/profile_page.py --persona national "/register/recommendations/?page=9" \
        --database-url postgres://postgres@127.0.0.1:5432/answerable_bench --top 40

Signs the persona in with Django's test client (as bench/run.py counts queries), requests the
page once to warm caches, then `--repeat` times plain and `--repeat` times under cProfile. Prints
the median time a request, the mean under the profiler,
the SQL share, the slowest queries and the functions with the most cumulative time. Use it to
find what to fix; bench/run.py gives the figures to report.
"""

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402 - found through the sys.path line above


def signed_in_client(email: str):  # type: ignore[no-untyped-def]
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from answerable.accounts.models import User

    user = User.objects.get(email=email)
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--database-url", default=common.default_database_url("national"))
    parser.add_argument(
        "--persona", default="lead", help="a persona of the accounts file, or public"
    )
    parser.add_argument("--email", help="sign in as this person instead of a persona")
    parser.add_argument(
        "--callers", metavar="PATTERN", help="also list who called the functions matching this"
    )
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--sort", default="cumulative", help="pstats order: cumulative, tottime, ncalls"
    )
    args = parser.parse_args(argv)

    common.django_setup(args.database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    email = args.email
    if email is None and args.persona == "public":  # the public site's visitor (issue #14)
        from django.test import Client

        email, client = "a visitor, not signed in", Client(SERVER_NAME="127.0.0.1")
    else:
        if email is None:
            accounts = json.loads(common.accounts_path(args.database_url).read_text())
            email = accounts["personas"][args.persona]["email"]
        client = signed_in_client(email)
    response = client.get(args.path)
    if response.status_code != 200:
        print(f"{args.path} gave {response.status_code}", file=sys.stderr)
        return 1
    with CaptureQueriesContext(connection) as captured:
        client.get(args.path)
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    sql_ms = sum(float(q["time"]) for q in queries) * 1000

    timings, cpu_timings = [], []
    for _ in range(args.repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        client.get(args.path)
        timings.append((time.perf_counter() - started) * 1000)
        cpu_timings.append((time.process_time() - cpu_started) * 1000)
    timings.sort()
    cpu_timings.sort()
    # CPU time is this process's own work (Python and the driver), which varies far less with
    # the machine's load than the wall-clock time does.
    print(
        f"{args.path} as {email}: median {timings[len(timings) // 2]:.1f} ms "
        f"({cpu_timings[len(cpu_timings) // 2]:.1f} ms of CPU), "
        f"slowest {timings[-1]:.1f} ms in this process, without the profiler"
    )

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(args.repeat):
        client.get(args.path)
    profiler.disable()
    mean_ms = (time.perf_counter() - started) * 1000 / args.repeat

    print(f"{args.path} as {email}: {mean_ms:.1f} ms a request under the profiler")
    print(f"{len(queries)} queries, {sql_ms:.1f} ms of SQL; the slowest:")
    for query in queries[:5]:
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")
    output = io.StringIO()
    stats = pstats.Stats(profiler, stream=output).sort_stats(args.sort)
    stats.print_stats(args.top)
    if args.callers:
        stats.print_callers(args.callers)
    print(output.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

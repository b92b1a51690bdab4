"""Measure Answerable's pages under gunicorn on 127.0.0.1, and its import throughput.

    .venv/bin/python bench/run.py                                   # the small SQLite data set
    .venv/bin/python bench/run.py --database-url postgres://postgres@127.0.0.1:5432/answerable_bench

Needs a database filled by bench/generate.py (and the accounts file it writes). Migrates it if
needed, counts each page's SQL queries in this process with Django's test client, starts
gunicorn (2 workers) on a free loopback port with production-like settings, signs in as the
generated people (the scrutiny officer through two-factor), warms up, then sends a bounded
number of requests per page at concurrency 1 and 4 and reports p50/p95 latency and requests/s.
Then it times an import of a generated CSV through the import service, rolled back so the
data set is unchanged. Prints a table and writes JSON. The server is always stopped.
"""

import argparse
import csv
import datetime
import http.client
import io
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

HOST = "127.0.0.1"  # the only address this script ever sends anything to
WARMUP = 5
COLD_VIEWS = 3  # views after emptying the cache, for the first-view-after-a-change figures
PAGE_TIME_LIMIT = 60.0  # seconds per page and concurrency, whatever --requests says
TARGET_P95_MS = 30.0
# The target holds at concurrency 1: with two sync workers on two cores, four clients at once
# wait for each other, so c4's p95 is at least twice a request's own time (bench/README.md).
TARGET_LEVEL = "c1"
API_LIST = "/api/v1/recommendations/"
# Recommendations with an off-track action, of one finding type, by deadline.
FILTERED = {"delivery_status": "off_track", "finding_type": "recommendation", "sort": "deadline"}
SEARCH = "missing children"


@dataclass
class Page:
    key: str
    title: str
    persona: str
    path: str = ""
    skipped: str = ""  # why the page is not measured, when it is not
    stress: bool = False  # a worst case reported beside the targets, not one of them
    queries: int | None = None
    sql_ms: float | None = None
    # The first view after a change, when nothing is cached (ADR 0007): queries and the
    # median time in this process of a few such views.
    cold_queries: int | None = None
    cold_ms: float | None = None
    results: dict[str, dict[str, float]] = field(default_factory=dict)


# --- HTTP on the loopback interface only ---------------------------------------------------


class Session:
    """A signed-in browser: cookies and CSRF handled with http.client, one connection a request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        if not path.startswith("/"):
            raise ValueError(f"Only paths on {HOST} are requested, not {path}")
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        headers = {"Host": HOST}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.headers.items()), content
        finally:
            connection.close()

    def csrf_form(self, path: str) -> str:
        status, _headers, content = self.request("GET", path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if status != 200 or not match:
            raise RuntimeError(f"GET {path} gave {status} without a CSRF token")
        return match.group(1).decode()

    def sign_in(self, email: str, password: str, totp_key: str | None = None) -> None:
        token = self.csrf_form("/account/sign-in/")
        status, headers, _ = self.request(
            "POST",
            "/account/sign-in/",
            {"csrfmiddlewaretoken": token, "email": email, "password": password},
        )
        if status != 302:
            raise RuntimeError(f"Signing in as {email} gave {status}, not a redirect")
        if totp_key is not None:
            self.two_factor(email, totp_key)
        status, headers, _ = self.request("GET", "/register/")
        if status != 200:
            raise RuntimeError(f"{email} is not signed in: the dashboard gave {status}")

    def two_factor(self, email: str, totp_key: str) -> None:
        from django_otp.oath import TOTP

        # A code cannot be used twice: if the current one was (a run moments ago), use the next.
        for drift in (0, 1):
            totp = TOTP(bytes.fromhex(totp_key), drift=drift)
            token = self.csrf_form("/account/two-factor/")
            status, _h, _c = self.request(
                "POST",
                "/account/two-factor/",
                {"csrfmiddlewaretoken": token, "token": f"{totp.token():06d}"},
            )
            if status == 302:
                return
        raise RuntimeError(f"Two-factor sign-in failed for {email}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def measure(session: Session, path: str, *, requests: int, concurrency: int) -> dict[str, float]:
    """Send `requests` GETs from `concurrency` threads; every one must answer 200."""
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    deadline = time.monotonic() + PAGE_TIME_LIMIT
    share = [
        requests // concurrency + (1 if i < requests % concurrency else 0)
        for i in range(concurrency)
    ]

    def worker(count: int) -> None:
        for _ in range(count):
            if time.monotonic() > deadline:
                return
            started = time.perf_counter()
            status, _headers, _content = session.request("GET", path)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed * 1000)
                if status != 200:
                    failures.append(status)

    threads = [threading.Thread(target=worker, args=(n,)) for n in share]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"GET {path} failed {len(failures)} times: {sorted(set(failures))}")
    return {
        "requests": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "rps": round(len(latencies) / wall, 1),
    }


class Server:
    """gunicorn in its own process group, stopped with the group whatever happens."""

    def __init__(self, url: str, workers: int, log: Path) -> None:
        self.port = free_port()
        self.log = log
        env = {**os.environ, **common.server_env(url)}
        command = [
            str(common.ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-b",
            f"{HOST}:{self.port}",
            "-w",
            str(workers),
            "--error-logfile",
            str(log),
        ]
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                command,
                cwd=common.ROOT,
                env=env,
                start_new_session=True,
                stdout=output,
                stderr=output,
            )

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}; see {self.log}"
                )
            try:
                status, _h, _c = Session(self.port).request("GET", "/account/sign-in/")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f}s; see {self.log}")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


# --- pages and what they are measured on --------------------------------------------------


def plan_pages(accounts: dict) -> list[Page]:  # type: ignore[type-arg]
    """The pages to measure, with the rows they show picked from the data set."""
    from django.db.models import Count
    from django.urls import reverse

    from answerable.accounts.models import User
    from answerable.recommendations import selectors

    personas = accounts["personas"]
    lead = User.objects.get(email=personas["lead"]["email"])
    register = reverse("recommendations:recommendation_list")
    actions = reverse("recommendations:action_list")
    dashboard = reverse("recommendations:dashboard")
    # The lead's busiest recommendation and action: the longest timelines they can open.
    recommendation = (
        selectors.recommendation_list(user=lead)
        .annotate(actions_count=Count("actions", distinct=True))
        .order_by("-actions_count", "-pk")
        .first()
    )
    action = (
        selectors.action_list(user=lead)
        .annotate(updates_count=Count("updates"))
        .order_by("-updates_count", "pk")
        .first()
    )
    search = f"{register}?{urlencode({'q': SEARCH})}"
    pages = [
        Page("dashboard", "Dashboard", "lead", dashboard),
        Page("dashboard_office", "Dashboard", "scrutiny", dashboard),
        Page("register_p1", "Register list, page 1", "lead", register),
        Page("register_p1000", "Register list, page 1000", "national", f"{register}?page=1000"),
        Page(
            "register_filtered",
            "Register filtered and sorted",
            "lead",
            f"{register}?{urlencode(FILTERED)}",
        ),
        Page("search", "Full-text search", "lead", search),
        Page(
            "recommendation_detail",
            "Recommendation with timeline",
            "lead",
            recommendation.get_absolute_url() if recommendation else "",
        ),
        Page(
            "action_detail",
            "Action with timeline",
            "lead",
            action.get_absolute_url() if action else "",
        ),
        Page("action_list", "Action list", "lead", actions),
        api_page(),
    ]
    pages.append(meeting_page(accounts))
    pages.append(coverage_page(accounts, lead))
    # The same pages for someone who sees the whole register: the worst case, not a target.
    pages += [
        Page("dashboard_national", "Dashboard", "national", dashboard, stress=True),
        Page("register_national_p1", "Register list, page 1", "national", register, stress=True),
        Page("search_national", "Full-text search", "national", search, stress=True),
        Page("action_list_national", "Action list", "national", actions, stress=True),
    ]
    for page in pages:
        if not page.path and not page.skipped:
            page.skipped = "nothing to show in this data set"
    return pages


def api_page() -> Page:
    """The JSON API's recommendation list, 100 to a page, once the API exists."""
    from django.urls import Resolver404, resolve

    page = Page("api_list", "JSON API list of 100", "lead")
    try:
        resolve(API_LIST)
    except Resolver404:
        page.skipped = "not built"
    else:
        page.path = f"{API_LIST}?page_size=100"
    return page


def meeting_page(accounts: dict) -> Page:  # type: ignore[type-arg]
    """The office's most recent held meeting with the longest agenda, for its scrutiny officer."""
    from django.apps import apps
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    page = Page("meeting", "Meeting page", "scrutiny")
    try:
        reverse("meetings:meeting_detail", args=[1])
    except NoReverseMatch:
        page.skipped = "meetings app not built yet"
        return page
    if not apps.is_installed("answerable.meetings"):
        page.skipped = "meetings app not installed"
        return page
    from answerable.meetings.models import AccountabilityMeeting

    office = accounts["offices"][0]["office"]
    meeting = (
        AccountabilityMeeting.objects.filter(office__name=office, starts_at__lt=timezone.now())
        .annotate(items_count=Count("items"))
        .order_by("-items_count", "-starts_at")
        .first()
    )
    if meeting is not None:
        page.path = meeting.get_absolute_url()
    return page


def coverage_page(accounts: dict, lead) -> Page:  # type: ignore[no-untyped-def, type-arg]
    """A course's coverage page for the force's lead officer, once the workforce app has one."""
    from django.urls import NoReverseMatch, reverse

    page = Page("coverage", "Coverage page", "lead")
    try:
        reverse("workforce:course_coverage", args=[1])
    except NoReverseMatch:
        page.skipped = "workforce coverage page not built yet"
        return page
    from answerable.workforce.models import Course, Snapshot

    organisation_ids = lead.memberships.values("organisation_id")
    course = (
        Course.objects.filter(owner_id__in=organisation_ids, is_archived=False)
        .filter(owner__workforce_snapshots__isnull=False)
        .order_by("pk")
        .first()
    )
    if course is None or not Snapshot.objects.filter(organisation=course.owner).exists():
        page.skipped = "no workforce data (bench/workforce.py not run)"
        return page
    page.path = reverse("workforce:course_coverage", args=[course.pk])
    return page


def count_queries(pages: list[Page], accounts: dict) -> None:  # type: ignore[type-arg]
    """Count each page's SQL queries with the test client, against the same database."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from answerable.accounts.models import User

    clients: dict[str, Client] = {}
    for name, persona in accounts["personas"].items():
        user = User.objects.get(email=persona["email"])
        client = Client(SERVER_NAME=HOST)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            # What django_otp.login() stores once the code is accepted.
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        clients[name] = client
    for page in pages:
        if page.skipped:
            continue
        client = clients[page.persona]
        response = client.get(page.path)  # fills per-process caches, as a warm worker has
        if response.status_code != 200:
            raise RuntimeError(f"{page.path} gave {response.status_code} in the test client")
        with CaptureQueriesContext(connection) as captured:
            client.get(page.path)
        page.queries = len(captured.captured_queries)
        page.sql_ms = round(sum(float(q["time"]) for q in captured.captured_queries) * 1000, 1)
        cold_times = []
        for _ in range(COLD_VIEWS):
            cache.clear()
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                client.get(page.path)
            cold_times.append((time.perf_counter() - started) * 1000)
        page.cold_queries = len(captured.captured_queries)
        page.cold_ms = round(statistics.median(cold_times), 1)


# --- import throughput --------------------------------------------------------------------


def import_throughput(accounts: dict, rows: int) -> dict[str, float]:  # type: ignore[type-arg]
    """Import a generated CSV as the scrutiny officer, then roll it back; report rows/s."""
    from django.db import transaction

    from answerable.accounts.models import User
    from answerable.organisations.models import Organisation
    from answerable.recommendations import importing
    from answerable.recommendations.tables import read_table

    actor = User.objects.get(email=accounts["personas"]["scrutiny"]["email"])
    office = importing.import_office_for(actor)
    partners = list(
        Organisation.objects.exclude(kind=Organisation.Kind.PCC_OFFICE)
        .order_by("pk")
        .values_list("name", flat=True)[:4]
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["source", "reference", "text", "owner", "target_on"])
    for n in range(rows):
        writer.writerow(
            [
                f"Benchmark import {n // 25 + 1}",
                f"R{n % 25 + 1}",
                f"The force should review the handling of case {n} with partners by March 2027.",
                partners[n % len(partners)],
                "31/03/2027",
            ]
        )
    content = buffer.getvalue().encode()
    started = time.perf_counter()
    with transaction.atomic():
        table = read_table(content, kind="csv", name="bench.csv")
        result = importing.recommendations_import(
            actor=actor,
            office=office,
            table=table,
            mapping=importing.guess_mapping(table.headers),
            file_name="bench.csv",
            file_sha256="0" * 64,
        )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)  # leave the data set as generate.py made it
    return {
        "rows": rows,
        "seconds": round(elapsed, 2),
        "rows_per_s": round(rows / elapsed, 1),
        "result": str(result),
    }


# --- reporting ----------------------------------------------------------------------------


def machine() -> dict[str, object]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory_kb = int(line.split()[1])
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
    }


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
    return connection.vendor


def table(pages: list[Page], levels: list[int]) -> str:
    """A Markdown table: one row a page, p50/p95/req/s at each concurrency, and a note."""
    head = ["Page", "As", "Queries", "Cold queries", "Cold ms"]
    for level in levels:
        head += [f"c{level} p50 ms", f"c{level} p95 ms", f"c{level} req/s"]
    head.append("Note")
    lines = [head]
    for page in pages:
        row = [
            page.title,
            page.persona,
            *("" if value is None else str(value) for value in (page.queries, page.cold_queries)),
            "" if page.cold_ms is None else str(page.cold_ms),
        ]
        for level in levels:
            result = page.results.get(f"c{level}", {})
            row += [str(result.get(key, "")) for key in ("p50_ms", "p95_ms", "rps")]
        note = page.skipped or ("worst case, not a target" if page.stress else "")
        if not page.skipped and not page.stress:
            p95 = page.results.get(TARGET_LEVEL, {}).get("p95_ms", 0)
            note = "over target" if p95 > TARGET_P95_MS else ""
        lines.append([*row, note])
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for index, line in enumerate(lines):
        out.append("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)) + " |")
        if index == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=common.default_database_url("small"),
        help="The database generate.py filled (default: the small SQLite file).",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=200,
        help="Requests per page at each concurrency (default 200; at most 60s a page).",
    )
    parser.add_argument("--json", type=Path, help="Write the results here as JSON.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2).")
    parser.add_argument(
        "--import-rows", type=int, default=1000, help="Rows in the import file (default 1000)."
    )
    parser.add_argument("--only", action="append", default=[], help="Measure only these page keys.")
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= 10_000:
        parser.error("--requests must be between 1 and 10,000")
    url = args.database_url
    accounts_file = common.accounts_path(url)
    if not accounts_file.exists():
        parser.error(f"{accounts_file} is missing: run bench/generate.py for this database first")
    accounts = json.loads(accounts_file.read_text())

    common.django_setup(url)
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0, interactive=False)
    levels = [1, 4]
    report: dict[str, object] = {
        "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "database": database_version(),
        "database_url": url.split("@")[-1],
        "scale": accounts.get("scale"),
        "anchor_date": accounts.get("anchor_date"),
        "counts": accounts.get("counts"),
        "requests_per_level": args.requests,
        "workers": args.workers,
        "personas": {k: v["about"] for k, v in accounts["personas"].items()},
    }
    pages = plan_pages(accounts)
    if args.only:
        pages = [page for page in pages if page.key in args.only]
    print(f"{report['database']}, {accounts.get('scale')} scale; counting queries…", flush=True)
    count_queries(pages, accounts)
    connections.close_all()

    log = common.RESULTS / f"{common.database_label(url)}.gunicorn.log"
    server = Server(url, args.workers, log)
    try:
        server.wait_ready()
        sessions: dict[str, Session] = {}
        for name in sorted({page.persona for page in pages if not page.skipped}):
            persona = accounts["personas"][name]
            session = Session(server.port)
            session.sign_in(persona["email"], accounts["password"], persona.get("totp_key"))
            sessions[name] = session
        for page in pages:
            if page.skipped:
                print(f"  {page.title} ({page.persona}): {page.skipped}", flush=True)
                continue
            session = sessions[page.persona]
            measure(session, page.path, requests=WARMUP * args.workers, concurrency=args.workers)
            for level in levels:
                page.results[f"c{level}"] = measure(
                    session, page.path, requests=args.requests, concurrency=level
                )
            c1, c4 = page.results["c1"], page.results["c4"]
            print(
                f"  {page.title} ({page.persona}): {page.queries} queries, "
                f"c1 p95 {c1['p95_ms']} ms, c4 p95 {c4['p95_ms']} ms",
                flush=True,
            )
    finally:
        server.stop()

    throughput = import_throughput(accounts, args.import_rows)
    report["import"] = throughput
    report["load_average_at_end"] = os.getloadavg()
    report["pages"] = [asdict(page) for page in pages]
    report["over_target"] = [
        f"{page.title} ({page.persona}) {TARGET_LEVEL}: p95 {result['p95_ms']} ms"
        for page in pages
        if not page.stress
        and (result := page.results.get(TARGET_LEVEL))
        and result["p95_ms"] > TARGET_P95_MS
    ]
    print()
    print(
        f"{report['database']} · {accounts.get('scale')} scale · {args.requests} requests a "
        f"page at each concurrency · gunicorn -w {args.workers}"
    )
    start_load = ", ".join(f"{x:.1f}" for x in report["machine"]["load_average_at_start"])
    end_load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Load average at start {start_load}, at end {end_load} (2 cores shared).")
    print(table(pages, levels))
    print(
        f"Import: {throughput['rows']} rows in {throughput['seconds']}s = "
        f"{throughput['rows_per_s']} rows/s ({throughput['result']}; rolled back)"
    )
    if report["over_target"]:
        print(
            f"Over the {TARGET_P95_MS:.0f} ms p95 target at {TARGET_LEVEL}: "
            + "; ".join(report["over_target"])
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, default=str) + "\n")
        print(f"Wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Two web nodes and two workers on one PostgreSQL and one Redis: do they act as one site?

    .venv/bin/python bench/two_nodes.py
    .venv/bin/python bench/two_nodes.py --pg-host 127.0.0.1 --pg-port 5432 --pg-user postgres \
        --redis-url redis://127.0.0.1:6379/14

Makes a database of its own (createdb), migrates it, and starts two gunicorns on free
loopback ports and two `manage.py db_worker`s, all with production-like settings, one
Redis cache (a private redis-server on a free port when one is installed) and JSON logs.
Then checks, and exits non-zero naming what failed:

1. each node is live and ready, and reaches the database and the Redis cache;
2. a person signed in through node A is signed in on node B (sessions are in the database);
3. a progress update posted through one node is on the other node's page at the next
   request, both ways round;
4. JOBS tasks queued at once are drained by both workers, each run exactly once;
5. each node's /metrics answers the operations token and counts the finished tasks.

Everything it started is stopped, and its database dropped, however it ends. Takes about
25-40 s, most of it migrating. Needs PostgreSQL's client tools (createdb, dropdb) and
redis-server (Debian: redis-server), or a running Redis named by --redis-url; nothing else
is contacted.
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # bench.two_nodes_task
from common import ROOT, server_env  # noqa: E402 - found through the sys.path line above
from loopback import HOST, Session, free_port  # noqa: E402 - found through the sys.path line above
from mixed import update_form_fields  # noqa: E402 - found through the sys.path line above

JOBS = 40
PASSWORD = "two-nodes-only-password-4821"  # noqa: S105 - a throwaway account in a throwaway database


class Failed(Exception):
    pass


STARTED = time.monotonic()


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)
    print(f"  ok: {message} [{time.monotonic() - STARTED:.1f} s]")


class Processes:
    """Every process started here, each in its own group, stopped in reverse order."""

    def __init__(self, logs: Path, env: dict[str, str]) -> None:
        self.logs = logs
        self.env = env
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, command: list[str], **env: str) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**self.env, **env},
                start_new_session=True,
                stdout=log,
                stderr=log,
            )
        self.started.append((name, process))
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for _name, process in reversed(self.started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)  # gunicorn's quick shutdown
        for _name, process in reversed(self.started):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def with_token(port: int, path: str, token: str) -> tuple[int, bytes]:
    """GET path as the operator's tools do, with the token and no cookie."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": HOST, "Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_live(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Failed(f"gunicorn on port {port} exited with {process.returncode}")
        try:
            if Session(port).request("GET", "/healthz/live")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise Failed(f"gunicorn on port {port} did not answer within {timeout:.0f} s")


def wait_for_line(processes: Processes, name: str, text: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in processes.log(name):
            return
        time.sleep(0.1)
    raise Failed(f"{name} did not log {text!r} within {timeout:.0f} s")


def make_world(stamp: str) -> tuple[str, int]:
    """A council lead officer (no two-factor needed) and an action they lead."""
    from answerable.organisations.models import Membership, Organisation
    from answerable.organisations.tests.factories import UserFactory
    from answerable.recommendations.models import Action, Recommendation, Source

    office = Organisation.objects.create(name=f"Two nodes OPCC {stamp}", kind="pcc_office")
    council = Organisation.objects.create(
        name=f"Two nodes Council {stamp}", kind="local_authority", office=office
    )
    lead = UserFactory(email=f"lead-{stamp}@two-nodes.example", password=PASSWORD)
    Membership.objects.create(user=lead, organisation=council, role="lead_officer")
    source = Source.objects.create(owner=office, title="Two nodes", kind="review", publisher="X")
    recommendation = Recommendation.objects.create(
        source=source, reference="R1", text="Share the work", position=1
    )
    action = Action.objects.create(
        recommendation=recommendation, source=source, owner=council, description="Do it"
    )
    return lead.email, action.pk


def post_update(session: Session, action_pk: int, narrative: str) -> None:
    form = f"/register/actions/{action_pk}/update/"
    status, _headers, content = session.request("GET", form)
    if status != 200:
        raise Failed(f"GET {form} on port {session.port} gave {status}")
    fields = update_form_fields(content)
    fields["status"] = "on_track"
    fields["narrative"] = narrative
    status, headers, _content = session.request("POST", form, fields, multipart=True)
    if status != 302 or not headers.get("Location", "").endswith(f"/actions/{action_pk}/"):
        raise Failed(f"POST {form} on port {session.port} gave {status}, not the action page")


def drain_queue(markers: list[str], timeout: float = 30) -> None:
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = DBTaskResult.objects.filter(status__in=["SUCCESSFUL", "FAILED"]).count()
        if done >= len(markers):
            return
        time.sleep(0.2)
    raise Failed(f"the workers did not finish {len(markers)} tasks within {timeout:.0f} s")


def run(args: argparse.Namespace, work: Path, processes: Processes, token: str) -> None:
    import django
    from django.core.management import call_command
    from django.db import connections

    ports = {"A": free_port(), "B": free_port()}
    while ports["B"] == ports["A"]:
        ports["B"] = free_port()

    # The nodes read no table until a request comes, so they boot while the database migrates;
    # the workers poll their table at once, so they start after.
    print(f"Starting nodes A (port {ports['A']}) and B (port {ports['B']}), then migrating")
    gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
    nodes = {}
    for name, port in ports.items():
        command = [gunicorn, "-c", "config/gunicorn.conf.py", "config.wsgi"]
        command += ["--bind", f"{HOST}:{port}", "--workers", str(args.web_workers)]
        nodes[name] = processes.start(f"node-{name}", command)
    django.setup()
    call_command("migrate", interactive=False, verbosity=0, skip_checks=True)
    print(f"  migrated [{time.monotonic() - STARTED:.1f} s]")
    print("Starting two workers")
    worker = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
    for name in ports:
        command = [*worker, "--interval", "0.1", "--worker-id", f"two-nodes-{name}"]
        # At INFO the worker says when it starts polling (and logs each task it runs).
        processes.start(f"worker-{name}", command, DJANGO_LOG_LEVEL="INFO")
    stamp = uuid.uuid4().hex[:8]
    email, action_pk = make_world(stamp)
    connections.close_all()
    for name, port in ports.items():
        wait_until_live(port, nodes[name])
    for name in ports:
        wait_for_line(processes, f"worker-{name}", "Starting worker")
    print(f"  all started [{time.monotonic() - STARTED:.1f} s]")

    print("1. Health")
    for name, port in ports.items():
        status, _h, body = Session(port).request("GET", "/healthz/ready")
        check(
            (status, body) == (200, b"ok"), f"node {name} is ready and tells the public only 'ok'"
        )
        status, body = with_token(port, "/healthz/ready", token)
        checks = json.loads(body)["checks"]
        check(
            checks["database"]["detail"] == "postgresql"
            and checks["cache"]["detail"] == "RedisCache",
            f"node {name} reaches PostgreSQL and the Redis cache",
        )

    print("2. One session, either node")
    on_a = Session(ports["A"])
    on_a.sign_in(email, PASSWORD)
    on_b = Session(ports["B"])
    on_b.cookies = dict(on_a.cookies)
    status, _h, _c = on_b.request("GET", "/register/")
    check(status == 200, "signed in on node A, the same cookie is signed in on node B")

    print("3. Each node sees the other's writes at once")
    written_on_b = f"Written through node B {stamp}"
    post_update(on_b, action_pk, written_on_b)
    page = on_a.request("GET", f"/register/actions/{action_pk}/")[2].decode()
    check(written_on_b in page, "node A shows the update posted through node B")
    written_on_a = f"Written through node A {stamp}"
    post_update(on_a, action_pk, written_on_a)
    page = on_b.request("GET", f"/register/actions/{action_pk}/")[2].decode()
    check(written_on_a in page, "node B shows the update posted through node A")

    print(f"4. {args.jobs} tasks, two workers")
    from django_tasks_db.models import DBTaskResult

    from bench.two_nodes_task import record_run

    ran = work / "ran.tsv"
    markers = [f"job-{n}" for n in range(args.jobs)]
    for marker in markers:
        # Each takes a moment, as real work does, so neither worker can take them all.
        record_run.enqueue(marker=marker, path=str(ran), seconds=0.02)
    drain_queue(markers)
    lines = [line.split("\t") for line in ran.read_text().splitlines()]
    runs = Counter(marker for marker, _pid in lines)
    check(
        sorted(runs) == sorted(markers) and set(runs.values()) == {1},
        f"every one of the {args.jobs} tasks ran exactly once",
    )
    results = list(DBTaskResult.objects.values_list("status", "worker_ids"))
    check(
        all(status == "SUCCESSFUL" and len(ids) == 1 for status, ids in results),
        "each task was claimed by one worker and succeeded",
    )
    by_worker = Counter(ids[0] for _status, ids in results)
    check(
        set(by_worker) == {"two-nodes-A", "two-nodes-B"},
        f"both workers drained the one queue ({dict(sorted(by_worker.items()))})",
    )
    connections.close_all()

    print("5. Metrics")
    for name, port in ports.items():
        status, body = with_token(port, "/metrics", token)
        text = body.decode()
        line = 'answerable_tasks{queue="default",status="SUCCESSFUL"}'
        check(
            status == 200 and f"{line} {float(args.jobs)}" in text,
            f"node {name}'s /metrics counts the {args.jobs} finished tasks",
        )
        status, _h, _b = Session(port).request("GET", "/metrics")
        check(status == 404, f"node {name}'s /metrics is not there without the token")
    for name in ports:
        logged = [
            json.loads(line)
            for line in processes.log(f"node-{name}").splitlines()
            if line.startswith("{")
        ]
        check(
            any(line.get("view") == "recommendations:action_detail" for line in logged),
            f"node {name} logs its requests as JSON lines, by view",
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-port", default="5432")
    parser.add_argument("--pg-user", default="postgres")
    parser.add_argument(
        "--redis-url",
        help="A Redis to share (only the keys this run makes are deleted). Default: a private "
        "redis-server on a free port if one is installed, else redis://127.0.0.1:6379/14",
    )
    parser.add_argument("--jobs", type=int, default=JOBS)
    parser.add_argument("--web-workers", type=int, default=1, help="gunicorn workers a node")
    args = parser.parse_args()

    name = f"answerable_two_nodes_{os.getpid()}"
    pg = ["-h", args.pg_host, "-p", args.pg_port, "-U", args.pg_user]
    url = f"postgres://{args.pg_user}@{args.pg_host}:{args.pg_port}/{name}?connect_timeout=5"
    work = Path(tempfile.mkdtemp(prefix="answerable-two-nodes-"))
    token = secrets.token_urlsafe(32)
    env = {
        **os.environ,
        **server_env(url),
        "DJANGO_MEDIA_ROOT": str(work / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "ANSWERABLE_LOG_FORMAT": "json",
        "ANSWERABLE_OPERATIONS_TOKEN": token,
        "PROMETHEUS_MULTIPROC_DIR": str(work / "prometheus"),
    }
    processes = Processes(work, env)
    redis_url, redis_before = args.redis_url, None
    try:
        if redis_url is None and shutil.which("redis-server"):
            port = free_port()
            command = ["redis-server", "--bind", HOST, "--port", str(port), "--save", ""]
            processes.start("redis", [*command, "--appendonly", "no"])
            redis_url = f"redis://{HOST}:{port}/0"
            wait_for_line(processes, "redis", "Ready to accept connections")
        redis_url = redis_url or "redis://127.0.0.1:6379/14"
        redis_before = redis_keys(redis_url)
        env["DJANGO_CACHE_URL"] = f"{redis_url}?socket_connect_timeout=2&socket_timeout=2"
        os.environ.update({k: v for k, v in env.items() if k != "PROMETHEUS_MULTIPROC_DIR"})
        subprocess.run(["createdb", *pg, name], check=True)  # noqa: S603, S607 - PostgreSQL tools
        run(args, work, processes, token)
    except Failed as failure:
        print(f"FAILED: {failure}\nLogs kept in {work}")
        return 1
    except BaseException:
        print(f"Logs kept in {work}")
        raise
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if args.redis_url and redis_before is not None:
            redis_forget(redis_url, redis_keys(redis_url) - redis_before)
        processes.stop_all()
        subprocess.run(["dropdb", *pg, "--if-exists", "--force", name], check=False)  # noqa: S603, S607 - PostgreSQL tools
        print(f"  stopped everything and dropped {name} [{time.monotonic() - STARTED:.1f} s]")
    shutil.rmtree(work, ignore_errors=True)
    print(f"Two nodes act as one site: all checks passed in {time.monotonic() - STARTED:.0f} s.")
    return 0


def redis_keys(url: str) -> set[bytes]:
    import redis

    return set(redis.Redis.from_url(url).scan_iter(count=1000))


def redis_forget(url: str, keys: set[bytes]) -> None:
    """Delete only the keys this run made: the Redis database may serve others too."""
    import redis

    if keys:
        redis.Redis.from_url(url).delete(*keys)


if __name__ == "__main__":
    sys.exit(main())

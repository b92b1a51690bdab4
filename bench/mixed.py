"""run.py --mixed: lead officers of different forces read pages and post progress updates at once.

Each simulated user signs in, then for --seconds either reads one of their pages or posts a
progress update through the real form, as a browser does. Afterwards every update the clients
saw succeed is looked for in the database: one missing is a lost write. The updates stay in
the data set.
"""

import argparse
import os
import random
import re
import statistics
import threading
import time
from dataclasses import dataclass
from typing import Any

from loopback import Session, error_summary, serving
from mixed_office import (
    AGENDA_EDIT,
    AGENDA_FORM,
    ASSESSMENT,
    ASSESSMENT_FORM,
    OFFICE_KINDS,
    OfficeWrites,
    item_versions,
    office_write,
    office_writes_lost,
    plan_office_writes,
)
from report import header, markdown, percentile

READ_KINDS = (
    "dashboard",
    "recommendation list",
    "action list",
    "recommendation",
    "action",
    "meeting",
)
UPDATE_FORM = "update form"
WRITE = "progress update"
WRITE_KINDS = (WRITE, ASSESSMENT, AGENDA_EDIT)
SAMPLE = 50  # recommendations and actions each simulated user picks among
# A progress update moves the action between these two, so the status change and the
# register's tallies are exercised too; an action in any other status keeps it.
NEXT_STATUS = {"on_track": "off_track", "off_track": "on_track"}
# The form does not repeat the reason an action cannot be implemented: the owner restates it.
UNABLE = "unable_to_implement"


@dataclass
class MixedUser:
    """A lead officer's browser and the pages they read and write."""

    email: str
    reads: dict[str, list[str]]  # read kind -> paths they may open
    own_actions: list[tuple[str, str]]  # (page, update form) of actions they lead, none assured
    session: Session | None = None
    totp_key: str | None = None  # a scrutiny officer signs in with two-factor
    office: OfficeWrites | None = None  # a scrutiny officer's assessments and agenda edits


class MixedTally:
    """Latencies by kind, errors and successful writes, shared by the users' threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {
            kind: [] for kind in (*READ_KINDS, UPDATE_FORM, WRITE, *OFFICE_KINDS)
        }
        self.errors: dict[str, int] = dict.fromkeys(self.latencies, 0)
        self.error_samples: list[str] = []
        self.saved: list[str] = []  # the narrative of each update the server said it saved

    def ok(self, kind: str, started: float) -> None:
        with self.lock:
            self.latencies[kind].append((time.perf_counter() - started) * 1000)

    def error(self, kind: str, message: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{kind}: {message}")

    def write_succeeded(self, narrative: str) -> None:
        with self.lock:
            self.saved.append(narrative)


def plan_mixed_users(accounts: dict[str, Any], count: int, office_users: int) -> list[MixedUser]:
    """`count` users: `office_users` scrutiny officers of different offices, the rest lead
    officers, each of a different force while the data set has enough forces."""
    from answerable.accounts.models import User
    from answerable.organisations.models import Membership
    from answerable.recommendations.models import Action, AssuranceStatus

    offices = accounts.get("offices", [])
    leads = [office["lead_officer"] for office in offices] or [
        accounts["personas"]["lead"]["email"]
    ]
    scrutiny = [(o["scrutiny_officer"], o["scrutiny_totp_key"]) for o in offices] or [
        (accounts["personas"]["scrutiny"]["email"], accounts["personas"]["scrutiny"]["totp_key"])
    ]
    users = []
    for index in range(count):
        if index < office_users:
            email, totp_key = scrutiny[index % len(scrutiny)]
            writes = plan_office_writes(email)
            reads = _reads(User.objects.get(email=email))
            reads["meeting"] = sorted({meeting for _item, meeting, _form in writes.agenda_items})
            reads = {k: v for k, v in reads.items() if v}
            users.append(MixedUser(email, reads, [], totp_key=totp_key, office=writes))
            continue
        user = User.objects.get(email=leads[(index - office_users) % len(leads)])
        led = user.memberships.filter(role=Membership.Role.LEAD_OFFICER)
        # An assured action refuses a status change: leave those out rather than see errors.
        own = (
            Action.objects.filter(owner_id__in=led.values("organisation_id"))
            .exclude(assurance_status=AssuranceStatus.ASSURED)
            .order_by("pk")
        )
        own_actions = [
            (
                reverse("recommendations:action_detail", args=[pk]),
                reverse("recommendations:action_update", args=[pk]),
            )
            for pk in own.values_list("pk", flat=True)[:SAMPLE]
        ]
        reads = {k: v for k, v in _reads(user).items() if v}
        users.append(MixedUser(user.email, reads, own_actions))
    return users


def _reads(user: Any) -> dict[str, list[str]]:
    """The register pages a user reads: their dashboard, lists and some rows they can see."""
    from answerable.recommendations import selectors

    recommendations = selectors.recommendation_list(user=user).order_by("-pk")
    visible = selectors.action_list(user=user).order_by("-pk")
    detail = "recommendations:recommendation_detail"
    return {
        "dashboard": [reverse("recommendations:dashboard")],
        "recommendation list": [reverse("recommendations:recommendation_list")],
        "action list": [reverse("recommendations:action_list")],
        "recommendation": [
            reverse(detail, args=[pk])
            for pk in recommendations.values_list("pk", flat=True)[:SAMPLE]
        ],
        "action": [
            reverse("recommendations:action_detail", args=[pk])
            for pk in visible.values_list("pk", flat=True)[:SAMPLE]
        ],
    }


def reverse(name: str, args: list[Any] | None = None) -> str:
    from django.urls import reverse as django_reverse

    return django_reverse(name, args=args)


def update_form_fields(content: bytes) -> dict[str, str]:
    """What the browser would send untouched: the CSRF token and each checked radio."""
    fields = {}
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    if token:
        fields["csrfmiddlewaretoken"] = token.group(1).decode()
    for tag in re.findall(rb'<input[^>]*type="radio"[^>]*\bchecked\b[^>]*>', content):
        name = re.search(rb'name="([^"]+)"', tag)
        value = re.search(rb'value="([^"]*)"', tag)
        if name and value:
            fields[name.group(1).decode()] = value.group(1).decode()
    return fields


def read_page(user: MixedUser, tally: MixedTally, rng: random.Random) -> None:
    kind = rng.choice(list(user.reads))
    path = rng.choice(user.reads[kind])
    assert user.session is not None
    started = time.perf_counter()
    try:
        status, _headers, _content = user.session.request("GET", path)
    except Exception as error:  # noqa: BLE001 - every failure is counted, none stops the run
        tally.error(kind, f"GET {path}: {error!r}")
        return
    # Every page read answers 200 to a signed-in user; a redirect would be to the sign-in page.
    if status == 200:
        tally.ok(kind, started)
    else:
        tally.error(kind, f"GET {path} gave {status}")


def post_update(user: MixedUser, tally: MixedTally, rng: random.Random, narrative: str) -> None:
    """Post a progress update through the form as a browser does: GET it, then POST it."""
    action, form = rng.choice(user.own_actions)
    assert user.session is not None
    started = time.perf_counter()
    try:
        status, _headers, content = user.session.request("GET", form)
    except Exception as error:  # noqa: BLE001 - counted as an error, whatever it is
        tally.error(UPDATE_FORM, f"GET {form}: {error!r}")
        return
    if status != 200:
        tally.error(UPDATE_FORM, f"GET {form} gave {status}")
        return
    tally.ok(UPDATE_FORM, started)
    fields = update_form_fields(content)
    current = fields.get("status", "")
    fields["status"] = NEXT_STATUS.get(current, current)
    fields["narrative"] = narrative
    if fields["status"] == UNABLE:
        fields["unable_reason"] = "It still needs a change to national legislation."
    started = time.perf_counter()
    try:
        status, headers, content = user.session.request("POST", form, fields, multipart=True)
    except Exception as error:  # noqa: BLE001 - counted as an error, whatever it is
        tally.error(WRITE, f"POST {form}: {error!r}")
        return
    # Only the redirect back to the action means the update was saved; a 200 is the form
    # shown again with an error, which counts as a failed write.
    if status == 302 and headers.get("Location", "").endswith(action):
        tally.ok(WRITE, started)
        tally.write_succeeded(narrative)
    else:
        why = headers.get("Location", "") if status == 302 else error_summary(content)
        tally.error(WRITE, f"POST {form} gave {status} {why}")


def mixed_user_loop(
    user: MixedUser,
    tally: MixedTally,
    *,
    deadline: float,
    write_share: float,
    think_ms: float,
    seed: int,
) -> None:
    rng = random.Random(seed)
    number = 0
    while time.monotonic() < deadline:
        writes = user.own_actions or user.office
        if writes and rng.random() < write_share:
            number += 1
            if user.office is not None:
                office_write(user, tally, rng, number)
            else:
                # Unique across users, so each saved update can be looked for by its text.
                narrative = f"Benchmark progress update {number} by simulated user {seed}."
                post_update(user, tally, rng, narrative)
        else:
            read_page(user, tally, rng)
        if think_ms:  # a person reads the page before the next step: exponential, mean think_ms
            time.sleep(min(rng.expovariate(1000 / think_ms), deadline - time.monotonic(), 60))


def latency_summary(latencies: list[float], errors: int) -> dict[str, float]:
    if not latencies:
        return {"requests": 0, "p50_ms": 0.0, "p95_ms": 0.0, "errors": errors}
    return {
        "requests": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "errors": errors,
    }


def latest_update_pk() -> int:
    from answerable.recommendations.models import Update

    return Update.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def updates_since(pk: int, emails: set[str]) -> list[str]:
    """The narratives of the updates the simulated users wrote after `pk`, read in this process."""
    from answerable.recommendations.models import Update

    updates = Update.objects.filter(pk__gt=pk, author__email__in=emails)
    return list(updates.values_list("narrative", flat=True))


def run_mixed(
    port: int, users: list[MixedUser], args: argparse.Namespace, accounts: dict[str, Any]
) -> dict[str, Any]:
    """Every user reads and writes at once for --seconds; then count the updates saved."""
    for user in users:
        user.session = Session(port)
        user.session.sign_in(user.email, accounts["password"], user.totp_key)
        for paths in user.reads.values():  # warm each worker's per-process state
            user.session.request("GET", paths[0])
    baseline = latest_update_pk()
    office_writes = [user.office for user in users if user.office is not None]
    versions_before = item_versions(office_writes)
    tally = MixedTally()
    deadline = time.monotonic() + args.seconds
    threads = [
        threading.Thread(
            target=mixed_user_loop,
            args=(user, tally),
            kwargs={
                "deadline": deadline,
                "write_share": args.write_share,
                "think_ms": args.think_ms,
                "seed": index,
            },
        )
        for index, user in enumerate(users)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    created = updates_since(baseline, {user.email for user in users})
    lost = sorted(set(tally.saved) - set(created))
    lost += office_writes_lost(office_writes, versions_before)
    reads = [ms for kind in READ_KINDS for ms in tally.latencies[kind]]
    read_errors = sum(tally.errors[kind] for kind in READ_KINDS)
    writes = [ms for kind in WRITE_KINDS for ms in tally.latencies[kind]]
    write_errors = sum(tally.errors[kind] for kind in WRITE_KINDS)
    confirmed = len(tally.saved) + sum(
        len(each.rationales) + sum(each.edits.values()) for each in office_writes
    )
    return {
        "users": len(users),
        "lead_officers": len({user.email for user in users if user.office is None}),
        "scrutiny_officers": len(office_writes),
        "think_ms": args.think_ms,
        "seconds": round(wall, 1),
        "write_share": args.write_share,
        "workers": args.workers,
        "requests_per_s": round(sum(map(len, tally.latencies.values())) / wall, 1),
        "reads": latency_summary(reads, read_errors),
        "writes": latency_summary(writes, write_errors),
        "by_kind": {k: latency_summary(v, tally.errors[k]) for k, v in tally.latencies.items()},
        "errors": sum(tally.errors.values()),
        "error_samples": tally.error_samples,
        "writes_succeeded": confirmed,
        "updates_created": len(created),
        # A write the client saw succeed that is not in the database.
        "lost_writes": len(lost),
        "lost_samples": lost[:10],
    }


def mixed_table(mixed: dict[str, Any]) -> str:
    """One row a kind of request, then all reads and all writes."""
    lines = [["Requests", "Count", "p50 ms", "p95 ms", "Errors"]]
    named = {
        UPDATE_FORM: "update form (GET)",
        WRITE: "progress update (POST)",
        ASSESSMENT_FORM: "assessment form (GET)",
        ASSESSMENT: "assessment (POST)",
        AGENDA_FORM: "agenda item form (GET)",
        AGENDA_EDIT: "agenda edit (POST)",
    }
    rows = [(named.get(kind, kind), result) for kind, result in mixed["by_kind"].items()]
    rows += [("all reads", mixed["reads"]), ("all writes", mixed["writes"])]
    for name, result in rows:
        lines.append(
            [name, *(str(result[key]) for key in ("requests", "p50_ms", "p95_ms", "errors"))]
        )
    return markdown(lines)


def mixed_mode(
    args: argparse.Namespace,
    accounts: dict[str, Any],
    report: dict[str, Any],
) -> None:
    """Lead and scrutiny officers reading and writing at once; every confirmed write must be
    found afterwards."""
    from django.db import connections

    users = plan_mixed_users(accounts, args.users, min(args.office_users, args.users))
    connections.close_all()
    print(
        f"{report['database']}, {accounts.get('scale')} scale; {args.users} users for "
        f"{args.seconds}s, {args.write_share:.0%} writes…",
        flush=True,
    )
    server = serving(args.database_url, args.workers)
    try:
        mixed = run_mixed(server.port, users, args, accounts)
    finally:
        server.stop()
    report["load_average_at_end"] = os.getloadavg()
    report["mixed"] = mixed
    print()
    print(header(report))
    print(
        f"{mixed['users']} users ({mixed['lead_officers']} lead officers of different forces, "
        f"{mixed['scrutiny_officers']} scrutiny officers of different offices) for "
        f"{mixed['seconds']}s, {args.write_share:.0%} writes, think time "
        f"{args.think_ms:.0f} ms · gunicorn -w {args.workers} · {mixed['requests_per_s']} "
        "requests/s"
    )
    print(mixed_table(mixed))
    print(
        f"Writes: {mixed['writes_succeeded']} confirmed to the clients (progress updates, "
        f"assessments, agenda edits), {mixed['updates_created']} progress updates saved; "
        f"lost writes {mixed['lost_writes']}; errors {mixed['errors']}"
    )
    for sample in mixed["error_samples"] + [f"lost: {n}" for n in mixed["lost_samples"]]:
        print(f"  {sample}")

"""Demo workforce data: a generated force whose CSE awareness coverage falls with service.

`seed_workforce` builds a seeded, pseudonymised workforce of about 5,000 people and imports a
monthly snapshot of its roster and completions through the real import service, so each
snapshot is audited. Longer-serving people are less likely to be in date, and a recent
training push lifts coverage month by month. Running it again adds nothing.
"""

import csv
import datetime
import hashlib
import io
import random
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from answerable.accounts.models import User
from answerable.organisations.models import Membership, Organisation
from answerable.workforce import importing, selectors, services
from answerable.workforce.models import Course, CoverageLink, Snapshot
from answerable.workforce.tables import StoredTable

COURSE_CODE = "CSE-AW"
COURSE_TITLE = "Child sexual exploitation awareness"
FILE_PREFIX = "demo-"
# (workforce type as an HR export writes it, share, ranks or grades with their weights)
WORKFORCE = (
    ("Police officer", 0.55, (("Constable", 70), ("Sergeant", 16), ("Inspector", 8),
                              ("Chief Inspector", 4), ("Superintendent", 2))),
    ("Police staff", 0.30, tuple((f"Grade {n}", 9 - n) for n in range(2, 9))),
    ("PCSO", 0.08, (("PCSO", 1),)),
    ("Special constable", 0.05, (("Special Constable", 1),)),
    ("Police support volunteer", 0.02, (("Volunteer", 1),)),
)  # fmt: skip
COMMANDS = (
    ("Local Policing North Worcestershire", ("Kidderminster", "Redditch", "Bromsgrove")),
    ("Local Policing South Worcestershire", ("Worcester", "Malvern", "Evesham")),
    ("Local Policing Herefordshire", ("Hereford", "Leominster", "Ross-on-Wye")),
    ("Local Policing Shropshire", ("Shrewsbury", "Oswestry", "Ludlow")),
    ("Local Policing Telford and Wrekin", ("Telford", "Wellington")),
    ("Crime and Vulnerability", ("Hindlip", "Shrewsbury", "Hereford")),
    ("Operations", ("Hindlip", "Telford")),
    ("Contact Management", ("Hindlip",)),
)
# Chance of keeping the course in date, by whole years of service: falls with service.
KEEPS_UP = ((2, 0.93), (5, 0.86), (10, 0.74), (20, 0.6), (99, 0.45))


@dataclass
class Person:
    staff_id: str
    workforce_type: str
    rank: str
    command: str
    location: str
    started_on: datetime.date
    left_on: datetime.date | None
    completions: list[datetime.date] = field(default_factory=list)


@dataclass(frozen=True)
class WorkforceSeed:
    course: Course
    snapshots: list[Snapshot]
    created: bool


def _people(rng: random.Random, count: int, latest: datetime.date, months: int) -> list[Person]:
    first = latest - relativedelta(months=months - 1)
    people = []
    for number in rng.sample(range(100_000, 999_999), count):
        kind, ranks = rng.choices([(w[0], w[2]) for w in WORKFORCE], [w[1] for w in WORKFORCE])[0]
        rank = rng.choices([r[0] for r in ranks], [r[1] for r in ranks])[0]
        command, locations = rng.choice(COMMANDS)
        years = min(rng.expovariate(1 / 9), 38)
        started_on = latest - datetime.timedelta(days=int(years * 365.25) + rng.randint(0, 200))
        left_on = None
        if rng.random() < 0.04:
            left_on = first + datetime.timedelta(days=rng.randint(0, (latest - first).days))
            left_on = max(left_on, started_on)
        person = Person(
            f"P{number}", kind, rank, command, rng.choice(locations), started_on, left_on
        )
        keeps_up = next(chance for limit, chance in KEEPS_UP if years < limit)
        if rng.random() < keeps_up:
            # Trained soon after joining, then refreshed a little inside every 36 months.
            on = max(started_on, datetime.date(2012, 1, 1)) + datetime.timedelta(
                rng.randint(20, 200)
            )
            while on <= latest:
                person.completions.append(on)
                on += datetime.timedelta(days=rng.randint(900, 1080))
        else:
            long_ago = latest - datetime.timedelta(days=rng.randint(1200, 2500))
            if rng.random() < 0.5 and long_ago > started_on:  # trained once, long ago
                person.completions.append(long_ago)
            if rng.random() < 0.2:  # caught by this year's training push
                push = datetime.timedelta(days=rng.randint(0, (latest - first).days + 27))
                person.completions.append(first - datetime.timedelta(days=27) + push)
        people.append(person)
    return people


def _csv(headers: list[str], rows: list[list[str]], name: str) -> StoredTable:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return StoredTable(content=buffer.getvalue().encode(), kind="csv", name=name)


def _files(people: list[Person], on: datetime.date) -> tuple[StoredTable, StoredTable]:
    roster, completions = [], []
    for p in people:
        if p.started_on > on:
            continue
        left = p.left_on.isoformat() if p.left_on and p.left_on <= on else ""
        roster.append([p.staff_id, p.workforce_type, p.rank, p.command, p.location,
                       p.started_on.isoformat(), left])  # fmt: skip
        completions += [
            [p.staff_id, COURSE_CODE, d.isoformat(), ""] for d in p.completions if d <= on
        ]
    return (
        _csv(
            [
                "Staff ID",
                "Workforce type",
                "Rank or grade",
                "Command",
                "Location",
                "Start date",
                "Leaving date",
            ],
            roster,
            f"{FILE_PREFIX}roster-{on:%Y-%m}.csv",
        ),  # fmt: skip
        _csv(
            ["Staff ID", "Course code", "Completed on", "Expires on"],
            completions,
            f"{FILE_PREFIX}completions-{on:%Y-%m}.csv",
        ),  # fmt: skip
    )


def _sha256(table: StoredTable) -> str:
    return hashlib.sha256(table.content).hexdigest()


def _lead(force: Organisation) -> User:
    membership = (
        Membership.objects.filter(organisation=force, role=Membership.Role.LEAD_OFFICER)
        .select_related("user")
        .order_by("id")
        .first()
    )
    if membership is None:
        raise ValueError(f"{force.name} has no lead officer to upload its workforce data")
    return membership.user


@transaction.atomic
def seed_workforce(
    *,
    force: Organisation,
    actor: User | None = None,
    staff: int = 5000,
    months: int = 6,
    latest: datetime.date | None = None,
    seed: int = 4,
) -> WorkforceSeed:
    """Give the force a CSE awareness course and `months` monthly snapshots, unless it has them.

    The snapshots fall on the last day of each month up to `latest` (by default the end of
    last month). `actor` must be a lead officer of the force; by default its first one.
    """
    actor = actor or _lead(force)
    course = Course.objects.filter(owner=force, code=COURSE_CODE).first()
    existing = Snapshot.objects.filter(organisation=force, roster_file_name__startswith=FILE_PREFIX)
    if course is not None and existing.exists():
        return WorkforceSeed(course=course, snapshots=list(existing), created=False)
    if course is None:
        course = services.course_create(
            actor=actor, owner=force, code=COURSE_CODE, title=COURSE_TITLE, target_percent=90,
            refresh_months=36, workforce_types=["officer", "pcso", "special"], commands=[],
        )  # fmt: skip
    latest = latest or timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    people = _people(random.Random(seed), staff, latest, months)  # noqa: S311 - demo data
    snapshots = []
    for back in range(months - 1, -1, -1):
        on = (latest.replace(day=1) - relativedelta(months=back)) + relativedelta(day=31)
        roster, completions = _files(people, on)
        snapshots.append(
            services.snapshot_import(
                actor=actor,
                organisation=force,
                taken_on=on,
                roster=roster,
                completions=completions,
                roster_sha256=_sha256(roster),
                completions_sha256=_sha256(completions),
                mapping={
                    kind: importing.guess_mapping(table.headers(), kind)
                    for kind, table in (("roster", roster), ("completions", completions))
                },
            )  # fmt: skip
        )
    _link_to_a_training_recommendation(course=course, actor=actor)
    return WorkforceSeed(course=course, snapshots=snapshots, created=True)


def _link_to_a_training_recommendation(*, course: Course, actor: User) -> None:
    """Offer the coverage as evidence on the first training recommendation the lead can see."""
    if CoverageLink.objects.filter(course=course).exists():
        return
    recommendation = (
        selectors.linkable_recommendation_list(user=actor, course=course)
        .filter(text__icontains="training")
        .first()
    )
    if recommendation is not None:
        services.coverage_link_create(
            actor=actor, course=course, recommendation=recommendation,
            note="CSE awareness training coverage of officers, PCSOs and specials, by month.",
        )  # fmt: skip

"""The benchmark's data set: a national partnership's register, built with bulk inserts.

Imported by generate.py once Django is set up. Rows bypass the services on purpose (see
generate.py) but keep their rules; every choice below is drawn from seeded random streams,
so the same seed and anchor date always give the same rows.
"""

import datetime
import hashlib
import importlib.util
import inspect
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db.models import Count, Max, Model, Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from answerable.accounts.models import User
from answerable.meetings.models import (
    ACTION_REVIEW_TITLE,
    AccountabilityMeeting,
    AgendaItem,
    Attendee,
    ItemVerdict,
    MeetingAction,
    Question,
    Response,
)
from answerable.organisations.models import Membership, Organisation
from answerable.recommendations.deadlines import deadline_from_text
from answerable.recommendations.models import (
    Action,
    Assessment,
    Evidence,
    Recommendation,
    Source,
    TargetDateChange,
    Theme,
    Update,
)

WORKFORCE_STAFF = {"national": 250_000, "small": 2_500}  # 20 completions each
PASSWORD = "bench-Password-2024!"  # noqa: S105  benchmark-only accounts on a local database
BATCH = 5000
UTC = datetime.UTC


@dataclass(frozen=True)
class Scale:
    recommendations: int
    updates: int
    meetings: int
    extra_leads_per_partner: int
    # The first source's recommendations: a large inquiry, the public site's largest report
    # (issue #14 times its CSV). Every other source has 5 to 35.
    big_source: int


SCALES = {
    "national": Scale(
        recommendations=50_000,
        updates=500_000,
        meetings=1_000,
        extra_leads_per_partner=4,
        big_source=500,
    ),
    "small": Scale(
        recommendations=2_000, updates=20_000, meetings=40, extra_leads_per_partner=2, big_source=60
    ),
}

AREAS = [
    "Northmoor",
    "Westvale",
    "Eastmere",
    "Southdown",
    "Highfield",
    "Lowmarsh",
    "Kingsbridge",
    "Ashcombe",
    "Fenwick",
    "Redcliffe",
]
# Each area: its PCC's office and four partners (kind, name, share of the area's actions).
PARTNERS = [
    ("police_force", "{area} Police", 0.5),
    ("local_authority", "{area} County Council", 0.25),
    ("health_body", "{area} Integrated Care Board", 0.15),
    ("education", "{area} Schools Partnership", 0.10),
]
SOURCE_KINDS = [
    ("inspection", 0.6, "HMICFRS"),
    ("inquiry", 0.1, "Independent Inquiry into Child Sexual Abuse"),
    ("coroner", 0.1, "HM Coroner"),
    ("review", 0.1, "Local Safeguarding Children Partnership"),
    ("audit", 0.1, "Internal Audit"),
]
FINDING_TYPES = [
    ("recommendation", 0.7, "R"),
    ("area_for_improvement", 0.2, "AFI "),
    ("cause_of_concern", 0.1, "CoC "),
]
RESPONSES = [
    ("accepted", 0.65),
    ("accepted_in_principle", 0.15),
    ("partially_accepted", 0.12),
    ("not_accepted", 0.08),
]
FINAL_STATUSES = [
    ("not_started", 0.14),
    ("on_track", 0.34),
    ("off_track", 0.14),
    ("ready_for_assessment", 0.08),
    ("completed", 0.25),
    ("unable_to_implement", 0.05),
]
OPEN_STATUSES = {"not_started", "on_track", "off_track", "ready_for_assessment"}
VERDICTS = [("assured", 0.6), ("partly_assured", 0.25), ("not_assured", 0.15)]
THEMES = [
    "Child sexual exploitation",
    "Missing children",
    "Domestic abuse",
    "Information sharing",
    "Training",
    "Supervision",
    "Victim care",
    "Intelligence",
    "Missing persons",
    "Online harm",
    "Leadership",
    "Culture",
    "Custody",
    "Data quality",
    "Partnership working",
]
SUBJECTS = [
    "The force",
    "The council",
    "Partners",
    "The chief constable",
    "Children's services",
    "The integrated care board",
    "The safeguarding partnership",
    "The police and crime commissioner",
    "Schools",
]
VERBS = [
    "should ensure that",
    "must review",
    "should improve",
    "should establish",
    "should evaluate",
    "needs to strengthen",
    "should publish a plan for",
    "should audit",
]
OBJECTS = [
    "training on child sexual exploitation for every frontline officer",
    "the quality of safeguarding referrals",
    "information sharing between agencies",
    "the response to missing children and the return home interviews they receive",
    "the supervision of investigations into sexual offences",
    "records of vulnerable victims",
    "the management of registered sex offenders",
    "support for victims of domestic abuse",
    "multi-agency risk assessment conferences",
    "the use of body-worn video",
    "the identification of repeat victims",
    "the recording of crime data",
    "awareness of grooming and online harm in schools",
    "the leadership of the public protection unit",
    "the culture of challenge in partnership meetings",
    "the timeliness of strategy discussions",
    "the voice of the child in assessments",
    "the quality of intelligence about perpetrators",
    "the care of detained children in custody",
    "the disruption of exploitation by organised groups",
]
QUALIFIERS = [
    "across every neighbourhood team",
    "with a clear owner and timetable",
    "so that the learning is shared",
    "and report progress to the commissioner",
    "using the findings of the inspection",
    "with the involvement of survivors",
    "in line with national guidance",
    "and evaluate the difference it makes",
]
NARRATIVES = [
    "Training sessions delivered to {n} officers this month.",
    "The working group met and agreed the revised policy.",
    "Audit of {n} case files completed; findings shared with supervisors.",
    "New referral form launched with partners after consultation.",
    "Delay while the procurement of the system is completed.",
    "Data now reported monthly to the safeguarding partnership board.",
    "Dip sample of {n} cases shows improvement in recording.",
    "Awaiting national guidance before the next step.",
    "Briefing given to the strategic leads; plan updated.",
    "Evidence of completion attached and ready for the commissioner's review.",
]
MONTHS = [datetime.date(2000, month, 1).strftime("%B") for month in range(1, 13)]


def slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


def totp_key(seed: int, email: str) -> str:
    """A deterministic 20-byte TOTP key, in the hex django-otp stores."""
    return hashlib.sha1(f"{seed}:{email}".encode(), usedforsecurity=False).hexdigest()


def weighted(rng: random.Random, choices: list[tuple]) -> str:  # type: ignore[type-arg]
    return rng.choices([c[0] for c in choices], weights=[c[1] for c in choices])[0]


@contextmanager
def explicit_timestamps() -> Iterator[None]:
    """Let bulk inserts keep the historical created_at/updated_at set here, then restore."""
    from django.apps import apps

    changed = []
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            flags = (
                getattr(model_field, "auto_now", False),
                getattr(model_field, "auto_now_add", False),
            )
            if any(flags):
                changed.append((model_field, flags))
                model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, (auto_now, auto_now_add) in changed:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


@dataclass
class Area:
    """One PCC's office, its four partners and the people in them."""

    index: int
    name: str
    office_id: int = 0
    partner_ids: list[int] = field(default_factory=list)  # in PARTNERS order: force first
    scrutiny_id: int = 0
    leads: dict[int, list[int]] = field(default_factory=dict)  # partner id -> lead officer ids
    recommendation_ids: list[int] = field(default_factory=list)
    first_action: dict[int, int] = field(default_factory=dict)  # recommendation id -> action id


class Rows:
    """Rows waiting to be inserted, per model, written in dependency order by flush()."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.pending: dict[type[Model], list[Model]] = {}

    def add(self, row: Model) -> None:
        self.pending.setdefault(type(row), []).append(row)

    def size(self, model: type[Model]) -> int:
        return len(self.pending.get(model, []))

    def flush(self) -> None:
        for model, rows in self.pending.items():
            if rows:
                model.objects.bulk_create(rows, batch_size=BATCH)
                label = model._meta.label
                self.counts[label] = self.counts.get(label, 0) + len(rows)
                rows.clear()


class Dataset:
    def __init__(self, *, scale: str, seed: int, anchor: datetime.date) -> None:
        self.size = SCALES[scale]
        self.scale = scale
        self.seed = seed
        self.anchor = anchor
        self.anchor_at = datetime.datetime.combine(anchor, datetime.time(12), tzinfo=UTC)
        self.areas = [Area(index, name) for index, name in enumerate(AREAS)]
        self.names: dict[int, str] = {}
        self.counts: dict[str, int] = {}
        self.rows = Rows(self.counts)
        self.accounts: dict[str, object] = {}
        self.update_id = 0

    def days_ago(self, days: float) -> datetime.datetime:
        return self.anchor_at - datetime.timedelta(days=days)

    # --- organisations and people ---------------------------------------------------------

    def organisations_and_users(self) -> None:
        """Ten areas of an office and four partners; known accounts in each; one national viewer."""
        created = self.days_ago(6 * 365)
        stamps = {"created_at": created, "updated_at": created}
        next_id = 1
        for area in self.areas:
            area.office_id = next_id
            self.names[next_id] = f"Office of the Police and Crime Commissioner for {area.name}"
            self.rows.add(
                Organisation(
                    id=next_id,
                    name=self.names[next_id],
                    short_name=f"{area.name} OPCC",
                    kind=Organisation.Kind.PCC_OFFICE,
                    **stamps,
                )
            )
            next_id += 1
            for kind, pattern, _share in PARTNERS:
                self.names[next_id] = pattern.format(area=area.name)
                self.rows.add(
                    Organisation(
                        id=next_id,
                        name=self.names[next_id],
                        kind=kind,
                        office_id=area.office_id,
                        **stamps,
                    )
                )
                area.partner_ids.append(next_id)
                next_id += 1

        # One hash for every account: argon2 is slow on purpose and these are throwaway.
        password = make_password(PASSWORD)
        user_ids = iter(range(1, 1_000_000))
        role = Membership.Role

        def person(email: str, full_name: str, roles: list[tuple[int, str]]) -> int:
            user_id = next(user_ids)
            self.rows.add(
                User(
                    id=user_id,
                    email=email,
                    full_name=full_name,
                    password=password,
                    date_joined=created,
                )
            )
            for organisation_id, name in roles:
                self.rows.add(
                    Membership(
                        user_id=user_id, organisation_id=organisation_id, role=name, **stamps
                    )
                )
            if any(name in (role.ADMINISTRATOR, role.SCRUTINY_OFFICER) for _, name in roles):
                self.rows.add(
                    TOTPDevice(
                        user_id=user_id,
                        name="Authenticator app",
                        confirmed=True,
                        key=totp_key(self.seed, email),
                    )
                )
            return user_id

        offices = []
        for area in self.areas:
            domain = f"{slug(area.name)}-opcc.example.org"
            scrutiny = f"scrutiny.officer@{domain}"
            area.scrutiny_id = person(
                scrutiny, f"{area.name} Scrutiny Officer", [(area.office_id, role.SCRUTINY_OFFICER)]
            )
            person(
                f"viewer@{domain}", f"{area.name} Office Viewer", [(area.office_id, role.VIEWER)]
            )
            for partner_id in area.partner_ids:
                partner = self.names[partner_id]
                partner_domain = f"{slug(partner)}.example.org"
                area.leads[partner_id] = [
                    person(
                        f"lead.officer.{n}@{partner_domain}",
                        f"{partner} Lead Officer {n}",
                        [(partner_id, role.LEAD_OFFICER)],
                    )
                    for n in range(1, 2 + self.size.extra_leads_per_partner)
                ]
                person(f"viewer@{partner_domain}", f"{partner} Viewer", [(partner_id, role.VIEWER)])
            force = self.names[area.partner_ids[0]]
            offices.append(
                {
                    "office": self.names[area.office_id],
                    "scrutiny_officer": scrutiny,
                    "scrutiny_totp_key": totp_key(self.seed, scrutiny),
                    "viewer": f"viewer@{domain}",
                    "lead_officer": f"lead.officer.1@{slug(force)}.example.org",
                    "lead_officer_of": force,
                }
            )
        first = self.areas[0]
        administrator = f"administrator@{slug(first.name)}-opcc.example.org"
        person(
            administrator, f"{first.name} Administrator", [(first.office_id, role.ADMINISTRATOR)]
        )
        national = "national.viewer@example.org"
        person(national, "National Viewer", [(area.office_id, role.VIEWER) for area in self.areas])
        self.rows.flush()

        office = offices[0]
        self.accounts = {
            "password": PASSWORD,
            "personas": {
                "lead": {
                    "email": office["lead_officer"],
                    "about": f"lead officer of {office['lead_officer_of']}",
                },
                "office_viewer": {
                    "email": office["viewer"],
                    "about": f"viewer in {office['office']}",
                },
                "scrutiny": {
                    "email": office["scrutiny_officer"],
                    "totp_key": office["scrutiny_totp_key"],
                    "about": f"scrutiny officer in {office['office']}, with two-factor",
                },
                "national": {
                    "email": national,
                    "about": f"viewer in all {len(self.areas)} PCC offices",
                },
                "administrator": {
                    "email": administrator,
                    "totp_key": totp_key(self.seed, administrator),
                    "about": f"administrator in {office['office']}, with two-factor",
                },
            },
            "offices": offices,
        }

    # --- register -------------------------------------------------------------------------

    def plan_actions(self) -> None:
        """Fix each recommendation's number of actions, their statuses and their update counts.

        Planned up front, on their own random streams, so the updates add up to exactly the
        scale's count: an action past "not started" needs at least the update that moved it,
        and the rest are spread unevenly, as real reporting is.
        """
        count_rng = random.Random(self.seed + 10)
        status_rng = random.Random(self.seed + 11)
        spread_rng = random.Random(self.seed + 12)
        self.finish_rng = random.Random(self.seed + 13)
        per_recommendation = [
            1 if count_rng.random() < 0.5 else 2 for _ in range(self.size.recommendations)
        ]
        total = sum(per_recommendation)
        finals = [weighted(status_rng, FINAL_STATUSES) for _ in range(total)]
        minimum = [0 if final == "not_started" else 1 for final in finals]
        spare = max(self.size.updates - sum(minimum), 0)
        weights = [spread_rng.expovariate(1.0) for _ in finals]
        extra = [int(weight * spare / sum(weights)) for weight in weights]
        for index in range(spare - sum(extra)):
            extra[index % total] += 1
        self.actions_per_recommendation = iter(per_recommendation)
        self.final_statuses = iter(finals)
        self.update_counts = iter(m + e for m, e in zip(minimum, extra, strict=True))

    def register(self) -> None:
        """Sources, recommendations, actions and each action's updates and assessments."""
        rng = random.Random(self.seed)
        self.plan_actions()
        for number, name in enumerate(THEMES, start=1):
            self.rows.add(
                Theme(
                    id=number,
                    name=name,
                    created_at=self.days_ago(2000),
                    updated_at=self.days_ago(2000),
                )
            )
        self.rows.flush()
        per_area, extra = divmod(self.size.recommendations, len(self.areas))
        source_id = recommendation_id = action_id = 0
        for area in self.areas:
            wanted = per_area + (1 if area.index < extra else 0)
            while len(area.recommendation_ids) < wanted:
                source_id += 1
                source = self.source(rng, area, source_id)
                drawn = rng.randint(5, 35)
                size = self.size.big_source if source_id == 1 else drawn
                size = min(size, wanted - len(area.recommendation_ids))
                for position in range(1, size + 1):
                    recommendation_id += 1
                    recommendation = self.recommendation(
                        rng, area, source, recommendation_id, position
                    )
                    for owner_id, leads in self.action_owners(rng, area):
                        action_id += 1
                        self.action(rng, area, recommendation, action_id, owner_id, leads)
                if self.rows.size(Action) >= BATCH:
                    self.rows.flush()
        self.rows.flush()
        self.recommendation_assessments()

    def source(self, rng: random.Random, area: Area, source_id: int) -> Source:
        kind = weighted(rng, SOURCE_KINDS)
        publisher = next(p for k, _w, p in SOURCE_KINDS if k == kind)
        published = self.anchor - datetime.timedelta(days=rng.randint(20, 6 * 365))
        rule = Source.DeadlineRule.NONE
        if kind == "inspection" and rng.random() < 0.9:
            rule = Source.DeadlineRule.S55
        elif kind == "inquiry" and rng.random() < 0.5:
            rule = Source.DeadlineRule.IICSA
        elif kind == "coroner":
            rule = Source.DeadlineRule.PFD
        responded = None
        if rule != "none" and (self.anchor - published).days > 60 and rng.random() < 0.85:
            responded = published + datetime.timedelta(days=rng.randint(20, 70))
        created = min(
            datetime.datetime.combine(published, datetime.time(9), tzinfo=UTC)
            + datetime.timedelta(days=rng.randint(0, 14)),
            self.anchor_at,
        )
        topic = rng.choice(THEMES).lower()
        source = Source(
            id=source_id,
            owner_id=area.office_id,
            title=f"{publisher} {kind} {source_id}: {topic} in {area.name}",
            kind=kind,
            publisher=publisher,
            published_on=published,
            url=f"https://example.org/reports/{source_id}",
            deadline_rule=rule,
            responded_on=responded,
            created_at=created,
            updated_at=created,
        )
        self.rows.add(source)
        return source

    def recommendation_text(self, rng: random.Random, deadline: datetime.date | None) -> str:
        sentences = [
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
            f"{rng.choice(QUALIFIERS)}"
            for _ in range(rng.randint(2, 3))
        ]
        if deadline is not None:
            sentences[-1] += f" by {deadline.day} {MONTHS[deadline.month - 1]} {deadline.year}"
        return ". ".join(sentences) + "."

    def recommendation(
        self,
        rng: random.Random,
        area: Area,
        source: Source,
        recommendation_id: int,
        position: int,
    ) -> Recommendation:
        published = source.published_on
        assert published is not None
        finding = weighted(rng, FINDING_TYPES)
        prefix = next(p for k, _w, p in FINDING_TYPES if k == finding)
        deadline = None
        if rng.random() < 0.3:
            deadline = published + datetime.timedelta(days=rng.randint(90, 720))
        text = self.recommendation_text(rng, deadline)
        response, response_text, responded_on = "", "", None
        if (self.anchor - published).days > 120 and rng.random() < 0.9:
            response = weighted(rng, RESPONSES)
            response_text = "The response sets out the plan and who will deliver it."
            responded_on = published + datetime.timedelta(days=rng.randint(30, 110))
        addressees = "; ".join(
            self.names[p] for p in rng.sample(area.partner_ids, rng.randint(1, 2))
        )
        recommendation = Recommendation(
            id=recommendation_id,
            source_id=source.id,
            reference=f"{prefix}{position}",
            text=text,
            finding_type=finding,
            addressees=addressees,
            response=response,
            response_text=response_text,
            responded_on=responded_on,
            deadline_on=deadline_from_text(text),
            position=position,
            created_at=source.created_at,
            updated_at=source.created_at,
        )
        self.rows.add(recommendation)
        for theme_id in rng.sample(range(1, len(THEMES) + 1), rng.randint(1, 2)):
            self.rows.add(
                Recommendation.themes.through(
                    recommendation_id=recommendation_id, theme_id=theme_id
                )
            )
        area.recommendation_ids.append(recommendation_id)
        return recommendation

    def action_owners(self, rng: random.Random, area: Area) -> list[tuple[int, list[int]]]:
        """Different owners for a recommendation's actions, mostly partners in its own area."""
        count = next(self.actions_per_recommendation)
        owners: dict[int, list[int]] = {}
        while len(owners) < count:
            roll = rng.random()
            if roll < 0.03:
                owners.setdefault(area.office_id, [])  # the office commissions something itself
            elif roll < 0.08:
                # A partner in another area: actions that cross offices.
                other = self.areas[(area.index + rng.randint(1, len(self.areas) - 1)) % 10]
                partner = rng.choice(other.partner_ids)
                owners.setdefault(partner, other.leads[partner])
            else:
                partner = rng.choices(area.partner_ids, weights=[p[2] for p in PARTNERS])[0]
                owners.setdefault(partner, area.leads[partner])
        return list(owners.items())

    def action(
        self,
        rng: random.Random,
        area: Area,
        recommendation: Recommendation,
        action_id: int,
        owner_id: int,
        leads: list[int],
    ) -> None:
        final = next(self.final_statuses)
        created = min(
            recommendation.created_at + datetime.timedelta(days=rng.randint(1, 90)),
            self.anchor_at - datetime.timedelta(days=1),
        )
        verb = rng.choice(VERBS).split(" ", 1)[1]
        action = Action(
            id=action_id,
            recommendation_id=recommendation.id,
            source_id=recommendation.source_id,
            owner_id=owner_id,
            lead_id=rng.choice(leads) if leads and rng.random() < 0.8 else None,
            description=f"{self.names[owner_id]} to {verb} {rng.choice(OBJECTS)}.",
            target_on=recommendation.deadline_on
            or created.date() + datetime.timedelta(days=rng.randint(60, 900)),
            delivery_status=final,
            unable_reason=(
                "Needs a change to national legislation on information sharing."
                if final == "unable_to_implement"
                else ""
            ),
            created_at=created,
            updated_at=created,
        )
        area.first_action.setdefault(recommendation.id, action_id)
        self.rows.add(action)  # before its history, so flush() inserts parents first
        self.history(rng, action, authors=leads or [area.scrutiny_id], assessor=area.scrutiny_id)

    def history(
        self, rng: random.Random, action: Action, *, authors: list[int], assessor: int
    ) -> None:
        """Replay the updates that took the action to its status, then its assessment."""
        final = action.delivery_status
        count = next(self.update_counts)
        end_at = self.completed_at(action) if final == "completed" else self.anchor_at
        span = max((end_at - action.created_at).total_seconds() - 120, 60.0)
        times = sorted(
            action.created_at + datetime.timedelta(seconds=60 + rng.uniform(0, span))
            for _ in range(count)
        )
        if final == "completed" and times:
            times[-1] = max(times[-1], end_at - datetime.timedelta(seconds=60))
        status = "not_started"
        for index, at in enumerate(times):
            if index == count - 1:
                after = final
            elif final == "not_started":
                after = "not_started"
            else:
                after = rng.choice(("on_track", "on_track", "off_track", status))
            self.update_id += 1
            self.rows.add(
                Update(
                    id=self.update_id,
                    action_id=action.id,
                    author_id=rng.choice(authors),
                    narrative=rng.choice(NARRATIVES).format(n=rng.randint(5, 400)),
                    status_before=status,
                    status_after=after,
                    created_at=at,
                    updated_at=at,
                )
            )
            if rng.random() < 0.02:
                self.rows.add(
                    Evidence(
                        action_id=action.id,
                        update_id=self.update_id,
                        title=f"Evidence for update {self.update_id}",
                        link=f"https://example.org/evidence/{self.update_id}",
                        marking=Evidence.Marking.OFFICIAL,
                        uploaded_by_id=rng.choice(authors),
                        created_at=at,
                        updated_at=at,
                    )
                )
            status = after
        if times:
            action.last_update_at = action.updated_at = times[-1]
            if final == "ready_for_assessment":
                action.ready_at = times[-1]
        if final in ("ready_for_assessment", "completed") and rng.random() < 0.55:
            # One in five was assessed (not assured) before its last update: back in the queue.
            before = rng.random() < 0.2
            offset = datetime.timedelta(days=rng.uniform(1, 30) * (-1 if before else 1))
            assessed = min(
                (times[-1] if times else action.created_at) + offset,
                self.anchor_at - datetime.timedelta(minutes=5),
            )
            assessed = max(assessed, action.created_at + datetime.timedelta(seconds=30))
            verdict = weighted(rng, VERDICTS[1:] if before else VERDICTS)
            self.rows.add(
                Assessment(
                    action_id=action.id,
                    verdict=verdict,
                    rationale="Evidence reviewed against the recommendation's intent.",
                    assessed_by_id=assessor,
                    created_at=assessed,
                    updated_at=assessed,
                )
            )
            action.assurance_status = verdict
            action.assessed_at = assessed
            action.updated_at = max(action.updated_at, assessed)
        if action.target_on and rng.random() < 0.05:
            changed = action.created_at + datetime.timedelta(days=1)
            self.rows.add(
                TargetDateChange(
                    action_id=action.id,
                    previous_on=action.target_on - datetime.timedelta(days=rng.randint(30, 180)),
                    new_on=action.target_on,
                    reason="Re-planned after the partnership board agreed a new timetable.",
                    changed_by_id=rng.choice(authors),
                    created_at=changed,
                    updated_at=changed,
                )
            )

    def completed_at(self, action: Action) -> datetime.datetime:
        """When a completed action was completed: around its target date, as real work is.

        Its updates are spread from its creation to then. Spread to the anchor date, as an
        open action's are, its completion fell at the latest of several random times, so
        completions bunched towards the anchor date: monthly completions grew eightfold over
        the last two years by construction, which no forecast from that history could follow
        (bench/README.md, forecast_backtest.py). Drawn from a stream of its own, so every
        other row stays as it was.
        """
        rng = self.finish_rng
        earliest = action.created_at + datetime.timedelta(days=14)
        latest = self.anchor_at - datetime.timedelta(days=1)
        chance = rng.random()
        # About a third finished ahead of the target date, 40% up to three months after it
        # and a quarter up to a year late, as target dates slip.
        if chance < 0.35:
            slip = rng.uniform(-120, 0)
        elif chance < 0.75:
            slip = rng.uniform(0, 90)
        else:
            slip = rng.uniform(90, 365)
        target = datetime.datetime.combine(action.target_on, datetime.time(12), tzinfo=UTC)
        at = target + datetime.timedelta(days=slip)
        if earliest >= latest:
            return latest
        if at > latest:  # finished well ahead of a target date still to come
            return earliest + (latest - earliest) * rng.random()
        return max(at, earliest)

    def recommendation_assessments(self) -> None:
        """Assure most recommendations whose actions are all assured; partly assure some others."""
        rng = random.Random(self.seed + 2)
        scrutiny = {area.office_id: area.scrutiny_id for area in self.areas}
        rows = (
            Action.objects.values("recommendation_id", "recommendation__source__owner_id")
            .annotate(
                total=Count("id"),
                assured=Count("id", filter=Q(assurance_status="assured")),
                last=Max("assessed_at"),
            )
            .order_by("recommendation_id")
        )
        changed = []
        for row in rows.iterator(chunk_size=BATCH):
            verdict = None
            if row["total"] == row["assured"] and rng.random() < 0.7:
                verdict = "assured"
            elif row["assured"] and rng.random() < 0.3:
                verdict = "partly_assured"
            if verdict is None:
                continue
            at = min(
                (row["last"] or self.days_ago(30)) + datetime.timedelta(days=rng.uniform(1, 20)),
                self.anchor_at - datetime.timedelta(minutes=1),
            )
            self.rows.add(
                Assessment(
                    recommendation_id=row["recommendation_id"],
                    verdict=verdict,
                    rationale="All actions reviewed at the holding-to-account meeting.",
                    assessed_by_id=scrutiny[row["recommendation__source__owner_id"]],
                    created_at=at,
                    updated_at=at,
                )
            )
            changed.append(
                Recommendation(id=row["recommendation_id"], assurance_status=verdict, updated_at=at)
            )
        self.rows.flush()
        Recommendation.objects.bulk_update(
            changed, ["assurance_status", "updated_at"], batch_size=1000
        )
        self.counts["recommendations assured or partly assured"] = len(changed)

    # --- meetings -------------------------------------------------------------------------

    def meetings(self) -> None:
        """Each office's meetings over three years and the next six months, with their agendas."""
        rng = random.Random(self.seed + 3)
        per_area = self.size.meetings // len(self.areas)
        meeting_id = item_id = question_id = 0
        kinds = AccountabilityMeeting.Kind.values
        for area in self.areas:
            starts = sorted(
                self.anchor_at - datetime.timedelta(days=rng.uniform(-180, 3 * 365))
                for _ in range(per_area)
            )
            for number, starts_at in enumerate(starts, start=1):
                meeting_id += 1
                past = starts_at < self.anchor_at - datetime.timedelta(days=1)
                if past:
                    status = "summary_published" if rng.random() < 0.85 else "held"
                else:
                    soon = starts_at < self.anchor_at + datetime.timedelta(days=14)
                    status = "papers_received" if soon and rng.random() < 0.5 else "planned"
                kind = rng.choice(kinds)
                created = starts_at - datetime.timedelta(days=40)
                stamps = {"created_at": created, "updated_at": created}
                self.rows.add(
                    AccountabilityMeeting(
                        id=meeting_id,
                        office_id=area.office_id,
                        title=f"{area.name} {kind.replace('_', ' ')} {number}",
                        kind=kind,
                        starts_at=starts_at,
                        venue=f"Police headquarters, {area.name}",
                        chair_name=f"Police and Crime Commissioner for {area.name}",
                        is_public=rng.random() < 0.7,
                        status=status,
                        **stamps,
                    )
                )
                for partner_id in rng.sample(area.partner_ids, rng.randint(2, 4)):
                    self.rows.add(
                        Attendee(
                            meeting_id=meeting_id,
                            name=f"{self.names[partner_id]} representative",
                            organisation_id=partner_id,
                            role="Strategic lead",
                            **stamps,
                        )
                    )
                item_id += 1
                self.rows.add(
                    AgendaItem(
                        id=item_id,
                        meeting_id=meeting_id,
                        position=1,
                        title=ACTION_REVIEW_TITLE,
                        is_action_review=True,
                        **stamps,
                    )
                )
                for position in range(2, rng.randint(4, 7) + 1):
                    item_id += 1
                    question_id = self.agenda_item(
                        rng, area, meeting_id, item_id, position, question_id, past, starts_at
                    )
        self.rows.flush()

    def agenda_item(
        self,
        rng: random.Random,
        area: Area,
        meeting_id: int,
        item_id: int,
        position: int,
        question_id: int,
        past: bool,
        starts_at: datetime.datetime,
    ) -> int:
        """A themed item with its linked register entries, questions, answers and verdict."""
        created = starts_at - datetime.timedelta(days=40)
        theme_id = rng.randint(1, len(THEMES))
        self.rows.add(
            AgendaItem(
                id=item_id,
                meeting_id=meeting_id,
                position=position,
                title=f"{THEMES[theme_id - 1]}: progress on recommendations",
                theme_id=theme_id,
                description="Partners report progress against the action plan.",
                is_sensitive=rng.random() < 0.1,
                created_at=created,
                updated_at=created,
            )
        )
        for recommendation_id in rng.sample(area.recommendation_ids, 3):
            self.rows.add(
                AgendaItem.recommendations.through(
                    agendaitem_id=item_id, recommendation_id=recommendation_id
                )
            )
            self.rows.add(
                AgendaItem.actions.through(
                    agendaitem_id=item_id, action_id=area.first_action[recommendation_id]
                )
            )
        for _ in range(2):
            question_id += 1
            addressed = rng.choice(area.partner_ids)
            self.rows.add(
                Question(
                    id=question_id,
                    item_id=item_id,
                    text=f"What difference has the work on {rng.choice(OBJECTS)} made?",
                    asked_by="Police and Crime Commissioner",
                    addressed_to_id=addressed,
                    created_at=created,
                    updated_at=created,
                )
            )
            if past:
                self.rows.add(
                    Response(
                        question_id=question_id,
                        text="The partner set out the progress and the evidence.",
                        given_by_name="Strategic lead",
                        given_by_organisation_id=addressed,
                        recorded_by_id=area.scrutiny_id,
                        created_at=starts_at,
                        updated_at=starts_at,
                    )
                )
        if past and rng.random() < 0.8:
            self.rows.add(
                ItemVerdict(
                    item_id=item_id,
                    verdict=rng.choice(ItemVerdict.Verdict.values),
                    rationale="The chair's conclusion on the evidence presented.",
                    recorded_by_id=area.scrutiny_id,
                    created_at=starts_at,
                    updated_at=starts_at,
                )
            )
        if past and rng.random() < 0.4:
            owner = rng.choice(area.partner_ids)
            due = (starts_at + datetime.timedelta(days=rng.randint(30, 90))).date()
            closed = due < self.anchor - datetime.timedelta(days=30) and rng.random() < 0.75
            self.rows.add(
                MeetingAction(
                    meeting_id=meeting_id,
                    item_id=item_id,
                    owner_id=owner,
                    owner_user_id=rng.choice(area.leads[owner]),
                    description="Bring evidence of the difference made to the next meeting.",
                    due_on=due,
                    status="closed" if closed else "open",
                    closed_note="Evidence received and reviewed." if closed else "",
                    closed_at=(
                        datetime.datetime.combine(due, datetime.time(10), tzinfo=UTC)
                        if closed
                        else None
                    ),
                    created_at=starts_at,
                    updated_at=starts_at,
                )
            )
        return question_id

    # --- workforce ------------------------------------------------------------------------

    def workforce(self) -> str:
        """Staff and completions for the first area's force, built by bench/workforce.py.

        The workforce issue owns that script; this reuses it rather than a copy. A public
        `generate()` there is called with the arguments it accepts; until one exists, its
        seeded file builder feeds the workforce import service, as its own benchmark does.
        """
        path = Path(__file__).resolve().parent / "workforce.py"
        if not path.exists():
            return "skipped: bench/workforce.py is not there yet (workforce issue #4)"
        spec = importlib.util.spec_from_file_location("bench_workforce", path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        # Looked up by name, so this also works on a data set generated earlier.
        force = Organisation.objects.get(name=PARTNERS[0][1].format(area=AREAS[0]))
        lead = User.objects.get(email=f"lead.officer.1@{slug(force.name)}.example.org")
        staff = WORKFORCE_STAFF[self.scale]
        generate = getattr(module, "generate", None)
        if generate is not None:
            offered = {"organisation": force, "force": force, "lead": lead, "actor": lead,
                       "staff": staff, "seed": self.seed, "scale": self.scale}  # fmt: skip
            accepted = inspect.signature(generate).parameters
            return str(generate(**{k: v for k, v in offered.items() if k in accepted}))
        return self.workforce_import(module, force, lead, staff)

    def workforce_import(self, module: Any, force: Organisation, lead: User, staff: int) -> str:
        from answerable.workforce import services
        from answerable.workforce.importing import guess_mapping
        from answerable.workforce.tables import StoredTable

        for code in module.COURSES:
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
            )
        roster_bytes, completion_bytes = module._files(staff, self.seed)
        roster = StoredTable(content=roster_bytes, kind="csv", name="roster.csv")
        completions = StoredTable(content=completion_bytes, kind="csv", name="completions.csv")
        snapshot = services.snapshot_import(
            actor=lead,
            organisation=force,
            taken_on=module.TAKEN_ON,
            roster=roster,
            completions=completions,
            roster_sha256=hashlib.sha256(roster_bytes).hexdigest(),
            completions_sha256=hashlib.sha256(completion_bytes).hexdigest(),
            mapping={
                "roster": guess_mapping(roster.headers(), "roster"),
                "completions": guess_mapping(completions.headers(), "completions"),
            },
        )
        self.counts["workforce.StaffRecord"] = snapshot.staff_count
        self.counts["workforce.Completion"] = snapshot.completion_count
        return (
            f"{snapshot.staff_count:,} staff and {snapshot.completion_count:,} completions "
            f"for {force.name}, through the import service (bench/workforce.py's files)"
        )

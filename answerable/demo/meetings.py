"""Demo meetings: West Mercia's real holding-to-account meetings, recorded through the services.

The structures (titles, dates, chairs, attendees, agenda items, questions, responses, actions
arising and outcomes) come from `data/west_mercia_accountability_meetings.json`, which
summarises public pages. Interpretation added here, and only here:
- a meeting's time defaults to 10:00 and its venue to "Venue not recorded" when not published;
- an item is linked to the demo register's recommendations by the report it names (IITCSE:
  the Telford inquiry's recommendations with a West Mercia Police action; the Victim Service
  Assessment revisit: that source's items);
- "reassured (narrative; no formal scale)" is recorded as the verdict "assured";
- papers named in the data are tabled as placeholder Word files (the real papers are not public);
- the victim case study the PCC tabled is recorded as a sensitive item, so it is never published;
- one upcoming meeting is illustrative, so the forward plan and the action review have content.

Safe to run twice: a meeting is looked up by office and title, and only missing ones are made.
"""

import datetime
import hashlib
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from docx import Document

from answerable.accounts.models import User
from answerable.core.files import DOCX, CheckedFile
from answerable.meetings import services
from answerable.meetings.models import AccountabilityMeeting, AgendaItem
from answerable.organisations.models import Organisation
from answerable.publishing import services as publishing
from answerable.recommendations import selectors as register_selectors
from answerable.recommendations.models import Recommendation

DATA = Path(__file__).parent / "data" / "west_mercia_accountability_meetings.json"
GENERATED_ITEMS = ("review of action tracker", "outstanding matters")
FORCE_ROLES = re.compile(r"chief constable|chief superintendent|\bACC\b|\bDCC\b", re.IGNORECASE)
UPCOMING_TITLE = "Assurance & Accountability: embedding CSE training (illustrative)"


def load_meetings() -> list[dict[str, Any]]:
    return json.loads(DATA.read_text(encoding="utf-8"))["meetings"]


def _starts_at(meeting: dict[str, Any]) -> datetime.datetime:
    """The meeting's start: its last full date ("2016-09 (reported 2016-09-24)"), else month."""
    dates = re.findall(r"(\d{4})-(\d{2})-(\d{2})", meeting["date"])
    year, month, day = (
        (int(p) for p in dates[-1]) if dates else (*map(int, meeting["date"][:7].split("-")), 1)
    )
    hour, minute = (int(part) for part in meeting.get("time", "10:00").split(":"))
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))  # noqa: DTZ001 - made aware here


def _placeholder_paper(title: str) -> CheckedFile:
    document = Document()
    document.add_heading(title, level=1)
    document.add_paragraph(
        "Demo placeholder. The real paper was not published; this file stands in for it."
    )
    buffer = io.BytesIO()
    document.save(buffer)
    content = buffer.getvalue()
    return CheckedFile(
        name=f"{title[:60]}.docx",
        kind=DOCX,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


class _Seeder:
    def __init__(
        self,
        *,
        office: Organisation,
        scrutiny_officer: User,
        force: Organisation | None,
        force_lead: User | None,
    ) -> None:
        self.office = office
        self.actor = scrutiny_officer
        self.force = force
        self.force_lead = force_lead
        visible = register_selectors.recommendation_list(user=scrutiny_officer).filter(
            source__owner=office
        )
        telford = visible.filter(source__title__icontains="Telford")
        if force is not None:
            telford = telford.filter(actions__owner=force).distinct()
        self.links: dict[str, QuerySet[Recommendation]] = {
            "iitcse": telford,
            "victim service assessment": visible.filter(
                source__title__icontains="victim service assessment"
            ),
        }

    def _recommendations(self, *texts: str) -> list[Recommendation]:
        text = " ".join(texts).lower()
        found: list[Recommendation] = []
        for key, queryset in self.links.items():
            if key in text:
                found += list(queryset.order_by("position", "id"))
        return found

    def _organisation_for(self, role: str) -> Organisation | None:
        if FORCE_ROLES.search(role):
            return self.force
        return self.office

    def meeting(self, data: dict[str, Any]) -> AccountabilityMeeting:
        meeting = services.meeting_create(
            actor=self.actor,
            office=self.office,
            title=data["title"],
            kind=AccountabilityMeeting.Kind.HOLDING_TO_ACCOUNT,
            starts_at=_starts_at(data),
            venue=data.get("venue", "Venue not recorded"),
            chair_name=data["chair"],
            is_public=True,
        )
        people = list(data.get("attendees_roles", []))
        if data.get("held_to_account"):
            people = ["Police and Crime Commissioner", data["held_to_account"]]
        for person in people:
            services.attendee_add(
                actor=self.actor,
                meeting=meeting,
                name=person,
                organisation=self._organisation_for(person),
            )
        return meeting

    def item(
        self, meeting: AccountabilityMeeting, title: str, *, links: str = "", **fields: Any
    ) -> AgendaItem:
        return services.agenda_item_add(
            actor=self.actor,
            meeting=meeting,
            title=title,
            recommendations=self._recommendations(title, links),
            **fields,
        )

    def question(self, item: AgendaItem, text: str) -> None:
        response = None
        found = re.match(r"^(.*?)\s*\(response:\s*(.*)\)\s*$", text)
        if found:
            text, response = found[1], found[2]
        question = services.question_add(
            actor=self.actor, item=item, text=text, asked_by="PCC", addressed_to=self.force
        )
        if response:
            services.response_record(
                actor=self.actor,
                question=question,
                text=response[0].upper() + response[1:],
                given_by_name="Chief Constable",
                given_by_organisation=self.force,
            )

    def record(self, data: dict[str, Any]) -> AccountabilityMeeting:
        meeting = self.meeting(data)
        main: AgendaItem | None = None
        for entry in data.get("agenda", []):
            if entry["item"].lower().startswith(GENERATED_ITEMS):
                continue
            item = self.item(
                meeting,
                entry["item"],
                links=data.get("linked_recommendations", "")
                + " ".join(str(v) for v in entry.values()),
                theme=(entry.get("themes") or [""])[0],
                description=entry.get("outcome", ""),
            )
            main = main or item
            for text in entry.get("questions", []):
                self.question(item, text)
        if main is None:
            parts = [
                data.get("purpose", ""),
                data.get("lived_experience_input", ""),
                f"Recording: {data['recording']}" if data.get("recording") else "",
                f"Outcome as reported: {data['outcome_summary']}"
                if data.get("outcome_summary")
                else "",
            ]
            main = self.item(
                meeting,
                "Child sexual exploitation"
                if data.get("questions_topics")
                else "Progress against each recommendation",
                links=data.get("linked_recommendations", "") + data["title"],
                theme="Child sexual exploitation",
                description=" ".join(f"{p.rstrip('.')}." for p in parts if p),
            )
        for text in data.get("questions_topics", []) + data.get("questions_examples", []):
            self.question(main, text)
        for title in data.get("pre_meeting_papers", []):
            services.paper_upload(
                actor=self.force_lead if self.force_lead and self.force else self.actor,
                item=main,
                title=title,
                file=_placeholder_paper(title),
            )
        for text in data.get("evidence_tabled_by_pcc", []):
            self.item(
                meeting,
                "Victim case study tabled by the PCC",
                description=text,
                is_sensitive=True,
            )
        verdict = data.get("assurance_verdict") or ""
        if verdict.lower().startswith("reassured"):
            points = data.get("published_outcome_points", [])
            services.item_verdict_record(
                expected_version=0,
                actor=self.actor,
                item=main,
                verdict="assured",
                rationale=f"Recorded as '{verdict}'. " + "; ".join(points),
            )
        for action in data.get("actions_arising", []):
            owner = self.office if action["owner"] == "PCC" else (self.force or self.office)
            services.meeting_action_raise(
                actor=self.actor,
                meeting=meeting,
                item=main,
                owner=owner,
                owner_name=action["owner"],
                description=action["action"],
            )
        return services.meeting_status_change(actor=self.actor, meeting=meeting, status="held")

    def upcoming(self, today: datetime.date) -> AccountabilityMeeting:
        starts = timezone.make_aware(
            datetime.datetime.combine(today + datetime.timedelta(days=21), datetime.time(10))
        )
        meeting = services.meeting_create(
            actor=self.actor,
            office=self.office,
            title=UPCOMING_TITLE,
            kind=AccountabilityMeeting.Kind.HOLDING_TO_ACCOUNT,
            starts_at=starts,
            venue="West Mercia Police HQ",
            chair_name="Police and Crime Commissioner",
            is_public=True,
        )
        services.attendee_add(
            actor=self.actor,
            meeting=meeting,
            name="Chief Constable",
            organisation=self.force,
        )
        item = self.item(
            meeting,
            "IITCSE: training across the whole workforce",
            links="IITCSE",
            theme="Training",
            description="Follow-up to March 2023: embedding CSE training for longer-serving "
            "officers (illustrative item).",
        )
        services.question_add(
            actor=self.actor,
            item=item,
            text="What share of longer-serving officers have completed CSE training?",
            asked_by="PCC",
            addressed_to=self.force,
        )
        return meeting


@transaction.atomic
def seed_meetings(
    *,
    office: Organisation,
    scrutiny_officer: User,
    force: Organisation | None = None,
    force_lead: User | None = None,
    today: datetime.date | None = None,
    publish: bool = True,
    before_publishing: Callable[[], object] | None = None,
) -> int:
    """Record the demo meetings that are missing; return how many were made.

    Every held meeting but the latest gets a published summary, so the public pages have
    content and one summary is left for a newcomer to review and publish.
    `before_publishing` adds what the summaries should carry, such as indicators' figures.
    """
    today = today or timezone.localdate()
    seeder = _Seeder(
        office=office, scrutiny_officer=scrutiny_officer, force=force, force_lead=force_lead
    )
    existing = set(
        AccountabilityMeeting.objects.filter(office=office).values_list("title", flat=True)
    )
    made: list[AccountabilityMeeting] = []
    for data in sorted(load_meetings(), key=_starts_at):
        if data["title"] not in existing:
            made.append(seeder.record(data))
    if UPCOMING_TITLE not in existing:
        made.append(seeder.upcoming(today))
    if before_publishing is not None:
        before_publishing()
    if publish:
        held = [m for m in made if m.status == AccountabilityMeeting.Status.HELD]
        for meeting in held[:-1]:
            publication = publishing.publication_draft(actor=scrutiny_officer, meeting=meeting)
            publishing.publication_submit(actor=scrutiny_officer, publication=publication)
            publishing.publication_publish(
                actor=scrutiny_officer,
                publication=publication,
                reviewed_digest=publication.content_digest,
            )
    return len(made)

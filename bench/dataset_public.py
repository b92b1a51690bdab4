"""The benchmark's public site (issue #14): some sources published, with approved public text,
published evidence and meeting summaries, written in bulk like the rest of the data set.

Imported by generate.py once the register and meetings are in. The rows keep the services'
rules: only OFFICIAL evidence is published, and only with an update whose public text the
office approved; a meeting summary names only recommendations of published sources (it is
built by the publishing selector that builds real ones); an assessment names the meeting whose
verdict it was recorded from only where that item considered the recommendation and gave a
verdict an assessment can carry.
"""

import datetime
import random
from typing import TYPE_CHECKING

from django.db.models import Max
from django.urls import reverse

from answerable.meetings.models import AccountabilityMeeting, AgendaItem, ItemVerdict
from answerable.meetings.selectors import VERDICT_TO_ASSESSMENT
from answerable.publishing.documents import summary_html
from answerable.publishing.models import Publication
from answerable.publishing.selectors import summary_content
from answerable.recommendations.models import (
    Action,
    Assessment,
    Evidence,
    PublicNarrative,
    Source,
    Update,
)

if TYPE_CHECKING:
    from dataset import Dataset

# The first source is the large inquiry (dataset.BIG_SOURCE_RECOMMENDATIONS): always published.
BIG_SOURCE_ID = 1
PUBLIC_SHARE = 0.1  # of the other sources
NARRATED_SHARE = 0.6  # of a published source's actions with updates, some approved text
EVIDENCE_SHARE = 0.15  # of approved texts, a published link to evidence alongside


def publish(data: "Dataset") -> None:
    """Publish about one source in ten (and the large inquiry), with approved public text on
    their actions' latest updates, published evidence, verdict links and meeting summaries."""
    rng = random.Random(data.seed + 20)
    scrutiny = {area.office_id: area.scrutiny_id for area in data.areas}
    latest = data.anchor_at - datetime.timedelta(minutes=1)
    published = []
    for source_id, created in Source.objects.order_by("id").values_list("id", "created_at"):
        if source_id == BIG_SOURCE_ID or rng.random() < PUBLIC_SHARE:
            since = min(created + datetime.timedelta(days=rng.randint(30, 120)), latest)
            published.append(Source(id=source_id, public_since=since))
    Source.objects.bulk_update(published, ["public_since"], batch_size=1000)
    public_ids = [source.id for source in published]
    data.counts["sources published"] = len(public_ids)
    narrated = narratives(data, rng, public_ids, scrutiny, latest)
    evidence(data, rng, narrated, latest)
    verdict_links(data, public_ids)
    summaries(data, scrutiny)


def narratives(
    data: "Dataset",
    rng: random.Random,
    public_ids: list[int],
    scrutiny: dict[int, int],
    latest: datetime.datetime,
) -> list[tuple[int, int, int, datetime.datetime]]:
    """Public text on the last one to three updates of most actions under published sources:
    approved mostly, some still proposed or rejected. Returns the approved ones' updates as
    (update id, action id, author id, approved at)."""
    actions = dict(
        Action.objects.filter(source_id__in=public_ids).values_list("id", "source__owner_id")
    )
    updates: dict[int, list[tuple[int, int, str, datetime.datetime]]] = {}
    for row in (
        Update.objects.filter(action_id__in=list(actions))
        .order_by("action_id", "-id")
        .values_list("action_id", "id", "author_id", "narrative", "created_at")
    ):
        updates.setdefault(row[0], []).append(row[1:])
    approved = []
    for action_id, rows in updates.items():
        if rng.random() >= NARRATED_SHARE:
            continue
        for update_id, author_id, narrative, at in rows[: rng.randint(1, 3)]:
            reviewed = min(at + datetime.timedelta(days=rng.uniform(0.5, 5)), latest)
            roll = rng.random()
            status = (
                PublicNarrative.Status.APPROVED
                if roll < 0.85
                else PublicNarrative.Status.PROPOSED
                if roll < 0.95
                else PublicNarrative.Status.REJECTED
            )
            is_proposed = status == PublicNarrative.Status.PROPOSED
            data.rows.add(
                PublicNarrative(
                    update_id=update_id,
                    text=f"Progress published for the public: {narrative}",
                    status=status,
                    proposed_by_id=author_id,
                    reviewed_by_id=None if is_proposed else scrutiny[actions[action_id]],
                    reviewed_at=None if is_proposed else reviewed,
                    rejection_reason=(
                        "Names an individual officer."
                        if status == PublicNarrative.Status.REJECTED
                        else ""
                    ),
                    created_at=at,
                    updated_at=at if is_proposed else reviewed,
                )
            )
            if status == PublicNarrative.Status.APPROVED:
                approved.append((update_id, action_id, author_id, reviewed))
    data.rows.flush()
    return approved


def evidence(
    data: "Dataset",
    rng: random.Random,
    approved: list[tuple[int, int, int, datetime.datetime]],
    latest: datetime.datetime,
) -> None:
    """Publish the OFFICIAL evidence that came with approved text, and add a published link
    beside some more approved texts."""
    update_ids = [update_id for update_id, *_rest in approved]
    marked = Evidence.objects.filter(
        update_id__in=update_ids, marking=Evidence.Marking.OFFICIAL
    ).update(is_published=True)
    added = 0
    for update_id, action_id, author_id, at in approved:
        if rng.random() < EVIDENCE_SHARE:
            added += 1
            data.rows.add(
                Evidence(
                    action_id=action_id,
                    update_id=update_id,
                    title=f"Published evidence for update {update_id}",
                    link=f"https://example.org/published-evidence/{update_id}",
                    marking=Evidence.Marking.OFFICIAL,
                    is_published=True,
                    uploaded_by_id=author_id,
                    created_at=min(at, latest),
                    updated_at=min(at, latest),
                )
            )
    data.rows.flush()
    data.counts["evidence published"] = marked + added


def verdict_links(data: "Dataset", public_ids: list[int]) -> None:
    """Each published recommendation's latest assessment, recorded from the verdict of the
    latest item that considered it and gave a verdict an assessment carries."""
    latest_assessment = dict(
        Assessment.objects.filter(recommendation__source_id__in=public_ids)
        .values("recommendation_id")
        .annotate(last=Max("id"))
        .values_list("recommendation_id", "last")
    )
    considered = (
        AgendaItem.recommendations.through.objects.filter(
            recommendation_id__in=list(latest_assessment),
            agendaitem__is_sensitive=False,
            agendaitem__verdict__verdict__in=list(VERDICT_TO_ASSESSMENT),
        )
        .order_by("recommendation_id", "-agendaitem__meeting__starts_at")
        .values_list("recommendation_id", "agendaitem__verdict__id")
    )
    linked: dict[int, int] = {}
    for recommendation_id, verdict_id in considered:
        linked.setdefault(recommendation_id, verdict_id)
    for recommendation_id, verdict_id in linked.items():
        data.rows.add(
            ItemVerdict.recorded_as.through(
                itemverdict_id=verdict_id, assessment_id=latest_assessment[recommendation_id]
            )
        )
    data.rows.flush()


def summaries(data: "Dataset", scrutiny: dict[int, int]) -> None:
    """A published summary of every meeting marked so, built as publishing builds one."""
    meetings = AccountabilityMeeting.objects.filter(
        status=AccountabilityMeeting.Status.SUMMARY_PUBLISHED
    ).order_by("id")
    for number, meeting in enumerate(meetings.iterator(chunk_size=200), start=1):
        content = summary_content(meeting=meeting)
        at = min(meeting.starts_at + datetime.timedelta(days=7), data.anchor_at)
        data.rows.add(
            Publication(
                id=number,
                meeting_id=meeting.pk,
                status=Publication.Status.PUBLISHED,
                title=f"Summary: {meeting}",
                content=content,
                html=summary_html(
                    content=content,
                    paper_url=lambda paper_id, pk=number: reverse(
                        "publishing:summary_paper", args=[pk, paper_id]
                    ),
                ),
                drafted_by_id=scrutiny[meeting.office_id],
                published_by_id=scrutiny[meeting.office_id],
                published_at=at,
                created_at=at,
                updated_at=at,
            )
        )
        if number % 200 == 0:
            data.rows.flush()
    data.rows.flush()

"""The publication matrix (issue #14): for random mixes of publication states, no public output
(pages, downloads, API, feeds, evidence files) ever shows what was not deliberately published,
and published evidence with approved text does show.

Every piece of text the generator writes carries a marker word saying whether it may be public.
Each example is built through the services inside a savepoint that is rolled back afterwards,
so examples do not see each other's rows.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from answerable.meetings import services as meeting_services
from answerable.meetings.models import AccountabilityMeeting
from answerable.meetings.tests.conftest import checked_pdf
from answerable.publishing import services as publishing_services
from answerable.recommendations import services
from answerable.recommendations.models import Evidence, Source

NARRATIVE_STATES = ("none", "proposed", "approved", "rejected")
EVIDENCE_STATES = ("none", "official_published", "official_unpublished", "sensitive")
SOURCE_STATES = ("published", "unpublished", "withdrawn")

recommendation_specs = st.fixed_dictionaries(
    {
        "is_archived": st.booleans(),
        "narrative": st.sampled_from(NARRATIVE_STATES),
        "evidence": st.sampled_from(EVIDENCE_STATES),
        "status_move": st.booleans(),
    }
)
source_specs = st.fixed_dictionaries(
    {
        "state": st.sampled_from(SOURCE_STATES),
        "recommendations": st.lists(recommendation_specs, min_size=1, max_size=2),
    }
)
item_specs = st.fixed_dictionaries(
    {"is_sensitive": st.booleans(), "considers": st.lists(st.integers(0, 5), max_size=2)}
)
matrices = st.fixed_dictionaries(
    {
        "sources": st.lists(source_specs, min_size=1, max_size=3),
        "items": st.lists(item_specs, min_size=1, max_size=2),
        "summary_published": st.booleans(),
    }
)


@dataclass
class Built:
    """What one example made: marker words that must never be public, and where to look."""

    forbidden: set[str] = field(default_factory=set)
    must_show: dict[str, str] = field(default_factory=dict)  # marker -> public page
    paths: list[str] = field(default_factory=list)
    # A published summary's own reviewed snapshot names the reports its items considered.
    summary_names: set[str] = field(default_factory=set)
    summary_path: str = ""


def build(spec: dict, *, office, force, scrutiny_officer, force_lead) -> Built:  # noqa: C901
    built = Built()
    recommendations = []
    for s, source_spec in enumerate(spec["sources"]):
        public_source = source_spec["state"] == "published"
        title = f"{'OPENSRC' if public_source else 'HIDDENSRC'}{s}Q"
        source = services.source_create(
            actor=scrutiny_officer,
            owner=office,
            title=title,
            kind=Source.Kind.INSPECTION,
            publisher="HMICFRS",
        )
        if not public_source:
            built.forbidden.add(title)
        for r, rec_spec in enumerate(source_spec["recommendations"]):
            visible = public_source and not rec_spec["is_archived"]
            word = "OPENREC" if visible else "HIDDENREC"
            recommendation = services.recommendation_create(
                actor=scrutiny_officer,
                source=source,
                reference=f"{word}{s}X{r}",
                text=f"{word}{s}T{r} matrixword about exploitation.",
            )
            if not visible:
                built.forbidden |= {recommendation.reference, recommendation.text.split()[0]}
            action = services.action_create(
                actor=scrutiny_officer,
                recommendation=recommendation,
                owner=force,
                description=f"INTERNALACT{s}X{r}",
            )
            built.forbidden.add(action.description)
            narrative_state = rec_spec["narrative"]
            # Evidence is public only when published, OFFICIAL, with approved text, on a
            # recommendation the public sees; half of it is a file, half a link.
            evidence = []
            evidence_words = {f"EVIDENCE{s}X{r}", f"EVIDENCELINK{s}X{r}", f"EVIDENCEFILE{s}X{r}"}
            evidence_public = (
                rec_spec["evidence"] == "official_published"
                and narrative_state == "approved"
                and visible
            )
            if rec_spec["evidence"] != "none":
                sensitive = rec_spec["evidence"] == "sensitive"
                as_file = (s + r) % 2 == 0
                evidence.append(
                    services.EvidenceInput(
                        title=f"EVIDENCE{s}X{r}",
                        marking=(
                            Evidence.Marking.OFFICIAL_SENSITIVE
                            if sensitive
                            else Evidence.Marking.OFFICIAL
                        ),
                        is_published=rec_spec["evidence"] == "official_published",
                        link="" if as_file else f"https://example.org/EVIDENCELINK{s}X{r}",
                        file=checked_pdf(content=f"%PDF-1.4 EVIDENCEFILE{s}X{r}".encode())
                        if as_file
                        else None,
                    )
                )
                if not evidence_public:
                    built.forbidden |= evidence_words
            public_word = (
                "APPROVEDTEXT" if narrative_state == "approved" and visible else "UNAPPROVED"
            )
            update = services.update_post(
                actor=force_lead,
                action=action,
                narrative=f"INTERNALUPDATE{s}X{r}",
                status="off_track" if rec_spec["status_move"] else None,
                evidence=evidence,
                public_narrative=(
                    f"{public_word}{s}X{r} progress" if narrative_state != "none" else ""
                ),
            )
            built.forbidden.add(f"INTERNALUPDATE{s}X{r}")
            for stored in update.evidence.all():
                download = reverse("publishing:public_evidence", args=[stored.pk])
                built.paths.append(download)
                if evidence_public and stored.file:
                    built.must_show[f"EVIDENCEFILE{s}X{r}"] = download
            if narrative_state == "approved":
                services.public_narrative_approve(
                    actor=scrutiny_officer, narrative=update.public_narrative
                )
            elif narrative_state == "rejected":
                services.public_narrative_reject(
                    actor=scrutiny_officer,
                    narrative=update.public_narrative,
                    reason=f"REJECTREASON{s}X{r}",
                )
                built.forbidden.add(f"REJECTREASON{s}X{r}")
            if public_word == "UNAPPROVED" and narrative_state != "none":
                built.forbidden.add(f"UNAPPROVED{s}X{r}")
            services.assessment_record(
                actor=scrutiny_officer,
                recommendation=recommendation,
                verdict="partly_assured",
                rationale=f"RATIONALE{s}X{r}",
            )
            built.forbidden.add(f"RATIONALE{s}X{r}")
            if rec_spec["is_archived"]:
                recommendation = services.recommendation_archive(
                    actor=scrutiny_officer, recommendation=recommendation, reason="Duplicate"
                )
            recommendations.append(recommendation)
            path = reverse("publishing:public_recommendation", args=[recommendation.pk])
            built.paths.append(path)
            if public_word == "APPROVEDTEXT":
                built.must_show[f"APPROVEDTEXT{s}X{r}"] = path
            if evidence_public:
                built.must_show[f"EVIDENCE{s}X{r}"] = path
        if source_spec["state"] != "unpublished":
            services.source_publish(actor=scrutiny_officer, source=source)
        if source_spec["state"] == "withdrawn":
            services.source_withdraw(actor=scrutiny_officer, source=source, reason="In error")
        built.paths += [
            reverse("publishing:public_source", args=[source.pk]),
            reverse("publishing:public_source", args=[source.pk]) + "?delivery_status=off_track",
            reverse("publishing:public_source", args=[source.pk]) + "?overdue=no",
            reverse("publishing:public_source_history", args=[source.pk]),
            reverse("publishing:source_changes_feed", args=[source.pk]),
            *(
                reverse("publishing:public_source_data", args=[source.pk, kind])
                for kind in ("csv", "json", "xlsx")
            ),
        ]

    meeting = meeting_services.meeting_create(
        actor=scrutiny_officer,
        office=office,
        title="Holding to account",
        kind=AccountabilityMeeting.Kind.HOLDING_TO_ACCOUNT,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        venue="Hindlip Hall",
        chair_name="Police and Crime Commissioner",
        is_public=True,
    )
    for i, item_spec in enumerate(spec["items"]):
        live = [r for r in recommendations if not r.is_archived]  # only live ones are offered
        considered = list({live[n % len(live)] for n in item_spec["considers"]} if live else [])
        sensitive = item_spec["is_sensitive"]
        title = f"{'SENSITIVEITEM' if sensitive else 'ITEM'}{i}Z"
        meeting_services.agenda_item_add(
            actor=scrutiny_officer,
            meeting=meeting,
            title=title,
            is_sensitive=sensitive,
            recommendations=considered,
        )
        if sensitive or not spec["summary_published"]:
            built.forbidden.add(title)
        elif spec["summary_published"]:
            built.summary_names |= {r.reference for r in considered}
            built.summary_names |= {r.source.title for r in considered}
    meeting_services.meeting_status_change(actor=scrutiny_officer, meeting=meeting, status="held")
    publication = publishing_services.publication_draft(actor=scrutiny_officer, meeting=meeting)
    if spec["summary_published"]:
        publishing_services.publication_submit(actor=scrutiny_officer, publication=publication)
        publishing_services.publication_publish(
            actor=scrutiny_officer,
            publication=publication,
            reviewed_digest=publication.content_digest,
        )
    built.summary_path = reverse("publishing:summary_detail", args=[publication.pk])
    built.paths += [
        "/",
        reverse("publishing:public_search") + "?q=matrixword",
        reverse("publishing:changes_feed"),
        reverse("publishing:summary_list"),
        reverse("publishing:summaries_feed"),
        reverse("public_api:recommendations"),
        reverse("public_api:recommendations") + "?overdue=no",
        *(reverse("publishing:open_data", args=[kind]) for kind in ("csv", "json", "xlsx")),
    ]
    return built


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):  # an XLSX: the text of all its parts
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return " ".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    return body.decode("utf-8", "replace")


def leaks(text: str, forbidden: set[str]) -> set[str]:
    return {marker for marker in forbidden if marker in text}


def _rec(narrative: str, *, evidence: str = "official_published", is_archived: bool = False):  # type: ignore[no-untyped-def]
    return {
        "is_archived": is_archived,
        "narrative": narrative,
        "evidence": evidence,
        "status_move": True,
    }


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(spec=matrices)
# Every evidence state, whatever the draw: published evidence with approved text on a public
# report (a file and a link), and each way evidence stays internal.
@example(
    spec={
        "sources": [
            {"state": "published", "recommendations": [_rec("approved"), _rec("approved")]},
            {"state": "withdrawn", "recommendations": [_rec("approved")]},
        ],
        "items": [{"is_sensitive": False, "considers": [0]}],
        "summary_published": True,
    }
)
@example(
    spec={
        "sources": [
            {
                "state": "published",
                "recommendations": [
                    _rec("proposed"),
                    _rec("rejected"),
                    _rec("approved", evidence="official_unpublished"),
                    _rec("approved", evidence="sensitive"),
                    _rec("approved", is_archived=True),
                ],
            },
            {"state": "unpublished", "recommendations": [_rec("approved")]},
        ],
        "items": [{"is_sensitive": True, "considers": [0, 1]}],
        "summary_published": False,
    }
)
def test_no_public_output_shows_what_was_not_published(
    spec, office, force, scrutiny_officer, force_lead
):
    with transaction.atomic():
        cache.clear()  # the public API's rate limit counts in the cache
        built = build(
            spec, office=office, force=force, scrutiny_officer=scrutiny_officer,
            force_lead=force_lead,
        )  # fmt: skip
        client = Client()
        seen: dict[str, str] = {}
        for path in built.paths:
            response = client.get(path)
            assert response.status_code in (200, 404), (path, response.status_code)
            seen[path] = text_of(response) if response.status_code == 200 else ""
            assert not leaks(seen[path], built.forbidden), path
        summary = client.get(built.summary_path)
        if spec["summary_published"]:
            assert summary.status_code == 200
            # A summary names only reports public when it was drafted, but a published
            # minute is not redrawn: a report withdrawn since stays named in it.
            assert not leaks(text_of(summary), built.forbidden - built.summary_names)
        else:
            assert summary.status_code == 404
        for marker, path in built.must_show.items():
            assert marker in seen[path], (marker, path)
        transaction.set_rollback(True)

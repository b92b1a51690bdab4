"""The public recommendation page (issue #14): published evidence with its approved update,
every change of target date with its reason, the assurance verdict with the meeting it was
given at, and a dated history; and the evidence downloads, which serve only that evidence."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from answerable.meetings import services as meeting_services
from answerable.meetings.tests.conftest import checked_pdf
from answerable.publishing import services as publishing_services
from answerable.recommendations import services
from answerable.recommendations.models import Evidence
from answerable.recommendations.tests.factories import ActionFactory

OFFICIAL = Evidence.Marking.OFFICIAL
SENSITIVE = Evidence.Marking.OFFICIAL_SENSITIVE


def public(path: str) -> tuple[int, str]:
    response = Client().get(path)
    return response.status_code, response.content.decode()


def page_of(recommendation) -> str:  # type: ignore[no-untyped-def]
    status, page = public(reverse("publishing:public_recommendation", args=[recommendation.pk]))
    assert status == 200
    return page


def post(lead, action, word: str, evidence: list, public_text: str = "") -> object:  # type: ignore[no-untyped-def]
    """An update with the given evidence and public text; `word` marks its internal text."""
    return services.update_post(
        actor=lead,
        action=action,
        narrative=f"Internal {word}",
        evidence=evidence,
        public_narrative=public_text,
    )


def link(title: str, *, marking: str = OFFICIAL, is_published: bool = True) -> object:
    return services.EvidenceInput(
        title=title,
        marking=marking,
        is_published=is_published,
        link=f"https://example.org/{title.replace(' ', '-')}",
    )


@pytest.fixture
def evidenced(source, recommendation, force_action, force_lead, scrutiny_officer):
    """The force's action with: an approved update carrying a published file, a published
    link and an unpublished link; a proposed update and a rejected one, each with a published
    link; and an update with OFFICIAL-SENSITIVE evidence and approved text."""
    approved = post(
        force_lead,
        force_action,
        "approved",
        [
            services.EvidenceInput(
                title="Training register",
                marking=OFFICIAL,
                is_published=True,
                file=checked_pdf(content=b"%PDF-1.4 training register"),
            ),
            link("Published policy"),
            link("Draft policy", is_published=False),
        ],
        "The force trained every frontline officer.",
    )
    services.public_narrative_approve(actor=scrutiny_officer, narrative=approved.public_narrative)
    post(force_lead, force_action, "proposed", [link("Awaiting review")], "Proposed text")
    rejected = post(force_lead, force_action, "rejected", [link("Rejected evidence")], "No")
    services.public_narrative_reject(
        actor=scrutiny_officer, narrative=rejected.public_narrative, reason="Names a victim"
    )
    sensitive = post(
        force_lead,
        force_action,
        "sensitive",
        [link("Intelligence summary", marking=SENSITIVE, is_published=False)],
        "Intelligence work continues.",
    )
    services.public_narrative_approve(actor=scrutiny_officer, narrative=sensitive.public_narrative)
    services.source_publish(actor=scrutiny_officer, source=source)
    return {evidence.title: evidence for evidence in Evidence.objects.all()}


def test_evidence_appears_only_when_published_with_approved_text(evidenced, recommendation):
    page = page_of(recommendation)
    shown = page.split('id="progress"', 1)[1]
    assert "Training register" in shown
    assert "(PDF, 26 Bytes)" in shown
    assert reverse("publishing:public_evidence", args=[evidenced["Training register"].pk]) in shown
    assert 'href="https://example.org/Published-policy" rel="noopener noreferrer"' in shown
    for hidden in ("Draft policy", "Awaiting review", "Rejected evidence", "Intelligence summary"):
        assert hidden not in page
    assert "Internal approved" not in page


def test_the_public_downloads_only_published_evidence_files(evidenced, scrutiny_officer, source):
    url = reverse("publishing:public_evidence", args=[evidenced["Training register"].pk])
    response = Client().get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 training register"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    for title in ("Published policy", "Draft policy", "Awaiting review", "Intelligence summary"):
        other = reverse("publishing:public_evidence", args=[evidenced[title].pk])
        assert Client().get(other).status_code == 404
    services.source_withdraw(actor=scrutiny_officer, source=source, reason="In error")
    assert Client().get(url).status_code == 404


def test_archived_actions_evidence_is_not_public(evidenced, force_action, scrutiny_officer):
    services.action_archive(actor=scrutiny_officer, action=force_action, reason="Duplicate")
    url = reverse("publishing:public_evidence", args=[evidenced["Training register"].pk])
    assert Client().get(url).status_code == 404


def test_every_change_of_target_date_shows_with_its_reason(
    source, recommendation, force_action, scrutiny_officer
):
    replanned = services.action_target_date_change(
        actor=scrutiny_officer,
        action=force_action,
        new_on=datetime.date(2030, 3, 31),
        reason="Waiting for the national guidance",
        expected_version=force_action.version,
    )
    services.action_target_date_change(
        actor=scrutiny_officer,
        action=replanned,
        new_on=datetime.date(2030, 9, 30),
        reason="The training contract was re-let",
        expected_version=replanned.version,
    )
    services.source_publish(actor=scrutiny_officer, source=source)
    page = page_of(recommendation)
    table = page.split('id="date-changes"', 1)[1].split("</table>", 1)[0]
    rows = table.split("</tr>")
    assert "31 March 2030" in rows[1]
    assert "Waiting for the national guidance" in rows[1]
    assert "31 March 2030" in rows[2]
    assert "30 September 2030" in rows[2]
    assert "The training contract was re-let" in rows[2]
    history = page.split('id="history"', 1)[1]
    assert "Target date moved from 31 March 2030 to 30 September 2030." in history
    assert "Reason: The training contract was re-let" in history


def test_the_assurance_verdict_names_the_meeting_and_links_its_published_summary(
    held_meeting, scrutiny_officer, source, recommendation
):
    item = held_meeting.items.get(title="Training for officers")
    meeting_services.item_verdict_assessments_confirm(
        actor=scrutiny_officer, item=item, recommendations=[recommendation]
    )
    services.source_publish(actor=scrutiny_officer, source=source)
    assurance = page_of(recommendation).split('id="assurance"', 1)[1].split("</p>", 1)[0]
    assert "Partly assured" in assurance
    assert "Holding to account: CSE" not in assurance  # the summary is not published yet
    publication = publish_summary(held_meeting, scrutiny_officer)
    assurance = page_of(recommendation).split('id="assurance"', 1)[1].split("</p>", 1)[0]
    summary = reverse("publishing:summary_detail", args=[publication.pk])
    assert f'href="{summary}#summary-item-2"' in assurance
    assert "Holding to account: CSE" in assurance
    assert "item 2: Training for officers" in assurance
    item.is_sensitive = True
    item.save(update_fields=["is_sensitive"])
    assert "Holding to account: CSE" not in page_of(recommendation).split('id="assurance"', 1)[1]


def publish_summary(meeting, actor):  # type: ignore[no-untyped-def]
    publication = publishing_services.publication_draft(actor=actor, meeting=meeting)
    publishing_services.publication_submit(actor=actor, publication=publication)
    return publishing_services.publication_publish(
        actor=actor, publication=publication, reviewed_digest=publication.content_digest
    )


def test_the_history_shows_what_changed_never_internal_text(evidenced, recommendation):
    history = page_of(recommendation).split('id="history"', 1)[1]
    assert "The force trained every frontline officer." in history
    assert "Intelligence work continues." in history
    assert "Proposed text" not in history
    assert "Internal" not in history


def test_the_page_costs_the_same_queries_for_few_or_many_actions(
    evidenced, recommendation, force_lead, scrutiny_officer, council, council_lead
):
    url = reverse("publishing:public_recommendation", args=[recommendation.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(url).status_code == 200
        return len(captured)

    few = count()
    for n in range(3):
        action = ActionFactory(recommendation=recommendation, owner=council)
        update = post(council_lead, action, f"more {n}", [link(f"More {n}")], f"Council {n}")
        services.public_narrative_approve(actor=scrutiny_officer, narrative=update.public_narrative)
        services.action_target_date_change(
            actor=scrutiny_officer,
            action=action,
            new_on=datetime.date(2031, 1, n + 1),
            reason="Re-planned",
            expected_version=action.version,
        )
    assert count() == few
    assert "More 2" in page_of(recommendation)


def test_the_api_lists_an_actions_published_evidence(evidenced, force_action):
    response = Client().get("/public/api/v1/recommendations/")
    [action] = [a for r in response.json()["results"] for a in r["actions"]]
    assert [e["title"] for e in action["published_evidence"]] == [
        "Training register",
        "Published policy",
    ]
    file_url = action["published_evidence"][0]["url"]
    assert file_url.endswith(
        reverse("publishing:public_evidence", args=[evidenced["Training register"].pk])
    )
    assert action["published_evidence"][1]["url"] == "https://example.org/Published-policy"

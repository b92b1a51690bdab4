"""Editing, archiving, restoring and superseding what the register holds, and recording a
source's statutory response (issue #17)."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.audit.testing import audited
from answerable.core.files import CheckedFile
from answerable.core.models import EditConflict
from answerable.core.testing import drawn_version, pdf_bytes, sign_in
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations import selectors, services
from answerable.recommendations.models import RecommendationLink, Source
from answerable.recommendations.tallies import tally_differences
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)
from answerable.recommendations.tests.test_detail_pages import timeline
from answerable.recommendations.tests.test_exporting import export

LONG_AGO = datetime.date(2020, 1, 31)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _statutory_table(page: str) -> str:
    table = re.search(r'<table class="govuk-table" id="statutory">.*?</table>', page, re.S)
    assert table
    return table[0]


def _dashboard(user):
    return selectors.dashboard_summary(user=user)


@pytest.fixture
def other_officer(db):
    other = OrganisationFactory(name="Another office", kind=Organisation.Kind.PCC_OFFICE)
    return member(other, Membership.Role.SCRUTINY_OFFICER)


# --- the source page's report link ---------------------------------------------------------


def test_the_source_page_shows_its_report_as_a_link_not_as_markup(client, office, scrutiny_officer):
    source = SourceFactory(owner=office, url="https://example.org/report?a=1&b=2")
    sign_in(client, scrutiny_officer)
    page = client.get(source.get_absolute_url()).content.decode()
    assert (
        '<a class="govuk-link" href="https://example.org/report?a=1&amp;b=2">'
        "https://example.org/report?a=1&amp;b=2</a>"
    ) in page
    assert "&lt;a class" not in page


# --- editing -------------------------------------------------------------------------------


def _source_edit(source: Source, **changes):
    fields = {
        "title": source.title,
        "kind": source.kind,
        "publisher": source.publisher,
        "published_on": source.published_on,
        "url": source.url,
        "deadline_rule": source.deadline_rule,
    }
    return fields | changes


def test_editing_a_source_records_the_change_and_reason_in_its_history(
    client, source, scrutiny_officer
):
    sign_in(client, scrutiny_officer)
    url = reverse("recommendations:source_update", args=[source.pk])
    form = client.get(url).content.decode()
    version = re.search(r'name="expected_version" value="(\d+)"', form)
    assert version
    response = client.post(
        url,
        {
            "title": "Corrected title",
            "kind": source.kind,
            "publisher": "HMICFRS",
            "published_on-day": "9",
            "published_on-month": "12",
            "published_on-year": "2023",
            "url": "",
            "deadline_rule": "s55",
            "reason": "Typo in the title",
            "expected_version": version[1],
        },
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.title, source.published_on, source.deadline_rule, source.version) == (
        "Corrected title",
        datetime.date(2023, 12, 9),
        "s55",
        2,
    )
    [event] = _events("source.updated")
    assert event.note == "Typo in the title"
    assert event.changes["title"][1] == "Corrected title"
    assert set(event.changes) == {"title", "published_on", "deadline_rule"}
    [entry, *_] = timeline(client, source.get_absolute_url())
    assert entry[0] == "Details changed: title, publication date, statutory deadline"
    assert entry[2] == "Typo in the title"


def test_an_edit_needs_a_reason_and_an_edit_from_an_old_page_is_refused(source, scrutiny_officer):
    with pytest.raises(ValidationError, match="Enter why"):
        services.source_update(
            actor=scrutiny_officer,
            source=source,
            expected_version=1,
            reason=" ",
            **_source_edit(source, title="New"),
        )
    services.source_update(
        actor=scrutiny_officer,
        source=source,
        expected_version=1,
        reason="First",
        **_source_edit(source, title="New"),
    )
    with pytest.raises(EditConflict):
        services.source_update(
            actor=scrutiny_officer,
            source=source,
            expected_version=1,
            reason="Second",
            **_source_edit(source, title="Newer"),
        )
    source.refresh_from_db()
    assert source.title == "New"
    assert len(_events("source.updated")) == 1


def test_editing_a_recommendation_shows_in_its_history_and_rereads_its_deadline(
    client, recommendation, scrutiny_officer
):
    sign_in(client, scrutiny_officer)
    url = reverse("recommendations:recommendation_update", args=[recommendation.pk])
    response = client.post(
        url,
        {
            "reference": "R1a",
            "text": "Train every officer by 31 March 2026.",
            "finding_type": "recommendation",
            "addressees": "",
            "themes": "Training, Vetting",
            "reason": "The report was corrected",
            "expected_version": "1",
        },
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.reference == "R1a"
    assert recommendation.deadline_on == datetime.date(2026, 3, 31)
    assert sorted(t.name for t in recommendation.themes.all()) == ["Training", "Vetting"]
    [event] = _events("recommendation.updated")
    assert event.changes["deadline_on"] == [None, "2026-03-31"]
    [entry, *_] = timeline(client, recommendation.get_absolute_url())
    assert entry[0] == "Details changed: reference, text, themes, deadline"
    assert entry[2] == "The report was corrected"


def test_a_recommendation_cannot_take_another_ones_reference(recommendation, scrutiny_officer):
    RecommendationFactory(source=recommendation.source, reference="R99")
    with pytest.raises(ValidationError, match="already has a recommendation r99"):
        services.recommendation_update(
            actor=scrutiny_officer,
            recommendation=recommendation,
            expected_version=1,
            reason="Renumbered",
            reference="r99",
            text=recommendation.text,
            finding_type=recommendation.finding_type,
            addressees="",
            themes=[],
        )


def test_partners_cannot_edit_and_other_offices_cannot_see(
    client, recommendation, force_action, force_lead, other_officer
):
    with pytest.raises(PermissionDenied):
        services.recommendation_update(
            actor=force_lead,
            recommendation=recommendation,
            expected_version=1,
            reason="x",
            reference="X",
            text="x",
            finding_type="recommendation",
            addressees="",
            themes=[],
        )
    with pytest.raises(PermissionDenied):
        services.source_archive(actor=other_officer, source=recommendation.source, reason="x")
    urls = [
        reverse("recommendations:recommendation_update", args=[recommendation.pk]),
        reverse("recommendations:recommendation_archive", args=[recommendation.pk]),
        reverse("recommendations:recommendation_supersede", args=[recommendation.pk]),
        reverse("recommendations:source_update", args=[recommendation.source_id]),
        reverse("recommendations:source_archive", args=[recommendation.source_id]),
        reverse("recommendations:source_response", args=[recommendation.source_id]),
        reverse("recommendations:action_archive", args=[force_action.pk]),
    ]
    sign_in(client, force_lead)
    assert {client.get(url).status_code for url in urls} == {403}
    other = sign_in(Client(), other_officer)
    assert {other.get(url).status_code for url in urls} == {404}


# --- archiving -----------------------------------------------------------------------------


def test_archiving_a_source_takes_it_and_everything_under_it_out_of_lists_and_counts(
    client, source, recommendation, scrutiny_officer, force, force_lead
):
    overdue = ActionFactory(recommendation=recommendation, owner=force, target_on=LONG_AGO)
    services.source_publish(actor=scrutiny_officer, source=source)
    before = _dashboard(scrutiny_officer)
    assert (before.overdue_count, sum(r["count"] for r in before.by_assurance)) == (1, 1)
    sign_in(client, scrutiny_officer)
    response = client.post(
        reverse("recommendations:source_archive", args=[source.pk]), {"reason": "Duplicate"}
    )
    assert response.status_code == 302
    assert tally_differences() == []
    after = _dashboard(scrutiny_officer)
    assert (after.overdue_count, after.by_assurance, after.by_status) == (0, [], [])
    for user in (scrutiny_officer, force_lead):
        assert list(selectors.source_list(user=user)) == []
        assert list(selectors.recommendation_list(user=user)) == []
        assert list(selectors.action_list(user=user)) == []
    assert export(client, "recommendation", "csv") == []
    assert export(client, "action", "csv") == []
    assert "0 recommendations" in client.get(reverse("recommendations:recommendation_list")).text
    # Still readable at their addresses, saying they are archived.
    for url in (source.get_absolute_url(), recommendation.get_absolute_url()):
        page = client.get(url).content.decode()
        assert 'id="archived-notice"' in page
    assert "Restore this source" in client.get(source.get_absolute_url()).text
    assert client.get(overdue.get_absolute_url()).status_code == 200
    # Off the public site, and not back on it when restored.
    public = reverse("publishing:public_source", args=[source.pk])
    assert Client().get(public).status_code == 404
    [event] = _events("source.archived")
    assert event.note == "Duplicate"
    assert event.changes["recommendations_archived"] == [0, 1]
    assert event.changes["actions_archived"] == [0, 1]

    client.post(reverse("recommendations:source_restore", args=[source.pk]), {"reason": ""})
    assert tally_differences() == []
    assert _dashboard(scrutiny_officer).overdue_count == 1
    assert [s.pk for s in selectors.source_list(user=scrutiny_officer)] == [source.pk]
    assert [r.pk for r in selectors.recommendation_list(user=force_lead)] == [recommendation.pk]
    assert Client().get(public).status_code == 404
    assert [e.action for e in AuditEvent.objects.filter(target_id=str(source.pk))][-2:] == [
        "source.archived",
        "source.restored",
    ]
    history = [entry[0] for entry in timeline(client, source.get_absolute_url())]
    assert history[:2] == ["Source restored", "Source archived"]


def test_restoring_a_source_leaves_what_was_archived_on_its_own_archived(
    source, scrutiny_officer, force
):
    kept, dropped = RecommendationFactory(source=source), RecommendationFactory(source=source)
    ActionFactory(recommendation=kept, owner=force)
    services.recommendation_archive(actor=scrutiny_officer, recommendation=dropped, reason="Dup")
    services.source_archive(actor=scrutiny_officer, source=source, reason="Old")
    services.source_restore(actor=scrutiny_officer, source=source)
    assert [r.pk for r in selectors.recommendation_list(user=scrutiny_officer)] == [kept.pk]
    assert tally_differences() == []


def test_archiving_a_recommendation_and_an_action_moves_their_counts_and_restores_them(
    client, recommendation, force_action, council_action, scrutiny_officer
):
    services.action_archive(actor=scrutiny_officer, action=council_action, reason="Wrong owner")
    assert audited("action.archived", target=council_action).note == "Wrong owner"
    assert tally_differences() == []
    assert [a.pk for a in selectors.action_list(user=scrutiny_officer)] == [force_action.pk]
    services.recommendation_archive(
        actor=scrutiny_officer, recommendation=recommendation, reason="Withdrawn by HMICFRS"
    )
    archived = audited("recommendation.archived", target=recommendation)
    assert archived.changes["actions_archived"] == [0, 1]
    assert tally_differences() == []
    assert list(selectors.action_list(user=scrutiny_officer)) == []
    assert _dashboard(scrutiny_officer).by_assurance == []
    sign_in(client, scrutiny_officer)
    source_page = client.get(recommendation.source.get_absolute_url()).text
    assert recommendation.reference not in source_page
    assert [s.recommendation_count for s in selectors.source_list(user=scrutiny_officer)] == [0]
    # The recommendation's own archiving brings back only the action archived with it.
    services.recommendation_restore(actor=scrutiny_officer, recommendation=recommendation)
    restored = audited("recommendation.restored", target=recommendation)
    assert restored.changes["actions_restored"] == [0, 1]
    assert [a.pk for a in selectors.action_list(user=scrutiny_officer)] == [force_action.pk]
    with pytest.raises(ValidationError, match="not archived"):
        services.action_restore(actor=scrutiny_officer, action=force_action)
    services.action_restore(actor=scrutiny_officer, action=council_action)
    assert audited("action.restored", target=council_action).actor == scrutiny_officer
    assert tally_differences() == []
    assert len(selectors.action_list(user=scrutiny_officer)) == 2
    titles = [entry[0] for entry in timeline(client, recommendation.get_absolute_url())]
    assert titles[:2] == ["Recommendation restored", "Recommendation archived"]
    titles = [entry[0] for entry in timeline(client, council_action.get_absolute_url())]
    assert titles[:2] == ["Action restored", "Action archived"]


def test_an_archived_action_cannot_be_updated_and_its_owner_cannot_archive(
    force_action, force_lead, scrutiny_officer
):
    with pytest.raises(PermissionDenied):
        services.action_archive(actor=force_lead, action=force_action, reason="Done elsewhere")
    services.action_archive(actor=scrutiny_officer, action=force_action, reason="Duplicate")
    with pytest.raises(ValidationError, match="archived"):
        services.update_post(actor=force_lead, action=force_action, narrative="More work")


# --- superseding ---------------------------------------------------------------------------


def test_superseding_shows_on_both_pages_and_exports_and_stops_the_clocks(
    client, source, scrutiny_officer, force, force_lead
):
    older = RecommendationFactory(source=source, reference="OLD-1")
    newer = RecommendationFactory(source=source, reference="NEW-1")
    late = ActionFactory(recommendation=older, owner=force, target_on=LONG_AGO)
    assert _dashboard(scrutiny_officer).overdue_count == 1
    sign_in(client, scrutiny_officer)
    response = client.post(
        reverse("recommendations:recommendation_supersede", args=[older.pk]),
        {"superseded_by": newer.pk, "reason": "Replaced by the 2025 inspection"},
    )
    assert response.status_code == 302
    older.refresh_from_db()
    late.refresh_from_db()
    assert (older.superseded_by, late.is_superseded, late.is_overdue) == (newer, True, False)
    assert tally_differences() == []
    summary = _dashboard(scrutiny_officer)
    assert (summary.overdue_count, summary.overdue) == (0, [])
    overdue = reverse("recommendations:action_list") + "?due=overdue"
    assert "0 actions" in client.get(overdue).text
    older_page = client.get(older.get_absolute_url()).content.decode()
    assert 'id="superseded-notice"' in older_page
    assert f'href="{newer.get_absolute_url()}">NEW-1</a>' in older_page
    newer_page = client.get(newer.get_absolute_url()).content.decode()
    assert f'Supersedes <a class="govuk-link" href="{older.get_absolute_url()}">OLD-1</a>' in (
        newer_page
    )
    assert timeline(client, older.get_absolute_url())[0][:1] == (
        "Superseded by a later recommendation",
    )
    assert timeline(client, newer.get_absolute_url())[0][2] == "Replaced by the 2025 inspection"
    rows = {row["reference"]: row for row in export(client, "recommendation", "csv")}
    assert rows["OLD-1"]["superseded_by"] == f"{source.title}, NEW-1"
    assert rows["NEW-1"]["superseded_by"] == ""
    [action_row] = export(client, "action", "csv")
    assert (action_row["is_overdue"], action_row["is_superseded"]) == ("No", "Yes")
    # It stays in the lists, marked superseded; no action can be added to it.
    list_page = client.get(reverse("recommendations:recommendation_list")).text
    assert "2 recommendations" in list_page
    assert "Superseded</strong>" in list_page
    with pytest.raises(ValidationError, match="superseded"):
        services.action_create(
            actor=scrutiny_officer, recommendation=older, owner=force, description="More"
        )
    # Publicly, too.
    services.source_publish(actor=scrutiny_officer, source=source)
    public = Client().get(reverse("publishing:public_recommendation", args=[older.pk])).text
    assert 'id="superseded"' in public
    assert reverse("publishing:public_recommendation", args=[newer.pk]) in public


def test_a_recommendation_cannot_be_superseded_twice_or_by_a_superseded_one(
    source, scrutiny_officer
):
    first, second, third = (RecommendationFactory(source=source) for _ in range(3))
    services.recommendation_supersede(
        actor=scrutiny_officer, recommendation=first, superseded_by=second, reason="Newer"
    )
    assert audited("recommendation.superseded", target=first).note == "Newer"
    assert audited("recommendation.supersedes", target=second).note == "Newer"
    with pytest.raises(ValidationError, match="already superseded"):
        services.recommendation_supersede(
            actor=scrutiny_officer, recommendation=first, superseded_by=third, reason="Newer"
        )
    with pytest.raises(ValidationError, match="itself superseded"):
        services.recommendation_supersede(
            actor=scrutiny_officer, recommendation=third, superseded_by=first, reason="Newer"
        )
    assert RecommendationLink.objects.filter(kind="supersedes").count() == 1


def test_a_supersedes_link_goes_through_superseding(recommendation, scrutiny_officer):
    other = RecommendationFactory(source=recommendation.source)
    with pytest.raises(ValidationError, match="Mark as superseded"):
        services.recommendation_link_create(
            actor=scrutiny_officer,
            from_recommendation=recommendation,
            to_recommendation=other,
            kind="supersedes",
        )


# --- the statutory response ----------------------------------------------------------------


def test_recording_the_statutory_response_stops_its_clock_and_keeps_the_comments(
    client, office, scrutiny_officer
):
    source = SourceFactory(owner=office, deadline_rule=Source.DeadlineRule.S55)
    assert _dashboard(scrutiny_officer).statutory_count == 1
    sign_in(client, scrutiny_officer)
    dashboard = reverse("recommendations:dashboard")
    assert source.title in _statutory_table(client.get(dashboard).text)
    upload = pdf_bytes()
    url = reverse("recommendations:source_response", args=[source.pk])
    response = client.post(
        url,
        {
            **drawn_version(client.get(url).content.decode()),
            "responded_on-day": "1",
            "responded_on-month": "2",
            "responded_on-year": "2024",
            "response_url": "https://pcc.example.org/s55-comments",
            "response_document": SimpleUploadedFile("comments.pdf", upload, "application/pdf"),
        },
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.responded_on == datetime.date(2024, 2, 1)
    assert source.response_document_sha256
    assert _dashboard(scrutiny_officer).statutory_count == 0
    assert source.title not in _statutory_table(client.get(dashboard).text)
    page = client.get(source.get_absolute_url()).content.decode()
    assert 'href="https://pcc.example.org/s55-comments"' in page
    document = reverse("recommendations:source_response_document", args=[source.pk])
    assert document in page
    assert b"".join(client.get(document).streaming_content) == upload
    [event] = _events("source.response_recorded")
    assert event.changes["responded_on"] == [None, "2024-02-01"]
    assert event.changes["response_document"] == [None, source.response_document_sha256]
    assert timeline(client, source.get_absolute_url())[0][0] == "Statutory response recorded"


def test_a_response_cannot_be_dated_in_the_future_nor_recorded_by_a_partner(
    source, scrutiny_officer, force_lead, force_action
):
    with pytest.raises(ValidationError, match="in the past"):
        services.source_response_record(
            actor=scrutiny_officer,
            source=source,
            responded_on=datetime.date(2999, 1, 1),
            expected_version=source.version,
        )
    with pytest.raises(PermissionDenied):
        services.source_response_record(
            actor=force_lead,
            source=source,
            responded_on=datetime.date(2024, 1, 1),
            response_document=CheckedFile(
                name="x.pdf", kind="pdf", content=pdf_bytes(), size=1, sha256="0" * 64
            ),
            expected_version=source.version,
        )
    assert not AuditEvent.objects.filter(action="source.response_recorded").exists()

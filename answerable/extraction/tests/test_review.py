"""The review of a report PDF's items: an office's scrutiny officers change, drop, split,
merge and add items, each change audited, then import them all or nothing, each new
recommendation recording the PDF and page it came from; another office cannot see them."""

import functools
import html
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.models import EditConflict
from answerable.core.testing import drawn_version, post_forms_without_csrf, sign_in, summary_rows
from answerable.extraction import selectors, services
from answerable.extraction.models import ExtractedItem, ExtractedReport, RecommendationOrigin
from answerable.extraction.reports import Extraction, report_extract
from answerable.extraction.tests.helpers import upload
from answerable.extraction.tests.layouts import layout
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations.importing import ImportInvalid
from answerable.recommendations.models import Recommendation, Source
from answerable.recommendations.tests.factories import RecommendationFactory, SourceFactory

FindingType = Recommendation.FindingType


@functools.cache
def _extraction() -> Extraction:
    return report_extract(upload(layout("hmicfrs").pdf, name="hmicfrs.pdf"))


@pytest.fixture
def report(scrutiny_officer, office) -> ExtractedReport:
    return services.extracted_report_create(
        actor=scrutiny_officer, office=office, extraction=_extraction()
    )


@pytest.fixture
def other_officer(db):
    other = OrganisationFactory(name="Another PCC office", kind=Organisation.Kind.PCC_OFFICE)
    return member(other, Membership.Role.SCRUTINY_OFFICER)


def _items(report: ExtractedReport) -> list[ExtractedItem]:
    return list(report.items.order_by("position"))


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_the_items_found_are_kept_for_review_with_the_pdfs_hash(report):
    items = _items(report)
    assert len(items) == 20
    assert [i.position for i in items] == list(range(1, 21))
    assert (items[0].reference, items[0].finding_type, items[0].page) == (
        "CoC 1",
        FindingType.CAUSE_OF_CONCERN,
        2,
    )
    assert report.file_sha256 == _extraction().file.sha256
    assert len(report.file_sha256) == 64
    [event] = _events("extracted_report.created")
    assert event.changes["items"] == [None, 20]


def test_an_item_shows_highlighted_within_its_page(report):
    first = _items(report)[0]
    excerpt = selectors.page_excerpt(report=report, item=first)
    assert excerpt is not None
    assert " ".join(excerpt.marked.split()).replace("- ", "").startswith(first.text[:40])
    assert excerpt.before or excerpt.after


def test_changing_an_item_is_audited(report, scrutiny_officer):
    item = _items(report)[1]
    services.extracted_item_change(
        actor=scrutiny_officer,
        item=item,
        reference="R1",
        finding_type=FindingType.RECOMMENDATION,
        text="Forces should do better.",
        owner="Some force",
        expected_version=item.version,
    )
    item.refresh_from_db()
    assert (item.reference, item.text, item.owner) == (
        "R1",
        "Forces should do better.",
        "Some force",
    )
    [event] = _events("extracted_item.changed")
    assert event.changes["reference"] == ["CoC 1 R1", "R1"]
    assert event.organisation == report.organisation


def test_another_office_cannot_change_an_item(report, other_officer):
    item = _items(report)[0]
    with pytest.raises(PermissionDenied):
        services.extracted_item_change(
            actor=other_officer,
            item=item,
            reference="X",
            finding_type="recommendation",
            text="X",
            expected_version=item.version,
        )
    item.refresh_from_db()
    assert item.reference == "CoC 1"
    assert not _events("extracted_item.changed")


def test_dropping_and_restoring_an_item_is_audited(report, scrutiny_officer):
    item = _items(report)[0]
    services.extracted_item_drop(actor=scrutiny_officer, item=item, is_dropped=True)
    item.refresh_from_db()
    assert item.is_dropped
    services.extracted_item_drop(actor=scrutiny_officer, item=item, is_dropped=False)
    item.refresh_from_db()
    assert not item.is_dropped
    assert len(_events("extracted_item.dropped")) == len(_events("extracted_item.restored")) == 1


def test_splitting_needs_one_marked_line_and_changes_nothing_without_it(report, scrutiny_officer):
    item = _items(report)[0]
    with pytest.raises(ValidationError):
        services.extracted_item_split(
            actor=scrutiny_officer, item=item, text=item.text, expected_version=item.version
        )
    assert len(_items(report)) == 20
    assert not _events("extracted_item.split")


def test_splitting_an_item_puts_the_second_part_after_it(report, scrutiny_officer):
    first, second_before = _items(report)[:2]
    services.extracted_item_split(
        actor=scrutiny_officer,
        item=first,
        text="First part.\r\n---\r\nSecond part.",
        expected_version=first.version,
    )
    items = _items(report)
    assert len(items) == 21
    assert [i.position for i in items] == list(range(1, 22))
    assert (items[0].text, items[1].text, items[1].page) == ("First part.", "Second part.", 2)
    assert items[1].reference == "CoC 1 (2)"
    assert items[2].pk == second_before.pk
    assert len(_events("extracted_item.split")) == 1


def test_merging_joins_the_next_item_and_removes_it(report, scrutiny_officer):
    first, second, third = _items(report)[:3]
    services.extracted_item_merge(actor=scrutiny_officer, item=first)
    items = _items(report)
    assert len(items) == 19
    assert items[0].text == f"{first.text}\n\n{second.text}"
    assert (items[1].pk, items[1].position) == (third.pk, 2)
    [event] = _events("extracted_item.merged")
    assert event.changes["merged_item"][0]["reference"] == second.reference


def test_the_last_item_has_nothing_to_merge_with(report, scrutiny_officer):
    with pytest.raises(ValidationError):
        services.extracted_item_merge(actor=scrutiny_officer, item=_items(report)[-1])
    assert len(_items(report)) == 20


def test_adding_an_item_puts_it_last(report, scrutiny_officer):
    item = services.extracted_item_add(
        actor=scrutiny_officer,
        report=report,
        reference="R99",
        finding_type=FindingType.RECOMMENDATION,
        text="A missed recommendation.",
        page=3,
    )
    assert item.position == 21
    assert len(_events("extracted_item.added")) == 1


def test_importing_creates_the_kept_items_with_their_origin(report, scrutiny_officer):
    items = _items(report)
    services.extracted_item_drop(actor=scrutiny_officer, item=items[0], is_dropped=True)
    result, recommendations = services.extracted_report_import(
        actor=scrutiny_officer, report=report, source="Child exploitation inspection"
    )
    assert result.recommendations_created == len(recommendations) == 19
    source = Source.objects.get(title="Child exploitation inspection")
    assert source.owner == report.organisation
    assert not source.recommendations.filter(reference="CoC 1").exists()
    origins = RecommendationOrigin.objects.filter(recommendation__source=source)
    assert origins.count() == 19
    origin = origins.get(recommendation__reference=items[1].reference)
    assert (origin.file_sha256, origin.file_name, origin.page) == (
        report.file_sha256,
        "hmicfrs.pdf",
        items[1].page,
    )
    assert origin.recommendation.text == items[1].text
    [event] = _events("extracted_report.imported")
    assert event.changes["sha256"] == [None, report.file_sha256]
    assert len(_events("import.completed")) == 1
    report.refresh_from_db()
    assert report.imported_at is not None
    with pytest.raises(ValidationError):
        services.extracted_item_drop(actor=scrutiny_officer, item=items[1], is_dropped=True)


def test_one_bad_item_imports_nothing_and_names_the_item(report, scrutiny_officer):
    item = _items(report)[4]
    services.extracted_item_change(
        actor=scrutiny_officer,
        item=item,
        reference=item.reference,
        finding_type=item.finding_type,
        text=item.text,
        owner="No such organisation at all",
        expected_version=item.version,
    )
    before = AuditEvent.objects.count()
    with pytest.raises(ImportInvalid) as raised:
        services.extracted_report_import(actor=scrutiny_officer, report=report, source="Report")
    assert [(e.row, e.field) for e in raised.value.row_errors] == [(5, "owner")]
    assert not Source.objects.exists()
    assert not Recommendation.objects.exists()
    assert not RecommendationOrigin.objects.exists()
    assert AuditEvent.objects.count() == before
    report.refresh_from_db()
    assert report.imported_at is None


def test_an_owner_the_register_knows_gets_an_action(report, scrutiny_officer, force):
    item = _items(report)[0]
    services.extracted_item_change(
        actor=scrutiny_officer,
        item=item,
        reference=item.reference,
        finding_type=item.finding_type,
        text=item.text,
        owner=force.name,
        expected_version=item.version,
    )
    _, recommendations = services.extracted_report_import(
        actor=scrutiny_officer, report=report, source="Report"
    )
    first = next(r for r in recommendations if r.reference == "CoC 1")
    assert [a.owner for a in first.actions.all()] == [force]


# The pages


def _url(name: str, report: ExtractedReport, item: ExtractedItem | None = None) -> str:
    args = [report.pk] if item is None else [report.pk, item.pk]
    return reverse(f"extraction:{name}", args=args)


@pytest.mark.parametrize("name", ["report_review", "item_add", "item_change", "item_split"])
def test_another_office_gets_not_found(client, report, other_officer, name):
    sign_in(client, other_officer)
    item = None if name in ("report_review", "item_add") else _items(report)[0]
    assert client.get(_url(name, report, item)).status_code == 404


@pytest.mark.parametrize("name", ["item_drop", "item_merge"])
def test_another_office_cannot_post_changes(client, report, other_officer, force_lead, name):
    for user in (other_officer, force_lead):
        sign_in(client, user)
        assert client.post(_url(name, report, _items(report)[0])).status_code == 404
    assert len(_items(report)) == 20
    assert not any(i.is_dropped for i in _items(report))


def test_the_review_page_shows_each_item_beside_its_page(client, report, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    page = client.get(_url("report_review", report)).content.decode()
    assert len(re.findall(r"<h1[ >]", page)) == 1
    assert "Review the items in hmicfrs.pdf" in page
    assert page.count("<mark>") == 20
    assert post_forms_without_csrf(page) == 0
    assert "Merge with the next item" in page
    assert "Add an item" in page


def test_a_change_with_errors_is_shown_and_saves_nothing(client, report, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    item = _items(report)[0]
    response = client.post(
        _url("item_change", report, item),
        {"reference": "", "finding_type": "x", "text": "", "expected_version": "1"},
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "<title>Error: Change item 1" in page
    assert "Enter the reference as published, like R3" in page
    assert "Enter the full text of the item" in page
    item.refresh_from_db()
    assert item.reference == "CoC 1"


def test_splitting_without_the_mark_is_an_error_on_the_page(client, report, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    item = _items(report)[0]
    response = client.post(
        _url("item_split", report, item), {"text": "No mark here", "expected_version": "1"}
    )
    assert "Put one line holding only --- where the item splits" in html.unescape(
        response.content.decode()
    )
    assert len(_items(report)) == 20


def test_importing_from_the_page_lists_the_recommendations(client, report, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    response = client.post(_url("report_review", report), {"source": "HMICFRS report"})
    assert response.status_code == 302
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "20 recommendations imported from hmicfrs.pdf" in page
    assert "Recommendations imported" in page
    origin = RecommendationOrigin.objects.first()
    assert f"/recurrence/recommendations/{origin.recommendation_id}/similar/" in page


def test_a_bad_item_is_named_on_the_review_page(client, report, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    item = _items(report)[2]
    item.owner = "Nobody we know"
    item.save()
    response = client.post(_url("report_review", report), {"source": "HMICFRS report"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "Item 3: " in page
    assert "Change the item's owner, or leave it blank" in page
    assert not Recommendation.objects.exists()


def test_importing_into_an_existing_source_gives_origins_to_the_new_ones_only(
    report, scrutiny_officer, office
):
    existing = RecommendationFactory(source=SourceFactory(owner=office, title="HMICFRS report"))
    _, recommendations = services.extracted_report_import(
        actor=scrutiny_officer, report=report, source="hmicfrs report"
    )
    assert len(recommendations) == 20
    assert {r.source_id for r in recommendations} == {existing.source_id}
    assert RecommendationOrigin.objects.count() == 20
    assert not RecommendationOrigin.objects.filter(recommendation=existing).exists()


# Two officers reviewing the same report (issue #11, Medium 4)


def test_a_change_drawn_before_another_is_refused_and_writes_nothing(report, scrutiny_officer):
    item = _items(report)[1]
    drawn = item.version  # both officers open the item
    change = {"actor": scrutiny_officer, "item": item, "finding_type": item.finding_type}
    services.extracted_item_change(**change, reference="R1", text=item.text, expected_version=drawn)
    with pytest.raises(EditConflict):
        services.extracted_item_change(
            **change, reference=item.reference, text="Their own text", expected_version=drawn
        )
    with pytest.raises(EditConflict):
        services.extracted_item_split(
            actor=scrutiny_officer, item=item, text="A\n---\nB", expected_version=drawn
        )
    item.refresh_from_db()
    assert (item.reference, item.text, item.version) == ("R1", _items(report)[1].text, 2)
    assert len(_items(report)) == 20
    assert len(_events("extracted_item.changed")) == 1


def test_a_second_officer_changing_an_item_is_shown_what_changed(client, report, scrutiny_officer):
    url = _url("item_change", report, _items(report)[0])
    colleague = sign_in(Client(), member(report.organisation, Membership.Role.SCRUTINY_OFFICER))
    sign_in(client, scrutiny_officer)
    first_page = colleague.get(url).content.decode()
    second_page = client.get(url).content.decode()
    item = _items(report)[0]
    fields = {"reference": item.reference, "finding_type": item.finding_type, "text": item.text}
    response = colleague.post(url, {**fields, "owner": "Shire Police", **drawn_version(first_page)})
    assert response.status_code == 302
    response = client.post(url, {**fields, "reference": "CoC 1a", **drawn_version(second_page)})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Someone else changed this item while you were editing it." in page
    assert summary_rows(page) == [("Action owner", "Shire Police")]
    item.refresh_from_db()
    assert (item.reference, item.owner) == ("CoC 1", "Shire Police")

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from answerable.audit.models import AuditEvent
from answerable.core.models import EditConflict
from answerable.meetings import services
from answerable.meetings.models import ItemVerdict
from answerable.meetings.selectors_verdicts import verdict_items_of_assessments
from answerable.recommendations.models import Assessment, AssuranceStatus
from answerable.recommendations.tests.factories import RecommendationFactory

Verdict = ItemVerdict.Verdict


def test_recording_a_verdict_again_replaces_it_and_the_audit_keeps_both(item, scrutiny_officer):
    services.item_verdict_record(
        expected_version=0,
        actor=scrutiny_officer,
        item=item,
        verdict=Verdict.NOT_ASSURED,
        rationale="Too few",
    )
    services.item_verdict_record(
        expected_version=1,
        actor=scrutiny_officer,
        item=item,
        verdict=Verdict.PARTLY_ASSURED,
        rationale="Plan seen",
    )
    assert ItemVerdict.objects.get(item=item).verdict == Verdict.PARTLY_ASSURED
    events = AuditEvent.objects.filter(action="item_verdict.recorded").order_by("id")
    assert [e.changes["verdict"] for e in events] == [
        [None, "not_assured"],
        ["not_assured", "partly_assured"],
    ]


def test_a_verdict_needs_a_rationale_and_nothing_is_written_without_it(item, scrutiny_officer):
    with pytest.raises(ValidationError) as error:
        services.item_verdict_record(
            expected_version=0,
            actor=scrutiny_officer,
            item=item,
            verdict=Verdict.ASSURED,
            rationale="",
        )
    assert "rationale" in error.value.message_dict
    assert not ItemVerdict.objects.exists()
    assert not AuditEvent.objects.filter(action="item_verdict.recorded").exists()


def test_a_lead_officer_cannot_record_a_verdict(item, force_lead):
    with pytest.raises(PermissionDenied):
        services.item_verdict_record(
            expected_version=0,
            actor=force_lead,
            item=item,
            verdict=Verdict.ASSURED,
            rationale="We did it",
        )
    assert not ItemVerdict.objects.exists()


def test_confirming_the_verdict_assesses_each_ticked_recommendation(
    item, scrutiny_officer, recommendation, source
):
    second = RecommendationFactory(source=source)
    item.recommendations.add(second)
    services.item_verdict_record(
        expected_version=0,
        actor=scrutiny_officer,
        item=item,
        verdict=Verdict.PARTLY_ASSURED,
        rationale="Plan seen",
    )
    [assessment] = services.item_verdict_assessments_confirm(
        actor=scrutiny_officer, item=item, recommendations=[recommendation]
    )
    assert assessment.verdict == Assessment.Verdict.PARTLY_ASSURED
    assert assessment.rationale.startswith("Plan seen")
    recommendation.refresh_from_db()
    second.refresh_from_db()
    assert recommendation.assurance_status == AssuranceStatus.PARTLY_ASSURED
    assert second.assurance_status == AssuranceStatus.NOT_ASSESSED
    assert AuditEvent.objects.filter(action="assessment.recorded").count() == 1
    [event] = AuditEvent.objects.filter(action="item_verdict.assessments_confirmed")
    assert event.changes["recommendations"] == [None, [recommendation.reference]]
    # The assessment names the meeting it came from, for the public recommendation page.
    assert verdict_items_of_assessments(assessment_ids=[assessment.pk]) == {
        assessment.pk: (item.pk, item.meeting_id)
    }


def test_further_information_required_is_not_offered_as_an_assessment(
    item, scrutiny_officer, recommendation
):
    services.item_verdict_record(
        expected_version=0,
        actor=scrutiny_officer,
        item=item,
        verdict=Verdict.FURTHER_INFORMATION,
        rationale="Send the training figures",
    )
    with pytest.raises(ValidationError):
        services.item_verdict_assessments_confirm(
            actor=scrutiny_officer, item=item, recommendations=[recommendation]
        )
    assert not Assessment.objects.exists()


def test_a_recommendation_not_linked_to_the_item_is_refused_and_nothing_is_written(
    item, scrutiny_officer, recommendation, source
):
    unlinked = RecommendationFactory(source=source)
    services.item_verdict_record(
        expected_version=0,
        actor=scrutiny_officer,
        item=item,
        verdict=Verdict.ASSURED,
        rationale="Seen",
    )
    with pytest.raises(ValidationError):
        services.item_verdict_assessments_confirm(
            actor=scrutiny_officer, item=item, recommendations=[recommendation, unlinked]
        )
    assert not Assessment.objects.exists()
    recommendation.refresh_from_db()
    assert recommendation.assurance_status == AssuranceStatus.NOT_ASSESSED
    assert not AuditEvent.objects.filter(action="item_verdict.assessments_confirmed").exists()


def test_without_a_verdict_nothing_is_offered(item, scrutiny_officer, recommendation):
    with pytest.raises(ValidationError):
        services.item_verdict_assessments_confirm(
            actor=scrutiny_officer, item=item, recommendations=[recommendation]
        )


def test_two_first_verdicts_from_pages_drawn_with_none_cannot_both_land(item, scrutiny_officer):
    """Before the first verdict the item has none (version 0): the second first verdict is
    refused rather than silently replacing the first."""
    services.item_verdict_record(
        expected_version=0,
        actor=scrutiny_officer,
        item=item,
        verdict=Verdict.NOT_ASSURED,
        rationale="Too few trained",
    )
    with pytest.raises(EditConflict):
        services.item_verdict_record(
            expected_version=0,
            actor=scrutiny_officer,
            item=item,
            verdict=Verdict.ASSURED,
            rationale="Looks fine",
        )
    record = ItemVerdict.objects.get(item=item)
    assert (record.verdict, record.rationale, record.version) == (
        "not_assured",
        "Too few trained",
        1,
    )
    assert AuditEvent.objects.filter(action="item_verdict.recorded").count() == 1

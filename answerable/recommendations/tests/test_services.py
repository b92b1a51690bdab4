import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from answerable.audit.models import AuditEvent
from answerable.audit.testing import audited
from answerable.core.files import CheckedFile
from answerable.core.models import EditConflict
from answerable.core.testing import pdf_bytes
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member
from answerable.recommendations import services
from answerable.recommendations.models import (
    Action,
    Assessment,
    AssuranceStatus,
    DeliveryStatus,
    Evidence,
    Recommendation,
    Source,
    TargetDateChange,
    Update,
)

PDF_BYTES = pdf_bytes()


def _pdf() -> CheckedFile:
    import hashlib

    return CheckedFile(
        name="plan.pdf",
        kind="pdf",
        size=len(PDF_BYTES),
        sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
        content=PDF_BYTES,
    )


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


# --- sources and recommendations -----------------------------------------------------------


def test_scrutiny_officer_adds_a_source_with_an_audit_event(office, scrutiny_officer):
    source = services.source_create(
        actor=scrutiny_officer,
        owner=office,
        title="PEEL 2025",
        kind=Source.Kind.INSPECTION,
        publisher="HMICFRS",
        published_on=datetime.date(2025, 3, 1),
        deadline_rule=Source.DeadlineRule.S55,
    )
    assert source.response_due_on == datetime.date(2025, 4, 26)
    [event] = _events("source.created")
    assert event.actor == scrutiny_officer
    assert event.changes["title"] == [None, "PEEL 2025"]


def test_a_lead_officer_cannot_add_a_source(office, force_lead):
    with pytest.raises(PermissionDenied):
        services.source_create(
            actor=force_lead, owner=office, title="X", kind=Source.Kind.REVIEW, publisher="Y"
        )
    assert not Source.objects.exists()
    assert not AuditEvent.objects.exists()


def test_iicsa_sources_are_due_a_response_within_six_months(source):
    source.deadline_rule = Source.DeadlineRule.IICSA
    source.published_on = datetime.date(2022, 10, 20)
    assert source.response_due_on == datetime.date(2023, 4, 20)


def test_a_deadline_in_the_text_becomes_the_recommendations_deadline(source, scrutiny_officer):
    recommendation = services.recommendation_create(
        actor=scrutiny_officer,
        source=source,
        reference="R1",
        text="By 31 December 2024, the Home Office should adopt the definition.",
        themes=["Definitions", "Intelligence"],
    )
    assert recommendation.deadline_on == datetime.date(2024, 12, 31)
    assert sorted(t.name for t in recommendation.themes.all()) == ["Definitions", "Intelligence"]
    [event] = _events("recommendation.created")
    assert event.changes["deadline_on"] == [None, "2024-12-31"]


def test_a_duplicate_reference_in_the_same_source_is_rejected(recommendation, scrutiny_officer):
    with pytest.raises(ValidationError) as error:
        services.recommendation_create(
            actor=scrutiny_officer,
            source=recommendation.source,
            reference=recommendation.reference.lower(),
            text="Again",
        )
    assert "reference" in error.value.message_dict
    assert Recommendation.objects.count() == 1


def test_recording_a_response_is_audited(recommendation, scrutiny_officer):
    services.recommendation_response_record(
        actor=scrutiny_officer,
        recommendation=recommendation,
        response=Recommendation.Response.ACCEPTED_IN_PRINCIPLE,
        response_text="Agreed",
        responded_on=datetime.date(2023, 5, 22),
        expected_version=recommendation.version,
    )
    recommendation.refresh_from_db()
    assert recommendation.get_response_display() == "Accepted in principle"
    [event] = _events("recommendation.response_recorded")
    assert event.changes["response"] == ["", "accepted_in_principle"]


def test_a_recommendation_cannot_link_to_itself(recommendation, scrutiny_officer):
    with pytest.raises(ValidationError):
        services.recommendation_link_create(
            actor=scrutiny_officer,
            from_recommendation=recommendation,
            to_recommendation=recommendation,
            kind="overlaps",
        )


# --- actions and target dates --------------------------------------------------------------


def test_an_action_takes_the_recommendations_deadline_as_its_target(
    recommendation, force, scrutiny_officer
):
    recommendation.deadline_on = datetime.date(2024, 12, 31)
    action = services.action_create(
        actor=scrutiny_officer, recommendation=recommendation, owner=force, description="Adopt"
    )
    assert action.target_on == datetime.date(2024, 12, 31)
    assert action.source == recommendation.source
    assert audited("action.created", target=action).organisation == force


def test_an_actions_lead_must_be_a_lead_officer_of_the_owner(
    recommendation, force, council_lead, scrutiny_officer
):
    with pytest.raises(ValidationError) as error:
        services.action_create(
            actor=scrutiny_officer,
            recommendation=recommendation,
            owner=force,
            description="Adopt",
            lead=council_lead,
        )
    assert "lead" in error.value.message_dict
    assert not Action.objects.exists()


def test_changing_a_target_date_needs_a_reason_and_keeps_history(force_action, force_lead):
    force_action.target_on = datetime.date(2025, 1, 31)
    force_action.save()
    with pytest.raises(ValidationError):
        services.action_target_date_change(
            actor=force_lead,
            action=force_action,
            new_on=datetime.date(2025, 6, 30),
            reason=" ",
            expected_version=force_action.version,
        )
    assert not TargetDateChange.objects.exists()
    services.action_target_date_change(
        actor=force_lead,
        action=force_action,
        new_on=datetime.date(2025, 6, 30),
        reason="Training provider delayed",
        expected_version=force_action.version,
    )
    [change] = TargetDateChange.objects.all()
    assert (change.previous_on, change.new_on) == (
        datetime.date(2025, 1, 31),
        datetime.date(2025, 6, 30),
    )
    [event] = _events("action.target_date_changed")
    assert event.note == "Training provider delayed"


def test_another_partner_cannot_change_a_target_date(force_action, council_lead):
    with pytest.raises(PermissionDenied):
        services.action_target_date_change(
            actor=council_lead,
            action=force_action,
            new_on=datetime.date(2026, 1, 1),
            reason="No",
            expected_version=force_action.version,
        )


# --- updates and evidence ------------------------------------------------------------------


def test_the_owner_posts_an_update_with_evidence_and_marks_it_ready(force_action, force_lead):
    update = services.update_post(
        actor=force_lead,
        action=force_action,
        narrative="Training delivered to 400 officers",
        status=DeliveryStatus.READY_FOR_ASSESSMENT,
        evidence=[services.EvidenceInput(title="Training plan", marking="official", file=_pdf())],
    )
    force_action.refresh_from_db()
    assert force_action.delivery_status == DeliveryStatus.READY_FOR_ASSESSMENT
    assert force_action.ready_at is not None
    assert update.status_before == DeliveryStatus.NOT_STARTED
    [evidence] = update.evidence.all()
    assert evidence.sha256 == _pdf().sha256
    assert evidence.file.read() == PDF_BYTES
    [event] = _events("action.updated")
    assert event.changes["delivery_status"] == ["not_started", "ready_for_assessment"]
    assert "Training plan" in event.changes["evidence"][1][0]


def test_updates_are_appended_never_overwritten(force_action, force_lead):
    services.update_post(
        actor=force_lead, action=force_action, narrative="First", status=DeliveryStatus.ON_TRACK
    )
    services.update_post(
        actor=force_lead, action=force_action, narrative="Second", status=DeliveryStatus.OFF_TRACK
    )
    assert list(Update.objects.values_list("narrative", "status_before", "status_after")) == [
        ("First", "not_started", "on_track"),
        ("Second", "on_track", "off_track"),
    ]
    assert audited("action.updated", target=force_action, times=2).note == "Second"


def test_only_the_owners_lead_officers_may_update(force_action, council_lead, scrutiny_officer):
    for user in (council_lead, scrutiny_officer):
        with pytest.raises(PermissionDenied):
            services.update_post(actor=user, action=force_action, narrative="Not mine")
    assert not Update.objects.exists()


def test_a_viewer_of_the_owner_cannot_update(force_action, force):
    viewer = member(force, Membership.Role.VIEWER)
    with pytest.raises(PermissionDenied):
        services.update_post(actor=viewer, action=force_action, narrative="Hello")


def test_unable_to_implement_needs_a_reason(force_action, force_lead):
    with pytest.raises(ValidationError) as error:
        services.update_post(
            actor=force_lead,
            action=force_action,
            narrative="Needs legislation",
            status=DeliveryStatus.UNABLE_TO_IMPLEMENT,
        )
    assert "unable_reason" in error.value.message_dict
    assert not Update.objects.exists()
    force_action.refresh_from_db()
    assert force_action.delivery_status == DeliveryStatus.NOT_STARTED


def test_sensitive_evidence_cannot_be_published(force_action, force_lead):
    with pytest.raises(ValidationError):
        services.update_post(
            actor=force_lead,
            action=force_action,
            narrative="Evidence",
            evidence=[
                services.EvidenceInput(
                    title="Intelligence report",
                    marking=Evidence.Marking.OFFICIAL_SENSITIVE,
                    is_published=True,
                    file=_pdf(),
                )
            ],
        )
    assert not Evidence.objects.exists()
    assert not Update.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_empty_narrative_is_rejected(force_action, force_lead):
    with pytest.raises(ValidationError):
        services.update_post(actor=force_lead, action=force_action, narrative="  ")
    assert not AuditEvent.objects.exists()


# --- assurance -----------------------------------------------------------------------------


def _ready(action, lead):
    services.update_post(
        actor=lead, action=action, narrative="Done", status=DeliveryStatus.READY_FOR_ASSESSMENT
    )
    action.refresh_from_db()
    return action


def test_the_scrutiny_officer_assures_a_ready_action(force_action, force_lead, scrutiny_officer):
    action = _ready(force_action, force_lead)
    services.assessment_record(
        actor=scrutiny_officer, action=action, verdict="assured", rationale="Seen the records"
    )
    action.refresh_from_db()
    assert action.assurance_status == AssuranceStatus.ASSURED
    assert action.delivery_status == DeliveryStatus.READY_FOR_ASSESSMENT  # owner's status untouched
    [event] = _events("assessment.recorded")
    assert event.changes["assurance_status"] == ["not_assessed", "assured"]


def test_an_action_marked_ready_after_the_page_was_read_can_be_assured(
    force_action, force_lead, scrutiny_officer
):
    """The decision is checked against the status saved now, not the copy the page read."""
    read_before = Action.objects.get(pk=force_action.pk)
    _ready(force_action, force_lead)
    services.assessment_record(
        actor=scrutiny_officer, action=read_before, verdict="assured", rationale="Seen it"
    )
    force_action.refresh_from_db()
    assert force_action.assurance_status == AssuranceStatus.ASSURED
    assert force_action.delivery_status == DeliveryStatus.READY_FOR_ASSESSMENT


def test_an_action_not_yet_ready_cannot_be_assured(force_action, scrutiny_officer):
    with pytest.raises(ValidationError):
        services.assessment_record(
            actor=scrutiny_officer, action=force_action, verdict="assured", rationale="Looks fine"
        )
    assert not Assessment.objects.exists()


def test_an_action_in_progress_can_be_found_not_assured(force_action, scrutiny_officer):
    services.assessment_record(
        actor=scrutiny_officer,
        action=force_action,
        verdict="not_assured",
        rationale="No plan seen",
    )
    force_action.refresh_from_db()
    assert force_action.assurance_status == AssuranceStatus.NOT_ASSURED


def test_owners_cannot_decide_assurance(force_action, force_lead):
    with pytest.raises(PermissionDenied):
        services.assessment_record(
            actor=force_lead, action=force_action, verdict="not_assured", rationale="Self"
        )


def test_a_scrutiny_officer_of_another_office_cannot_assess(force_action, db):
    from answerable.organisations.models import Organisation
    from answerable.organisations.tests.factories import OrganisationFactory

    other_office = OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE)
    outsider = member(other_office, Membership.Role.SCRUTINY_OFFICER)
    with pytest.raises(PermissionDenied):
        services.assessment_record(
            actor=outsider, action=force_action, verdict="not_assured", rationale="Mine?"
        )


def test_an_assessment_needs_a_rationale(recommendation, scrutiny_officer):
    with pytest.raises(ValidationError):
        services.assessment_record(
            actor=scrutiny_officer, recommendation=recommendation, verdict="assured", rationale=""
        )
    assert not Assessment.objects.exists()


def test_a_recommendations_assurance_comes_only_from_assessments(
    force_action, force_lead, scrutiny_officer
):
    _ready(force_action, force_lead)
    recommendation = force_action.recommendation
    recommendation.refresh_from_db()
    assert recommendation.assurance_status == AssuranceStatus.NOT_ASSESSED
    services.assessment_record(
        actor=scrutiny_officer,
        recommendation=recommendation,
        verdict="partly_assured",
        rationale="Force done, council not",
    )
    recommendation.refresh_from_db()
    assert recommendation.assurance_status == AssuranceStatus.PARTLY_ASSURED


def test_an_assured_action_is_reopened_with_a_reason(force_action, force_lead, scrutiny_officer):
    action = _ready(force_action, force_lead)
    services.assessment_record(
        actor=scrutiny_officer, action=action, verdict="assured", rationale="Seen"
    )
    with pytest.raises(ValidationError):
        services.update_post(
            actor=force_lead, action=action, narrative="Back", status=DeliveryStatus.ON_TRACK
        )
    with pytest.raises(ValidationError):
        services.assurance_reopen(actor=scrutiny_officer, action=action, reason="")
    services.assurance_reopen(
        actor=scrutiny_officer, action=action, reason="New inspection found gaps"
    )
    action.refresh_from_db()
    assert action.assurance_status == AssuranceStatus.REOPENED
    [event] = _events("assessment.reopened")
    assert event.note == "New inspection found gaps"
    services.update_post(
        actor=force_lead, action=action, narrative="Restarting", status=DeliveryStatus.ON_TRACK
    )


def test_only_assured_decisions_can_be_reopened(recommendation, scrutiny_officer):
    with pytest.raises(ValidationError):
        services.assurance_reopen(
            actor=scrutiny_officer, recommendation=recommendation, reason="Why"
        )


def test_a_lead_is_assigned_from_the_owners_lead_officers(
    force_action, force_lead, council_lead, scrutiny_officer
):
    with pytest.raises(ValidationError):
        services.action_lead_assign(
            actor=scrutiny_officer,
            action=force_action,
            lead=council_lead,
            expected_version=force_action.version,
        )
    services.action_lead_assign(
        actor=scrutiny_officer,
        action=force_action,
        lead=force_lead,
        expected_version=force_action.version,
    )
    force_action.refresh_from_db()
    assert force_action.lead == force_lead
    [event] = _events("action.lead_assigned")
    assert event.changes["lead"] == [None, str(force_lead)]


def test_linking_recommendations_through_the_page(client, recommendation, scrutiny_officer):
    from django.urls import reverse

    from answerable.core.testing import sign_in
    from answerable.recommendations.tests.factories import RecommendationFactory

    other = RecommendationFactory(source=recommendation.source)
    sign_in(client, scrutiny_officer)
    url = reverse("recommendations:recommendation_link", args=[recommendation.pk])
    response = client.post(url, {"kind": "overlaps", "to_recommendation": other.pk})
    assert response.status_code == 302
    page = client.get(recommendation.get_absolute_url()).content.decode()
    assert f'Overlaps <a class="govuk-link" href="{other.get_absolute_url()}"' in page
    again = client.post(url, {"kind": "overlaps", "to_recommendation": other.pk})
    assert "These recommendations are already linked" in again.content.decode()


def test_a_source_document_is_stored_with_its_hash_and_downloads_for_its_readers(
    client, office, scrutiny_officer, council_lead
):
    from django.urls import reverse

    from answerable.core.testing import sign_in

    source = services.source_create(
        actor=scrutiny_officer,
        owner=office,
        title="Telford inquiry",
        kind=Source.Kind.INQUIRY,
        publisher="IITCSE",
        document=_pdf(),
    )
    assert source.document_sha256 == _pdf().sha256
    assert audited("source.created", target=source).actor == scrutiny_officer
    url = reverse("recommendations:source_document", args=[source.pk])
    sign_in(client, scrutiny_officer)
    response = client.get(url)
    assert b"".join(response.streaming_content) == PDF_BYTES
    client.logout()
    sign_in(client, council_lead)
    assert client.get(url).status_code == 404


# --- changes made from a page drawn before another change (issue #11, Medium 4) -------------
# Two people open the same form; the first saves. The second's save, drawn from the version
# before, is refused and writes nothing; made again from the saved version, its audit event's
# "before" is the value it replaced.


def test_a_target_date_change_drawn_before_another_is_refused_then_records_what_it_replaced(
    force_action, force_lead
):
    drawn = force_action.version  # both leads open the page
    first_on, second_on = datetime.date(2026, 3, 31), datetime.date(2026, 9, 30)
    change = {"actor": force_lead, "action": force_action}
    services.action_target_date_change(
        **change, new_on=first_on, reason="Provider delayed", expected_version=drawn
    )
    with pytest.raises(EditConflict, match="Someone else changed this action"):
        services.action_target_date_change(
            **change, new_on=second_on, reason="Provider delayed again", expected_version=drawn
        )
    assert TargetDateChange.objects.count() == 1
    assert Action.objects.get(pk=force_action.pk).target_on == first_on
    services.action_target_date_change(
        **change, new_on=second_on, reason="Provider delayed again", expected_version=drawn + 1
    )
    changes = TargetDateChange.objects.order_by("pk")
    assert [(c.previous_on, c.new_on) for c in changes] == [
        (force_action.target_on, first_on),
        (first_on, second_on),
    ]
    events = _events("action.target_date_changed")
    assert [e.changes["target_on"] for e in events] == [
        [
            force_action.target_on.isoformat() if force_action.target_on else None,
            first_on.isoformat(),
        ],
        [first_on.isoformat(), second_on.isoformat()],
    ]


def test_a_response_drawn_before_another_is_refused_then_records_what_it_replaced(
    recommendation, scrutiny_officer
):
    drawn = recommendation.version  # both officers open the page
    first = {
        "response": Recommendation.Response.ACCEPTED,
        "response_text": "Accepted in full",
        "responded_on": datetime.date(2025, 5, 1),
    }
    second = {
        "response": Recommendation.Response.ACCEPTED_IN_PRINCIPLE,
        "response_text": "Accepted in principle",
        "responded_on": datetime.date(2025, 5, 2),
    }
    record = {"actor": scrutiny_officer, "recommendation": recommendation}
    services.recommendation_response_record(**record, **first, expected_version=drawn)
    with pytest.raises(EditConflict, match="Someone else recorded a response"):
        services.recommendation_response_record(**record, **second, expected_version=drawn)
    assert Recommendation.objects.get(pk=recommendation.pk).response_text == "Accepted in full"
    assert len(_events("recommendation.response_recorded")) == 1
    services.recommendation_response_record(**record, **second, expected_version=drawn + 1)
    _, replaced = _events("recommendation.response_recorded")
    assert replaced.changes == {
        "response": [
            Recommendation.Response.ACCEPTED,
            Recommendation.Response.ACCEPTED_IN_PRINCIPLE,
        ],
        "response_text": ["Accepted in full", "Accepted in principle"],
        "responded_on": ["2025-05-01", "2025-05-02"],
    }


def test_a_lead_assigned_from_a_page_drawn_before_another_is_refused_then_audits_the_lead(
    force, force_action, force_lead, scrutiny_officer
):
    other_lead = member(force, Membership.Role.LEAD_OFFICER, full_name="Olu Other")
    drawn = force_action.version
    assign = {"actor": scrutiny_officer, "action": force_action}
    services.action_lead_assign(**assign, lead=force_lead, expected_version=drawn)
    with pytest.raises(EditConflict):
        services.action_lead_assign(**assign, lead=other_lead, expected_version=drawn)
    assert Action.objects.get(pk=force_action.pk).lead == force_lead
    services.action_lead_assign(**assign, lead=other_lead, expected_version=drawn + 1)
    _, second = _events("action.lead_assigned")
    assert second.changes["lead"] == [str(force_lead), str(other_lead)]


def test_a_lead_change_and_a_target_date_change_share_the_actions_version(force_action, force_lead):
    """Both forms show the action's plan: a save of either moves the version the other was
    drawn from (the page then retries a form whose fields nobody changed: core.views_helpers)."""
    drawn = force_action.version
    services.action_lead_assign(
        actor=force_lead, action=force_action, lead=force_lead, expected_version=drawn
    )
    with pytest.raises(EditConflict):
        services.action_target_date_change(
            actor=force_lead,
            action=force_action,
            new_on=datetime.date(2027, 1, 31),
            reason="Later",
            expected_version=drawn,
        )
    assert not TargetDateChange.objects.exists()


def test_a_source_response_drawn_before_another_is_refused_then_audits_the_date_it_replaced(
    source, scrutiny_officer
):
    drawn = source.version
    record = {"actor": scrutiny_officer, "source": source}
    services.source_response_record(
        **record, responded_on=datetime.date(2025, 5, 1), expected_version=drawn
    )
    with pytest.raises(EditConflict):
        services.source_response_record(
            **record, responded_on=datetime.date(2025, 5, 2), expected_version=drawn
        )
    assert Source.objects.get(pk=source.pk).responded_on == datetime.date(2025, 5, 1)
    services.source_response_record(
        **record, responded_on=datetime.date(2025, 5, 2), expected_version=drawn + 1
    )
    _, second = _events("source.response_recorded")
    assert second.changes["responded_on"] == ["2025-05-01", "2025-05-02"]

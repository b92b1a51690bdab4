"""`audit_verify --data` reports rows that no audited change explains (issue #11, Medium 5)."""

import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from answerable.audit.reconcile import audit_data_reconcile
from answerable.core.files import CheckedFile
from answerable.core.testing import pdf_bytes
from answerable.recommendations import services
from answerable.recommendations.models import (
    Action,
    Assessment,
    DeliveryStatus,
    Evidence,
    Recommendation,
    Update,
)

PDF_BYTES = pdf_bytes()


def _pdf() -> CheckedFile:
    sha256 = hashlib.sha256(PDF_BYTES).hexdigest()
    return CheckedFile(
        name="plan.pdf", kind="pdf", size=len(PDF_BYTES), sha256=sha256, content=PDF_BYTES
    )


@pytest.fixture
def register(force_action, force_lead, scrutiny_officer, recommendation):
    """An action with two updates, three evidence rows and assessments, all made by services."""
    services.update_post(
        actor=force_lead,
        action=force_action,
        narrative="Started the training " + "x" * 600,
        status=DeliveryStatus.ON_TRACK,
        evidence=[
            services.EvidenceInput(title="Training plan", marking="official", file=_pdf()),
            services.EvidenceInput(
                title="Minutes", marking="official", link="https://example.org/minutes"
            ),
        ],
    )
    services.update_post(
        actor=force_lead,
        action=force_action,
        narrative="Training delivered",
        status=DeliveryStatus.READY_FOR_ASSESSMENT,
        evidence=[services.EvidenceInput(title="Register", marking="official", file=_pdf())],
    )
    services.assessment_record(
        actor=scrutiny_officer, action=force_action, verdict="partly_assured", rationale="Mostly"
    )
    services.assessment_record(
        actor=scrutiny_officer, recommendation=recommendation, verdict="not_assured", rationale="No"
    )
    return force_action


def _unexplained() -> list[str]:
    return [str(finding) for found in audit_data_reconcile().values() for finding in found]


def test_rows_written_by_the_services_match_the_audit_trail(register, capsys):
    call_command("audit_verify", "--data")
    assert "Every audited row matches the audit trail." in capsys.readouterr().out


def test_an_edited_update_narrative_is_reported(register):
    update = Update.objects.filter(action=register).first()
    Update.objects.filter(pk=update.pk).update(narrative="Finished the training")
    found = _unexplained()
    assert f"recommendations.Update {update.pk}: no audit event records the author" in found[0]
    assert "no recommendations.Update row has the author" in found[1]
    with pytest.raises(CommandError, match="2 rows or events do not match the audit trail"):
        call_command("audit_verify", "--data")


def test_a_deleted_evidence_row_is_reported(register):
    evidence = Evidence.objects.get(title="Minutes")
    evidence.delete()
    [found] = _unexplained()
    assert found.startswith("audit.AuditEvent")
    assert "no recommendations.Evidence row has the title and file hash or link it records" in found


def test_evidence_no_event_names_is_reported(register, force_lead):
    forged = Evidence.objects.create(
        action=register,
        title="Backdated plan",
        link="https://example.org/plan",
        uploaded_by=force_lead,
    )
    assert _unexplained() == [
        f"recommendations.Evidence {forged.pk}: no audit event records the title and file "
        "hash or link as they are now"
    ]


def test_a_changed_verdict_is_reported(register):
    assessment = Assessment.objects.get(action=register)
    Assessment.objects.filter(pk=assessment.pk).update(verdict="assured")
    found = _unexplained()
    assert f"recommendations.Assessment {assessment.pk}: no audit event" in found[0]
    assert len(found) == 2


def test_a_changed_assurance_status_is_reported(register, recommendation):
    Action.objects.filter(pk=register.pk).update(assurance_status="assured")
    Recommendation.objects.filter(pk=recommendation.pk).update(assurance_status="assured")
    assert _unexplained() == [
        f"recommendations.Action {register.pk}: its assurance status is 'assured' but its "
        "assessment events leave it 'partly_assured'",
        f"recommendations.Recommendation {recommendation.pk}: its assurance status is "
        "'assured' but its assessment events leave it 'not_assured'",
    ]

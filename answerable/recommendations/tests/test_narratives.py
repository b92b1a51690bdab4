"""Public narratives: owners propose, the office decides, and only approved text is public."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member
from answerable.recommendations import services
from answerable.recommendations.models import PublicNarrative
from answerable.recommendations.selectors import action_list, recommendation_list
from answerable.reports.content import ReportScope, report_content

INTERNAL = "Internal: two analysts are off sick, so the audit slipped"
PUBLIC = "The force has audited how it records intelligence about exploitation."


@pytest.fixture
def proposed(force_action, force_lead):
    update = services.update_post(
        actor=force_lead, action=force_action, narrative=INTERNAL, public_narrative=PUBLIC
    )
    return update.public_narrative


def test_an_update_can_propose_text_for_the_public_site(client, force_action, force_lead):
    sign_in(client, force_lead)
    response = client.post(
        reverse("recommendations:action_update", args=[force_action.pk]),
        {
            "narrative": INTERNAL,
            "public_narrative": PUBLIC,
            "status": "on_track",
            "evidence_marking": "official",
        },
    )
    assert response.status_code == 302
    narrative = PublicNarrative.objects.get()
    assert (narrative.text, narrative.status) == (PUBLIC, "proposed")
    assert AuditEvent.objects.filter(action="public_narrative.proposed").count() == 1
    page = client.get(force_action.get_absolute_url()).content.decode()
    assert "Waiting for review" in page


def test_the_office_approves_and_only_approved_text_is_public(
    client, proposed, scrutiny_officer, source
):
    services.source_publish(actor=scrutiny_officer, source=source)
    url = reverse(
        "publishing:public_recommendation", args=[proposed.update.action.recommendation_id]
    )
    assert PUBLIC not in client.get(url).content.decode()
    sign_in(client, scrutiny_officer)
    queue = client.get(reverse("recommendations:narrative_review_list")).content.decode()
    assert PUBLIC[:60] in queue
    review = reverse("recommendations:narrative_review", args=[proposed.pk])
    assert client.post(review, {"decision": "approve"}).status_code == 302
    client.logout()
    page = client.get(url).content.decode()
    assert PUBLIC in page
    assert INTERNAL not in page
    assert AuditEvent.objects.filter(action="public_narrative.approved").count() == 1


def test_a_rejection_needs_a_reason_and_keeps_the_text_private(
    client, proposed, scrutiny_officer, source
):
    sign_in(client, scrutiny_officer)
    review = reverse("recommendations:narrative_review", args=[proposed.pk])
    page = client.post(review, {"decision": "reject"}).content.decode()
    assert "Enter why the text is not approved" in page
    client.post(review, {"decision": "reject", "reason": "Names a victim's school"})
    proposed.refresh_from_db()
    assert proposed.status == "rejected"
    assert proposed.rejection_reason == "Names a victim's school"
    services.source_publish(actor=scrutiny_officer, source=source)
    client.logout()
    url = reverse(
        "publishing:public_recommendation", args=[proposed.update.action.recommendation_id]
    )
    assert PUBLIC not in client.get(url).content.decode()


def _office_leads_the_action(action, office, officer):
    """The office owns the action and the scrutiny officer also leads it for the office."""
    action.owner = office
    action.save()
    Membership.objects.create(user=officer, organisation=office, role=Membership.Role.LEAD_OFFICER)


def test_four_eyes_stops_the_proposer_approving_their_own_text(
    office, force_action, scrutiny_officer
):
    """A scrutiny officer who also leads the action proposes; with four-eyes on, a colleague
    must decide. With it off, the same person may."""
    _office_leads_the_action(force_action, office, scrutiny_officer)
    update = services.update_post(
        actor=scrutiny_officer, action=force_action, narrative=INTERNAL, public_narrative=PUBLIC
    )
    narrative = update.public_narrative
    office.requires_second_approval = True
    office.save()
    with pytest.raises(ValidationError, match="someone other than the person who proposed"):
        services.public_narrative_approve(actor=scrutiny_officer, narrative=narrative)
    colleague = member(office, Membership.Role.SCRUTINY_OFFICER, full_name="Pat Second")
    services.public_narrative_approve(actor=colleague, narrative=narrative)
    narrative.refresh_from_db()
    assert narrative.reviewed_by == colleague


def test_with_four_eyes_off_the_proposer_may_approve(office, force_action, scrutiny_officer):
    _office_leads_the_action(force_action, office, scrutiny_officer)
    update = services.update_post(
        actor=scrutiny_officer, action=force_action, narrative=INTERNAL, public_narrative=PUBLIC
    )
    services.public_narrative_approve(actor=scrutiny_officer, narrative=update.public_narrative)
    assert PublicNarrative.objects.get().status == "approved"


def test_partners_and_other_offices_cannot_review(client, proposed, force_lead):
    with pytest.raises(PermissionDenied):
        services.public_narrative_approve(actor=force_lead, narrative=proposed)
    sign_in(client, force_lead)
    review = reverse("recommendations:narrative_review", args=[proposed.pk])
    assert client.get(review).status_code == 404
    assert client.post(review, {"decision": "approve"}).status_code == 404
    assert PublicNarrative.objects.get().status == "proposed"


def test_a_public_report_shows_the_approved_text_not_the_update(proposed, scrutiny_officer, source):
    services.source_publish(actor=scrutiny_officer, source=source)
    services.public_narrative_approve(actor=scrutiny_officer, narrative=proposed)
    today = timezone.localdate()
    content = report_content(
        ReportScope(
            title="Public report",
            actions=action_list(user=scrutiny_officer),
            recommendations=recommendation_list(user=scrutiny_officer),
            period_from=today - datetime.timedelta(days=30),
            period_to=today,
            audience="public",
        )
    )
    assert [r["narrative"] for r in content["recommendations"]] == [PUBLIC]

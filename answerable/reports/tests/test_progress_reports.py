"""A progress report is a tracked deliverable: drafted, approved (by a second officer where the
office says so), then frozen, and published when it was written for the public."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations import services as register
from answerable.recommendations.models import DeliveryStatus
from answerable.recommendations.tests.factories import ActionFactory, RecommendationFactory
from answerable.reports import services
from answerable.reports.models import ProgressReport
from answerable.reports.tests.helpers import today


@pytest.fixture
def second_officer(office):
    return member(office, Membership.Role.SCRUTINY_OFFICER, full_name="Pat Second")


@pytest.fixture
def draft(source, force, scrutiny_officer):
    ActionFactory(recommendation=RecommendationFactory(source=source), owner=force)
    return services.progress_report_create(
        actor=scrutiny_officer,
        title="Telford inquiry: partnership report, June",
        due_on=today() + datetime.timedelta(days=60),
        sources=[source],
        period_from=today() - datetime.timedelta(days=90),
        period_to=today(),
        audience="public",
    )


def test_the_office_adds_a_report_it_owes(client, source, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    response = client.post(
        reverse("reports:report_create"),
        {
            "title": "Telford inquiry: partnership report, June",
            "due_on": "2027-06-30",
            "sources": [source.pk],
            "period_from": "2027-01-01",
            "period_to": "2027-06-15",
            "audience": "internal",
        },
    )
    report = ProgressReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    assert report.status == ProgressReport.Status.DRAFT
    assert AuditEvent.objects.filter(action="progress_report.created").count() == 1
    listing = client.get(reverse("reports:report_list")).content.decode()
    assert "Telford inquiry: partnership report, June" in listing
    assert "30 June 2027" in listing


def test_a_backwards_period_is_refused_and_nothing_is_added(client, source, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    page = client.post(
        reverse("reports:report_create"),
        {
            "title": "Report",
            "due_on": "2027-06-30",
            "sources": [source.pk],
            "period_from": "2027-06-15",
            "period_to": "2027-01-01",
            "audience": "internal",
        },
    )
    assert "The end of the period must be the same as or after its start" in page.content.decode()
    assert not ProgressReport.objects.exists()


def test_partners_neither_add_nor_see_reports(client, draft, force_lead):
    sign_in(client, force_lead)
    assert client.get(reverse("reports:report_create")).status_code == 403
    assert client.get(draft.get_absolute_url()).status_code == 404
    with pytest.raises(PermissionDenied):
        services.progress_report_approve(actor=force_lead, report=draft)


def test_another_office_cannot_open_the_report(client, draft):
    stranger = member(
        OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE), Membership.Role.SCRUTINY_OFFICER
    )
    sign_in(client, stranger)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:report_list")).content.decode().count(draft.title) == 0


def test_approval_freezes_the_documents_with_their_fingerprints(
    client, draft, scrutiny_officer, force_lead
):
    sign_in(client, scrutiny_officer)
    assert client.post(reverse("reports:report_approve", args=[draft.pk])).status_code == 302
    draft.refresh_from_db()
    assert draft.is_approved
    frozen = client.get(reverse("reports:report_download", args=[draft.pk, "pdf"]))
    data = b"".join(frozen.streaming_content)
    assert hashlib.sha256(data).hexdigest() == draft.pdf_sha256
    event = AuditEvent.objects.get(action="progress_report.approved")
    assert draft.pdf_sha256 in event.note
    # The record moves on; the approved report does not.
    action = draft.sources.get().actions.get()
    register.update_post(
        actor=force_lead, action=action, narrative="Done.", status=DeliveryStatus.COMPLETED
    )
    again = client.get(reverse("reports:report_download", args=[draft.pk, "pdf"]))
    assert b"".join(again.streaming_content) == data
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Newly completed (0)" in page
    assert "Approve this report" not in page
    with pytest.raises(ValidationError):
        services.progress_report_approve(actor=scrutiny_officer, report=draft)


def test_four_eyes_keeps_the_drafter_from_approving(
    client, draft, office, scrutiny_officer, second_officer
):
    office.requires_second_approval = True
    office.save()
    sign_in(client, scrutiny_officer)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "ask a colleague to approve this one" in page
    assert "Approve this report" not in page
    refused = client.post(reverse("reports:report_approve", args=[draft.pk]))
    assert "requires a second scrutiny officer" in refused.content.decode()
    draft.refresh_from_db()
    assert not draft.is_approved
    services.progress_report_approve(actor=second_officer, report=draft)
    draft.refresh_from_db()
    assert draft.approved_by == second_officer


def test_an_approved_public_report_is_on_the_public_site(client, draft, source, scrutiny_officer):
    register.source_publish(actor=scrutiny_officer, source=source)
    listing = reverse("public_reports:list")
    assert draft.title not in client.get(listing).content.decode()
    assert client.get(reverse("public_reports:detail", args=[draft.pk])).status_code == 404
    services.progress_report_approve(actor=scrutiny_officer, report=draft)
    draft.refresh_from_db()
    assert draft.title in client.get(listing).content.decode()
    page = client.get(reverse("public_reports:detail", args=[draft.pk])).content.decode()
    assert draft.pdf_sha256 in page
    download = client.get(reverse("public_reports:download", args=[draft.pk, "docx"]))
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == draft.docx_sha256


def test_an_approved_internal_report_stays_off_the_public_site(client, draft, scrutiny_officer):
    ProgressReport.objects.filter(pk=draft.pk).update(audience="internal")
    services.progress_report_approve(actor=scrutiny_officer, report=draft)
    assert client.get(reverse("public_reports:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("public_reports:download", args=[draft.pk, "pdf"])).status_code == 404


def test_a_report_on_an_organisation_outside_the_area_is_refused(source, scrutiny_officer):
    outsider = OrganisationFactory(name="Elsewhere Police")
    with pytest.raises(ValidationError, match="in your office's area"):
        services.progress_report_create(
            actor=scrutiny_officer,
            title="Report",
            due_on=today(),
            sources=[source],
            period_from=today(),
            period_to=today(),
            audience="internal",
            organisation=outsider,
        )
    assert not ProgressReport.objects.exists()


def test_withdrawing_the_source_takes_its_public_report_off_the_site(
    client, draft, source, scrutiny_officer
):
    services.progress_report_approve(actor=scrutiny_officer, report=draft)
    register.source_publish(actor=scrutiny_officer, source=source)
    detail = reverse("public_reports:detail", args=[draft.pk])
    assert client.get(detail).status_code == 200
    register.source_withdraw(actor=scrutiny_officer, source=source, reason="Published too early")
    assert client.get(detail).status_code == 404
    assert draft.title not in client.get(reverse("public_reports:list")).content.decode()
    assert client.get(reverse("public_reports:download", args=[draft.pk, "pdf"])).status_code == 404

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from answerable.audit.models import AuditEvent
from answerable.meetings import services as meeting_services
from answerable.meetings.models import AccountabilityMeeting
from answerable.meetings.tests.factories import MeetingFactory
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member
from answerable.publishing import services
from answerable.publishing.models import Publication

Status = Publication.Status


def test_drafting_snapshots_the_record_and_is_audited(held_meeting, scrutiny_officer):
    publication = services.publication_draft(actor=scrutiny_officer, meeting=held_meeting)
    assert publication.status == Status.DRAFT
    titles = [item["title"] for item in publication.content["items"]]
    assert titles == ["Review of action tracker", "Training for officers"]
    assert [item["number"] for item in publication.content["items"]] == [1, 2]
    [event] = AuditEvent.objects.filter(action="publication.drafted")
    assert event.changes["status"] == [None, "draft"]


def test_a_meeting_not_yet_held_cannot_be_summarised(office, scrutiny_officer):
    meeting = MeetingFactory(office=office)
    with pytest.raises(ValidationError):
        services.publication_draft(actor=scrutiny_officer, meeting=meeting)
    assert not Publication.objects.exists()


def test_a_lead_officer_cannot_draft_or_publish(held_meeting, force_lead, scrutiny_officer):
    with pytest.raises(PermissionDenied):
        services.publication_draft(actor=force_lead, meeting=held_meeting)
    publication = services.publication_draft(actor=scrutiny_officer, meeting=held_meeting)
    services.publication_submit(actor=scrutiny_officer, publication=publication)
    with pytest.raises(PermissionDenied):
        services.publication_publish(
            actor=force_lead, publication=publication, reviewed_digest=publication.content_digest
        )
    publication.refresh_from_db()
    assert publication.status == Status.IN_REVIEW


def test_a_draft_cannot_skip_redaction_review(held_meeting, scrutiny_officer):
    publication = services.publication_draft(actor=scrutiny_officer, meeting=held_meeting)
    with pytest.raises(ValidationError):
        services.publication_publish(
            actor=scrutiny_officer,
            publication=publication,
            reviewed_digest=publication.content_digest,
        )
    publication.refresh_from_db()
    assert (publication.status, publication.html) == (Status.DRAFT, "")
    assert not AuditEvent.objects.filter(action="publication.published").exists()


def test_publishing_stores_the_html_and_marks_the_meeting_published(published):
    assert published.status == Status.PUBLISHED
    assert published.published_at is not None
    assert "Training for officers" in published.html
    assert published.meeting.status == AccountabilityMeeting.Status.SUMMARY_PUBLISHED
    assert AuditEvent.objects.filter(action="publication.submitted").count() == 1
    [event] = AuditEvent.objects.filter(action="publication.published")
    assert event.changes["status"] == ["in_review", "published"]
    assert AuditEvent.objects.filter(
        action="meeting.status_changed", changes__status=["held", "summary_published"]
    ).exists()


def test_an_item_marked_sensitive_after_review_stops_publication(held_meeting, scrutiny_officer):
    publication = services.publication_draft(actor=scrutiny_officer, meeting=held_meeting)
    services.publication_submit(actor=scrutiny_officer, publication=publication)
    item = held_meeting.items.get(title="Training for officers")
    meeting_services.agenda_item_update(
        actor=scrutiny_officer,
        item=item,
        expected_version=item.version,
        title=item.title,
        is_sensitive=True,
    )
    with pytest.raises(ValidationError) as error:
        services.publication_publish(
            actor=scrutiny_officer,
            publication=publication,
            reviewed_digest=publication.content_digest,
        )
    assert "now marked sensitive" in " ".join(error.value.messages)
    publication.refresh_from_db()
    assert publication.status == Status.IN_REVIEW
    held_meeting.refresh_from_db()
    assert held_meeting.status == AccountabilityMeeting.Status.HELD


def test_redrafting_returns_a_summary_in_review_to_draft(held_meeting, scrutiny_officer):
    publication = services.publication_draft(actor=scrutiny_officer, meeting=held_meeting)
    services.publication_submit(actor=scrutiny_officer, publication=publication)
    again = services.publication_draft(actor=scrutiny_officer, meeting=held_meeting)
    assert again.pk == publication.pk
    assert again.status == Status.DRAFT
    assert AuditEvent.objects.filter(action="publication.drafted").last().changes["status"] == [
        "in_review",
        "draft",
    ]


def test_a_published_summary_cannot_be_redrafted(published, scrutiny_officer):
    with pytest.raises(ValidationError):
        services.publication_draft(actor=scrutiny_officer, meeting=published.meeting)


def test_only_a_draft_can_be_sent_for_review(published, scrutiny_officer):
    with pytest.raises(ValidationError):
        services.publication_submit(actor=scrutiny_officer, publication=published)


def test_another_offices_officer_cannot_draft(published):
    other = MeetingFactory()
    outsider = member(other.office, Membership.Role.SCRUTINY_OFFICER)
    with pytest.raises(PermissionDenied):
        services.publication_draft(actor=outsider, meeting=published.meeting)


def test_with_four_eyes_on_the_drafter_cannot_publish(held_meeting, scrutiny_officer, office):
    office.requires_second_approval = True
    office.save()
    draft = services.publication_draft(actor=scrutiny_officer, meeting=held_meeting)
    services.publication_submit(actor=scrutiny_officer, publication=draft)
    with pytest.raises(ValidationError, match="someone other than the person who drafted"):
        services.publication_publish(
            actor=scrutiny_officer, publication=draft, reviewed_digest=draft.content_digest
        )
    colleague = member(office, Membership.Role.SCRUTINY_OFFICER, full_name="Pat Second")
    published = services.publication_publish(
        actor=colleague, publication=draft, reviewed_digest=draft.content_digest
    )
    assert published.published_by == colleague
    assert AuditEvent.objects.filter(action="publication.published", actor=colleague).exists()

"""Publishing a meeting's summary: draft a snapshot, review it for redaction, publish it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.meetings import services as meeting_services
from answerable.meetings.models import AccountabilityMeeting
from answerable.meetings.selectors import can_plan_meetings
from answerable.meetings.services.locking import meeting_lock
from answerable.organisations.selectors import second_approver_required
from answerable.publishing.documents import summary_html
from answerable.publishing.models import Publication
from answerable.publishing.selectors import snapshot_problems, summary_content

Status = Publication.Status


def _require_planner(actor: User, meeting: AccountabilityMeeting) -> None:
    if not can_plan_meetings(user=actor, office_id=meeting.office_id):
        raise PermissionDenied("Only a scrutiny officer of the office can publish this summary")


@transaction.atomic
def publication_draft(*, actor: User, meeting: AccountabilityMeeting) -> Publication:
    """Draft (or redraft) the public summary from the meeting's record as it stands now.

    Redrafting sends a summary in review back to draft, so the review always sees the latest.
    """
    _require_planner(actor, meeting)
    meeting = meeting_lock(pk=meeting.pk)
    if meeting.status not in (
        AccountabilityMeeting.Status.HELD,
        AccountabilityMeeting.Status.SUMMARY_PUBLISHED,
    ):
        raise ValidationError(_("Record the meeting as held before drafting its summary"))
    publication = Publication.objects.select_for_update().filter(meeting=meeting).first()
    if publication is not None and publication.is_published:
        raise ValidationError(_("The summary is already published and cannot be redrafted"))
    before = publication.status if publication else None
    if publication is None:
        publication = Publication(meeting=meeting, drafted_by=actor)
    publication.title = f"Summary: {meeting}"
    publication.content = summary_content(meeting=meeting)
    publication.status = Status.DRAFT
    publication.drafted_by = actor
    publication.full_clean()
    publication.save()
    audit_record(
        actor=actor,
        action="publication.drafted",
        target=publication,
        organisation=meeting.office,
        changes={
            "status": [before, Status.DRAFT],
            "items": [None, [item["title"] for item in publication.content["items"]]],
        },
    )
    return publication


@transaction.atomic
def publication_submit(*, actor: User, publication: Publication) -> Publication:
    """Send a draft for redaction review: the last look at exactly what will be published."""
    _require_planner(actor, publication.meeting)
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    if publication.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be sent for redaction review"))
    publication.status = Status.IN_REVIEW
    publication.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="publication.submitted",
        target=publication,
        organisation=publication.meeting.office,
        changes={"status": [Status.DRAFT, Status.IN_REVIEW]},
    )
    return publication


@transaction.atomic
def publication_publish(
    *, actor: User, publication: Publication, reviewed_digest: str
) -> Publication:
    """Publish the reviewed snapshot exactly as reviewed, and mark the meeting's summary published.

    `reviewed_digest` is the `content_digest` of the snapshot the publisher was shown: if a
    colleague redrafted it since, nothing is published, so no one publishes a summary unseen.
    Refused too if anything in the snapshot was marked sensitive or unpublishable since.
    """
    _require_planner(actor, publication.meeting)
    publication = (
        Publication.objects.select_for_update(of=("self",))
        .select_related("meeting__office")
        .get(pk=publication.pk)
    )
    if publication.status != Status.IN_REVIEW:
        raise ValidationError(
            _("Only a summary that has been through redaction review can be published")
        )
    if publication.content_digest != reviewed_digest:
        raise ValidationError(
            _(
                "The summary was redrafted since you opened this page. Check the new draft "
                "below before publishing it"
            )
        )
    if second_approver_required(
        office=publication.meeting.office, proposed_by_id=publication.drafted_by_id, actor=actor
    ):
        raise ValidationError(
            _("Your office requires someone other than the person who drafted it to publish it")
        )
    problems = snapshot_problems(content=publication.content)
    if problems:
        raise ValidationError(
            [*problems, "Redraft the summary and review it again before publishing"]
        )
    publication.html = summary_html(
        content=publication.content,
        paper_url=lambda paper_id: reverse(
            "publishing:summary_paper", args=[publication.pk, paper_id]
        ),
    )
    publication.status = Status.PUBLISHED
    publication.published_at = timezone.now()
    publication.published_by = actor
    publication.full_clean()
    publication.save()
    publication.meeting = meeting_services.meeting_status_change(
        actor=actor,
        meeting=publication.meeting,
        status=AccountabilityMeeting.Status.SUMMARY_PUBLISHED,
        note="Summary published",
    )
    audit_record(
        actor=actor,
        action="publication.published",
        target=publication,
        organisation=publication.meeting.office,
        changes={
            "status": [Status.IN_REVIEW, Status.PUBLISHED],
            "published_at": [None, publication.published_at],
        },
    )
    return publication

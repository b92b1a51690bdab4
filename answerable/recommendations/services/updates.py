"""Progress updates on an action: a narrative, perhaps a new delivery status and evidence,
appended and audited in one transaction."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.core.files import CheckedFile
from answerable.recommendations.models import (
    Action,
    AssuranceStatus,
    DeliveryStatus,
    Evidence,
    Update,
)
from answerable.recommendations.selectors import can_update_action
from answerable.recommendations.services.narratives import public_narrative_propose
from answerable.recommendations.tallies import action_counted, tally_move


@dataclass(frozen=True)
class EvidenceInput:
    """A file (already content-checked) or a link to attach to an update."""

    title: str
    marking: str
    is_published: bool = False
    file: CheckedFile | None = None
    link: str = ""


@transaction.atomic
def update_post(
    *,
    actor: User,
    action: Action,
    narrative: str,
    status: str | None = None,
    unable_reason: str = "",
    evidence: Sequence[EvidenceInput] = (),
    public_narrative: str = "",
) -> Update:
    """Append a progress update, optionally changing the delivery status and attaching evidence.

    Updates never overwrite history. An assured action keeps its status until it is reopened.
    `public_narrative`, if given, is proposed for the public site for the office to review.
    """
    if not can_update_action(user=actor, action=action):
        raise PermissionDenied("Only the owner can update this action")
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.is_archived:
        raise ValidationError("This action is archived: it cannot be updated")
    if not narrative.strip():
        raise ValidationError({"narrative": "Enter what has been done since the last update"})
    new_status = status or action.delivery_status
    if new_status not in DeliveryStatus.values:
        raise ValidationError({"status": "Select a delivery status"})
    changed = new_status != action.delivery_status
    if changed and action.assurance_status == AssuranceStatus.ASSURED:
        raise ValidationError(
            {
                "status": "This action has been assured; ask the scrutiny officer to reopen it "
                "before changing its status"
            }
        )
    if new_status == DeliveryStatus.UNABLE_TO_IMPLEMENT and not unable_reason.strip():
        raise ValidationError(
            {
                "unable_reason": "Enter why the action cannot be implemented, such as the national "
                "or legislative change it needs"
            }
        )
    for item in evidence:
        if item.marking == Evidence.Marking.OFFICIAL_SENSITIVE and item.is_published:
            raise ValidationError(
                {"evidence": f"{item.title} is OFFICIAL-SENSITIVE and cannot be published"}
            )
    now = timezone.now()
    update = Update.objects.create(
        action=action,
        author=actor,
        narrative=narrative.strip(),
        status_before=action.delivery_status,
        status_after=new_status,
    )
    stored = [
        _evidence_store(action=action, update=update, item=item, actor=actor) for item in evidence
    ]
    if public_narrative.strip():
        public_narrative_propose(actor=actor, update=update, text=public_narrative)
    changes: dict[str, list[object]] = {}
    fields = ["last_update_at", "updated_at"]
    counted_as = action_counted(action)
    if changed:
        changes["delivery_status"] = [action.delivery_status, new_status]
        action.delivery_status = new_status
        fields.append("delivery_status")
        if new_status == DeliveryStatus.READY_FOR_ASSESSMENT:
            action.ready_at = now
            fields.append("ready_at")
    if new_status == DeliveryStatus.UNABLE_TO_IMPLEMENT:
        changes["unable_reason"] = [action.unable_reason, unable_reason.strip()]
        action.unable_reason = unable_reason.strip()
        fields.append("unable_reason")
    action.last_update_at = now
    action.save(update_fields=fields)
    tally_move(counted_as, action_counted(action))
    if stored:
        changes["evidence"] = [None, [f"{e.title} ({e.sha256 or e.link})" for e in stored]]
    audit_record(
        actor=actor,
        action="action.updated",
        target=action,
        organisation=action.owner,
        changes=changes,
        note=update.narrative[:500],
    )
    return update


def _evidence_store(
    *, action: Action, update: Update, item: EvidenceInput, actor: User
) -> Evidence:
    if item.file is None and not item.link:
        raise ValidationError({"evidence": "Attach a file or enter a link"})
    record = Evidence(
        action=action,
        update=update,
        title=item.title.strip() or (item.file.name if item.file else item.link),
        marking=item.marking,
        is_published=item.is_published,
        uploaded_by=actor,
        link=item.link,
    )
    if item.file is not None:
        record.file_kind = item.file.kind
        record.size = item.file.size
        record.sha256 = item.file.sha256
        # Stored under its hash, so a name never reveals content and duplicates are obvious.
        record.file.save(
            f"{item.file.sha256}.{item.file.kind}", ContentFile(item.file.content), save=False
        )
    record.full_clean()
    record.save()
    return record

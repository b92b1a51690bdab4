"""Public narratives: the owner proposes the public text of an update, the office decides
(issue #14). Where the office requires a second approver, whoever proposed a narrative cannot
approve it. Each decision is audited; only approved text reaches a public page or report.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.organisations.selectors import second_approver_required
from answerable.recommendations.models import PublicNarrative, Update
from answerable.recommendations.selectors import can_assess, can_update_action

MAX_LENGTH = 2000


def public_narrative_propose(*, actor: User, update: Update, text: str) -> PublicNarrative:
    """Propose `text` as the public account of `update`; call inside the update's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("public_narrative_propose runs inside the update's transaction")
    if not can_update_action(user=actor, action=update.action):
        raise PermissionDenied(_("Only the owner can propose the public text of its update"))
    text = text.strip()
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            {
                "public_narrative": _(
                    "The text for the public site must be 2,000 characters or fewer"
                )
            }
        )
    narrative = PublicNarrative.objects.create(update=update, text=text, proposed_by=actor)
    audit_record(
        actor=actor,
        action="public_narrative.proposed",
        target=narrative,
        organisation=update.action.owner,
        changes={"text": [None, text[:500]]},
    )
    return narrative


def _decided(*, actor: User, narrative: PublicNarrative) -> PublicNarrative:
    """The narrative, locked and re-read, once the actor may decide on it now."""
    narrative = (
        PublicNarrative.objects.select_for_update(of=("self",))
        .select_related("update__action__recommendation__source__owner")
        .get(pk=narrative.pk)
    )
    recommendation = narrative.update.action.recommendation
    if not can_assess(user=actor, recommendation=recommendation):
        raise PermissionDenied(_("Only a scrutiny officer of the office reviews public text"))
    if narrative.status != PublicNarrative.Status.PROPOSED:
        raise ValidationError(_("This text has already been reviewed"))
    office = recommendation.source.owner
    if second_approver_required(
        office=office, proposed_by_id=narrative.proposed_by_id, actor=actor
    ):
        raise ValidationError(
            _("Your office requires someone other than the person who proposed it to review it")
        )
    return narrative


@transaction.atomic
def public_narrative_approve(*, actor: User, narrative: PublicNarrative) -> PublicNarrative:
    """Approve the text for the public site."""
    narrative = _decided(actor=actor, narrative=narrative)
    return _decide(actor, narrative, PublicNarrative.Status.APPROVED, "public_narrative.approved")


@transaction.atomic
def public_narrative_reject(
    *, actor: User, narrative: PublicNarrative, reason: str
) -> PublicNarrative:
    """Keep the text off the public site, telling the owner why."""
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why the text is not approved")})
    narrative = _decided(actor=actor, narrative=narrative)
    narrative.rejection_reason = reason.strip()
    return _decide(actor, narrative, PublicNarrative.Status.REJECTED, "public_narrative.rejected")


def _decide(actor: User, narrative: PublicNarrative, status: str, event: str) -> PublicNarrative:
    previous = narrative.status
    narrative.status = status
    narrative.reviewed_by = actor
    narrative.reviewed_at = timezone.now()
    narrative.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason", "updated_at"]
    )
    audit_record(
        actor=actor,
        action=event,
        target=narrative,
        organisation=narrative.update.action.recommendation.source.owner,
        changes={"status": [previous, status]},
        note=narrative.rejection_reason,
    )
    return narrative

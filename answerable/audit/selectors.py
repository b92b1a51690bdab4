"""Read the audit trail and check that nobody has changed it."""

from dataclasses import dataclass

from django.db.models import QuerySet

from answerable.audit.models import AuditChainHead, AuditEvent
from answerable.audit.services import GENESIS_HASH, audit_event_digest


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None
    reason: str = ""

    @property
    def is_intact(self) -> bool:
        return self.broken_at is None


def audit_chain_verify(*, batch_size: int = 2000) -> ChainReport:
    """Recompute every chained event's hash in order and report the first link that does not
    match, then check that the chain ends where its head says: deleting the last events
    leaves a chain that is intact but short."""
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    chained = AuditEvent.objects.filter(sequence__isnull=False).order_by("sequence")
    for event in chained.iterator(chunk_size=batch_size):
        if event.sequence != expected_sequence:
            return ChainReport(checked, event.sequence, f"event {expected_sequence} is missing")
        if event.previous_hash != previous_hash:
            return ChainReport(
                checked, event.sequence, "its previous hash does not match the event before it"
            )
        if audit_event_digest(event) != event.hash:
            return ChainReport(checked, event.sequence, "its content does not match its hash")
        previous_hash = event.hash
        expected_sequence += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    head_sequence, head_hash = (head.sequence, head.last_hash) if head else (0, GENESIS_HASH)
    if head_sequence != checked or head_hash != previous_hash:
        return ChainReport(
            checked,
            checked + 1,
            f"the chain ends at event {checked} but its head says {head_sequence}",
        )
    return ChainReport(checked, None)


def audit_event_list_for_organisations(*, organisation_ids: frozenset[int]) -> QuerySet[AuditEvent]:
    """Return the events recorded against the given organisations, newest first."""
    return (
        AuditEvent.objects.filter(organisation_id__in=organisation_ids)
        .select_related("actor", "organisation")
        .order_by("-id")
    )

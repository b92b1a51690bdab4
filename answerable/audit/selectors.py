"""Read the audit trail and check that nobody has changed it."""

from dataclasses import dataclass

from django.db import connection
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
    """Recompute every event's hash in order and report the first link that does not match."""
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size):
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
    return ChainReport(checked, None)


def audit_event_list_for_organisations(*, organisation_ids: frozenset[int]) -> QuerySet[AuditEvent]:
    """Return the events recorded against the given organisations, newest first."""
    return (
        AuditEvent.objects.filter(organisation_id__in=organisation_ids)
        .select_related("actor", "organisation")
        .order_by("-sequence")
    )


def audit_sequence() -> int:
    """The audit chain's length: it grows with every state change, so it versions the data.

    Read with a plain cursor: it runs on most pages, and building the ORM query cost several
    times what running it does.
    """
    table = AuditChainHead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sequence FROM {table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else 0

"""Helpers that tamper with the audit trail as someone with database access would."""

from django.db import connection, transaction

from answerable.audit.models import AuditChainHead, AuditEvent
from answerable.audit.services import audit_chain_seal, audit_event_digest, audit_record

GUARDS = {
    "sqlite": [
        "DROP TRIGGER audit_event_sealed_once",
        "DROP TRIGGER audit_event_never_deleted",
        "DROP TRIGGER audit_head_moves_forward",
        "DROP TRIGGER audit_head_never_deleted",
    ],
    "postgresql": [
        "DROP TRIGGER audit_event_guard ON audit_auditevent",
        "DROP TRIGGER audit_head_guard ON audit_auditchainhead",
    ],
}


def record(n: int) -> None:
    """Record n events, each as if its own transaction committed (the test's never does)."""
    for i in range(n):
        with transaction.atomic():
            audit_record(actor=None, action="test.happened", changes={"n": [None, i]})
        audit_chain_seal()


def sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def drop_guards() -> None:
    """Drop the triggers, as someone with rights over the schema could; the test's
    transaction puts them back."""
    for statement in GUARDS[connection.vendor]:
        sql(statement)


def rewrite_from(sequence: int, **values: object) -> None:
    """Change one event, then recompute its hash and every later one and move the head:
    a chain that verifies end to end, with one event's history rewritten."""
    AuditEvent.objects.filter(sequence=sequence).update(**values)
    previous_hash = AuditEvent.objects.get(sequence=sequence - 1).hash if sequence > 1 else ""
    for event in AuditEvent.objects.filter(sequence__gte=sequence).order_by("sequence"):
        event.previous_hash = previous_hash or "0" * 64
        event.hash = audit_event_digest(event)
        event.save(update_fields=["previous_hash", "hash"])
        previous_hash = event.hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=previous_hash)


def truncate_to(sequence: int) -> None:
    """Delete every event after `sequence` and move the head back to it."""
    AuditEvent.objects.filter(sequence__gt=sequence).delete()
    last = AuditEvent.objects.get(sequence=sequence)
    AuditChainHead.objects.filter(pk=1).update(sequence=sequence, last_hash=last.hash)

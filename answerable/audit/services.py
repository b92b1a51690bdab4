"""Write audit events. Only services call `audit_record`, inside their own transaction."""

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from answerable.audit.models import AuditChainHead, AuditEvent
from answerable.core.bulk_insert import bulk_insert

if TYPE_CHECKING:  # audit sits beneath accounts and organisations, whose services record here
    from answerable.accounts.models import User
    from answerable.organisations.models import Organisation

GENESIS_HASH = "0" * 64


def _normalise(changes: dict[str, Any]) -> dict[str, Any]:
    """Round-trip through JSON so the stored value and the hashed value are the same."""
    return json.loads(json.dumps(changes, cls=DjangoJSONEncoder))


def audit_event_digest(event: AuditEvent) -> str:
    """Return the SHA-256 of an event's content and the hash of the event before it."""
    payload = {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor_id,
        "organisation": event.organisation_id,
        "action": event.action,
        "target_type": event.target_type_id,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "changes": event.changes,
        "note": event.note,
        "previous_hash": event.previous_hash,
    }
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def audit_record(
    *,
    actor: "User | None",
    action: str,
    target: models.Model | None = None,
    organisation: "Organisation | None" = None,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Write an event in the caller's transaction; the sequencer chains it after commit.

    No lock is taken here, so a long transaction (an import) holds nothing that another
    organisation's write needs (ADR 0009). The event commits or rolls back with the change.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction")
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        organisation=organisation,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        changes=_normalise(changes or {}),
        note=note,
    )
    event.save(force_insert=True)
    # robust: the change has committed whatever happens; a later seal picks the event up.
    transaction.on_commit(audit_chain_seal, robust=True)
    return event


def audit_record_many(
    *,
    actor: "User | None",
    action: str,
    targets: Sequence[models.Model],
    organisation: "Organisation | None",
    changes: Callable[[Any], dict[str, Any]],
) -> None:
    """`audit_record` for many new rows at once (an import's): one event each, as
    `audit_record` would write it, all in one statement rather than an INSERT each."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_many must be called inside the service's transaction")
    if not targets:
        return
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(targets[0])
    bulk_insert(
        [
            AuditEvent(
                occurred_at=now,
                actor=actor if actor is not None and actor.pk else None,
                organisation=organisation,
                action=action,
                target_type=content_type,
                target_id=str(target.pk),
                target_repr=str(target)[:300],
                changes=_normalise(changes(target)),
            )
            for target in targets
        ]
    )
    transaction.on_commit(audit_chain_seal, robust=True)


def audit_chain_seal(*, batch_size: int = 500) -> int:
    """Give every committed event without a place in the chain its sequence and hashes.

    The one writer of the chain: it locks the head in short transactions of its own, so
    events are chained in the order they committed. Runs after each audited commit. If
    another process is sealing, this returns at once: that sealer checks for waiting events
    again after each batch, and this event committed before the check, so it is chained
    without anyone waiting. Events left by a process that died in between are chained by
    the next write, or by `audit_verify`. Returns how many events this call chained.
    """
    sealed = 0
    while AuditEvent.objects.filter(sequence__isnull=True).exists():
        with transaction.atomic():
            head = AuditChainHead.objects.select_for_update(skip_locked=True).filter(pk=1).first()
            if head is None:
                if AuditChainHead.objects.filter(pk=1).exists():
                    return sealed  # another sealer holds the head and will chain ours too
                head, _ = AuditChainHead.objects.get_or_create(pk=1)
            events = list(
                AuditEvent.objects.filter(sequence__isnull=True).order_by("id")[:batch_size]
            )
            for event in events:
                event.sequence = head.sequence + 1
                event.previous_hash = head.last_hash
                event.hash = audit_event_digest(event)
                head.sequence, head.last_hash = event.sequence, event.hash
            AuditEvent.objects.bulk_update(events, ["sequence", "previous_hash", "hash"])
            head.save(update_fields=["sequence", "last_hash"])
        sealed += len(events)
    return sealed

"""Write audit events. Only services call `audit_record`, inside their own transaction."""

import hashlib
import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from answerable.accounts.models import User
from answerable.audit.models import AuditChainHead, AuditEvent
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
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    organisation: Organisation | None = None,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Append an event to the audit chain; must run inside the caller's transaction.

    The chain head row is locked so concurrent writers take turns and the chain never forks.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    event = AuditEvent(
        sequence=head.sequence + 1,
        occurred_at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        organisation=organisation,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        changes=_normalise(changes or {}),
        note=note,
        previous_hash=head.last_hash,
    )
    event.hash = audit_event_digest(event)
    event.save(force_insert=True)
    head.sequence = event.sequence
    head.last_hash = event.hash
    head.save(update_fields=["sequence", "last_hash"])
    # Imported here: the cache reads the chain through the selectors, which use this module.
    from answerable.audit.caching import sequence_forget

    sequence_forget()
    return event

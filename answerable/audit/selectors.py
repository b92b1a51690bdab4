"""Read the audit trail and check that nobody has changed it."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from answerable.audit.anchor import Checkpoint
from answerable.audit.models import AuditChainHead, AuditEvent
from answerable.audit.services import GENESIS_HASH, audit_event_digest


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None
    reason: str = ""
    last_hash: str = GENESIS_HASH
    checkpoints: int = 0

    @property
    def is_intact(self) -> bool:
        return self.broken_at is None


def audit_chain_head() -> tuple[int, str]:
    """Return the sequence and hash the chain's head holds; (0, the genesis hash) before the
    first event is chained."""
    head = AuditChainHead.objects.filter(pk=1).first()
    return (head.sequence, head.last_hash) if head else (0, GENESIS_HASH)


def audit_chain_verify(
    *, checkpoints: Sequence[Checkpoint] = (), batch_size: int = 2000
) -> ChainReport:
    """Recompute every chained event's hash in order and report the first link that does not
    match, then check that the chain ends where its head says and holds every checkpoint.

    Deleting the last events leaves a chain that is intact but short of its head. Deleting
    them and moving the head back, or rewriting an event and every hash after it, leaves a
    chain intact end to end; only a checkpoint signed outside the database shows it (ADR 0011).
    """
    for checkpoint in checkpoints:
        if not checkpoint.is_authentic:
            return ChainReport(
                0,
                checkpoint.sequence,
                f"line {checkpoint.line} of the checkpoint file is not signed with "
                "AUDIT_ANCHOR_KEY",
            )
    anchored: dict[int, list[Checkpoint]] = defaultdict(list)
    for checkpoint in checkpoints:
        anchored[checkpoint.sequence].append(checkpoint)
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
        for checkpoint in anchored.get(event.sequence, ()):
            if checkpoint.hash != event.hash:
                return ChainReport(
                    checked,
                    event.sequence,
                    f"its hash is not the one the checkpoint of {checkpoint.at} signed, so it "
                    "or an event before it was rewritten",
                )
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
    beyond = [checkpoint for checkpoint in checkpoints if checkpoint.sequence > checked]
    if beyond:
        return ChainReport(
            checked,
            checked + 1,
            f"the chain ends at event {checked} but the checkpoint of {beyond[-1].at} "
            f"signed event {beyond[-1].sequence}",
        )
    return ChainReport(checked, None, last_hash=previous_hash, checkpoints=len(checkpoints))


def audit_event_list_for_organisations(*, organisation_ids: frozenset[int]) -> QuerySet[AuditEvent]:
    """Return the events recorded against the given organisations, newest first."""
    return (
        AuditEvent.objects.filter(organisation_id__in=organisation_ids)
        .select_related("actor", "organisation")
        .order_by("-id")
    )


def audit_event_list_for_model(
    *, model: type[models.Model], actions: Iterable[str]
) -> QuerySet[AuditEvent]:
    """Return the events with the given actions recorded against rows of `model`, in the
    order they were written (the reconciliation of `audit_verify --data` replays them)."""
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(model), action__in=list(actions)
    ).order_by("id")


def audit_event_list_for_target(*, target: models.Model) -> QuerySet[AuditEvent]:
    """Return the events recorded against one row, newest first, with who did each."""
    return (
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
        )
        .select_related("actor")
        .order_by("-id")
    )


def audit_event_list_between(
    *, since: datetime.datetime, until: datetime.datetime, actions: Iterable[str]
) -> QuerySet[AuditEvent]:
    """The events with these actions recorded after `since` and up to `until`, for another
    app to narrow to the rows its reader may see."""
    return AuditEvent.objects.filter(
        occurred_at__gt=since, occurred_at__lte=until, action__in=sorted(actions)
    )

"""Someone with database access cannot quietly change the audit trail (issue #11, Medium 5;
ADR 0011): the database refuses, and with its guards dropped, the checks notice."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from answerable.audit.anchor import audit_checkpoint_list
from answerable.audit.models import AuditChainHead, AuditEvent
from answerable.audit.selectors import audit_chain_verify
from answerable.audit.services import audit_record
from answerable.audit.tests.tampering import drop_guards, record, rewrite_from, sql, truncate_to


def _refused(statement: str, params: list[object] | None = None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        sql(statement, params)


def test_the_database_refuses_to_edit_an_events_note(db):
    record(3)
    _refused("UPDATE audit_auditevent SET note = %s WHERE sequence = %s", ["rewritten", 2])
    assert AuditEvent.objects.get(sequence=2).note == ""


def test_the_database_refuses_to_edit_an_events_changes(db):
    record(3)
    _refused("UPDATE audit_auditevent SET changes = %s WHERE sequence = %s", ['{"n": [0, 9]}', 2])
    assert AuditEvent.objects.get(sequence=2).changes == {"n": [None, 1]}


def test_the_database_refuses_to_edit_an_event_waiting_to_be_chained(db):
    with transaction.atomic():
        event = audit_record(actor=None, action="test.waiting", note="as written")
    _refused("UPDATE audit_auditevent SET note = %s WHERE id = %s", ["rewritten", event.pk])
    _refused(
        "UPDATE audit_auditevent SET note = %s, sequence = 1, previous_hash = %s, hash = %s "
        "WHERE id = %s",
        ["rewritten", "0" * 64, "f" * 64, event.pk],
    )


def test_the_database_refuses_to_chain_an_event_twice(db):
    record(2)
    _refused("UPDATE audit_auditevent SET hash = %s WHERE sequence = 2", ["f" * 64])
    _refused("UPDATE audit_auditevent SET sequence = NULL, hash = NULL WHERE sequence = 2")


def test_the_database_refuses_to_delete_an_event_in_the_middle(db):
    record(4)
    _refused("DELETE FROM audit_auditevent WHERE sequence = 2")
    assert AuditEvent.objects.count() == 4


def test_the_database_refuses_to_delete_the_last_events(db):
    record(4)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(sequence__gte=3).delete()
    assert AuditEvent.objects.count() == 4


def test_the_database_refuses_to_move_the_head_back_or_delete_it(db):
    record(3)
    second = AuditEvent.objects.get(sequence=2)
    _refused(
        "UPDATE audit_auditchainhead SET sequence = 2, last_hash = %s WHERE id = 1", [second.hash]
    )
    _refused("UPDATE audit_auditchainhead SET last_hash = %s WHERE id = 1", ["f" * 64])
    _refused("UPDATE audit_auditchainhead SET sequence = 9 WHERE id = 1")
    _refused("DELETE FROM audit_auditchainhead")
    assert AuditChainHead.objects.get().sequence == 3


def test_the_sequencer_still_chains_events_and_moves_the_head(db):
    record(3)
    assert AuditChainHead.objects.get().sequence == 3
    assert audit_chain_verify().is_intact


def test_deleting_the_tail_and_moving_the_head_back_is_detected_by_the_checkpoint(db):
    record(4)
    call_command("audit_checkpoint")
    drop_guards()
    truncate_to(2)
    assert audit_chain_verify().is_intact  # the chain alone cannot tell
    report = audit_chain_verify(checkpoints=audit_checkpoint_list())
    assert report.broken_at == 3
    assert "signed event 4" in report.reason
    with pytest.raises(CommandError, match="broken at event 3"):
        call_command("audit_verify")


def test_rewriting_an_event_and_every_later_hash_is_detected_by_the_checkpoint(db):
    record(5)
    call_command("audit_checkpoint")
    drop_guards()
    rewrite_from(2, note="It was always like this")
    assert audit_chain_verify().is_intact  # the chain alone cannot tell
    with pytest.raises(CommandError, match="broken at event 5: its hash is not the one"):
        call_command("audit_verify")


def test_a_rewritten_checkpoint_is_detected_by_its_signature(db, settings):
    record(3)
    call_command("audit_checkpoint")
    drop_guards()
    rewrite_from(2, note="It was always like this")
    path = settings.AUDIT_CHECKPOINT_PATH
    head = AuditChainHead.objects.get()
    [checkpoint] = audit_checkpoint_list()
    path.write_text(checkpoint.as_json().replace(checkpoint.hash, head.last_hash) + "\n")
    with pytest.raises(CommandError, match="line 1 of the checkpoint file is not signed"):
        call_command("audit_verify")


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_still_empty_the_audit_tables_afterwards():
    """On SQLite the flush deletes rows, which conftest.py allows for that teardown only."""
    for _ in range(2):
        with transaction.atomic():
            audit_record(actor=None, action="test.committed")
    assert AuditEvent.objects.filter(sequence__isnull=False).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.all().delete()

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from answerable.audit.models import AuditChainHead, AuditEvent
from answerable.audit.selectors import audit_chain_verify
from answerable.audit.services import audit_chain_seal, audit_record
from answerable.audit.tests.tampering import drop_guards
from answerable.audit.tests.tampering import record as _record


def test_each_event_hashes_the_one_before(db):
    _record(3)
    first, second, third = AuditEvent.objects.order_by("sequence")
    assert first.previous_hash == "0" * 64
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert audit_chain_verify().is_intact


def test_an_edited_event_breaks_the_chain_at_that_event(db):
    _record(4)
    drop_guards()  # as someone with rights over the schema could
    AuditEvent.objects.filter(sequence=3).update(note="rewritten")
    report = audit_chain_verify()
    assert report.broken_at == 3
    assert report.checked == 2


def test_a_deleted_event_breaks_the_chain(db):
    _record(4)
    drop_guards()  # as someone with rights over the schema could
    AuditEvent.objects.filter(sequence=2).delete()
    assert audit_chain_verify().broken_at == 3


def test_deleting_the_last_events_is_detected(db):
    _record(4)
    drop_guards()  # as someone with rights over the schema could
    AuditEvent.objects.filter(sequence__gte=3).delete()
    report = audit_chain_verify()
    assert not report.is_intact
    assert "head says 4" in report.reason


def test_deleting_the_tail_and_resetting_the_head_is_not_enough_to_hide_it(db):
    _record(4)
    drop_guards()  # as someone with rights over the schema could
    AuditEvent.objects.filter(sequence__gte=3).delete()
    second = AuditEvent.objects.get(sequence=2)
    AuditChainHead.objects.filter(pk=1).update(sequence=3, last_hash=second.hash)
    assert not audit_chain_verify().is_intact


def test_an_event_joins_the_chain_when_its_transaction_commits(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        event = audit_record(actor=None, action="test.happened")
        event.refresh_from_db()
        assert event.sequence is None  # nothing locked or chained inside the transaction
    assert callbacks
    event.refresh_from_db()
    assert event.sequence == 1
    assert AuditChainHead.objects.get().last_hash == event.hash


def _record_then_fail() -> None:
    with transaction.atomic():
        audit_record(actor=None, action="test.undone")
        raise LookupError("the change failed")


def test_a_rolled_back_change_leaves_no_event(db):
    with pytest.raises(LookupError, match="the change failed"):
        _record_then_fail()
    audit_chain_seal()
    assert not AuditEvent.objects.exists()
    assert audit_chain_verify().is_intact


def test_events_a_dead_process_left_unchained_are_chained_by_the_next_write(
    db, django_capture_on_commit_callbacks
):
    with transaction.atomic():  # committed, but its process died before chaining it
        orphan = audit_record(actor=None, action="test.orphaned")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        later = audit_record(actor=None, action="test.later")
    orphan.refresh_from_db()
    later.refresh_from_db()
    assert (orphan.sequence, later.sequence) == (1, 2)
    assert audit_chain_verify().is_intact


def test_audit_verify_chains_waiting_events_before_checking(db, capsys):
    with transaction.atomic():
        audit_record(actor=None, action="test.waiting")
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "1 event was waiting" in out
    assert "Audit chain intact: 1 events" in out


def test_audit_verify_reports_the_first_broken_link(db, capsys):
    _record(2)
    call_command("audit_verify")
    assert "Audit chain intact: 2 events" in capsys.readouterr().out
    drop_guards()
    AuditEvent.objects.filter(sequence=2).update(action="test.forged")
    with pytest.raises(CommandError, match="broken at event 2"):
        call_command("audit_verify")


@pytest.mark.django_db(transaction=True)
def test_events_can_only_be_written_inside_a_transaction():
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="test.outside")
    assert not AuditEvent.objects.exists()

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from answerable.audit.models import AuditEvent
from answerable.audit.selectors import audit_chain_verify
from answerable.audit.services import audit_record


def _record(n: int, actor=None) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(actor=actor, action="test.happened", changes={"n": [None, i]})


def test_each_event_hashes_the_one_before(db):
    _record(3)
    first, second, third = AuditEvent.objects.order_by("sequence")
    assert first.previous_hash == "0" * 64
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert audit_chain_verify().is_intact


def test_an_edited_event_breaks_the_chain_at_that_event(db):
    _record(4)
    AuditEvent.objects.filter(sequence=3).update(note="rewritten")
    report = audit_chain_verify()
    assert report.broken_at == 3
    assert report.checked == 2


def test_a_deleted_event_breaks_the_chain(db):
    _record(4)
    AuditEvent.objects.filter(sequence=2).delete()
    assert audit_chain_verify().broken_at == 3


def test_audit_verify_reports_the_first_broken_link(db, capsys):
    _record(2)
    call_command("audit_verify")
    assert "Audit chain intact: 2 events" in capsys.readouterr().out
    AuditEvent.objects.filter(sequence=2).update(action="test.forged")
    with pytest.raises(CommandError, match="broken at event 2"):
        call_command("audit_verify")


@pytest.mark.django_db(transaction=True)
def test_events_can_only_be_written_inside_a_transaction():
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="test.outside")
    assert not AuditEvent.objects.exists()

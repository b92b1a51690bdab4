"""A long transaction holds nothing another write needs (issue #11, High 2; ADR 0009)."""

import threading

import pytest
from django.db import connection, transaction

from answerable.audit.models import AuditEvent
from answerable.audit.selectors import audit_chain_verify
from answerable.audit.services import audit_record


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_a_write_commits_while_a_long_import_transaction_is_open():
    """Before ADR 0009 the second write waited on the chain head until the import ended."""
    import_has_written, import_may_finish = threading.Event(), threading.Event()

    def long_import() -> None:
        try:
            with transaction.atomic():
                audit_record(actor=None, action="test.import_row")
                import_has_written.set()
                import_may_finish.wait(timeout=30)
        finally:
            connection.close()

    def update() -> None:
        try:
            with transaction.atomic():
                audit_record(actor=None, action="test.update")
        finally:
            connection.close()

    importer = threading.Thread(target=long_import)
    importer.start()
    try:
        assert import_has_written.wait(timeout=10)
        writer = threading.Thread(target=update)
        writer.start()
        writer.join(timeout=10)
        assert not writer.is_alive(), "the update waited for the import's transaction"
        assert AuditEvent.objects.get(action="test.update").sequence == 1
    finally:
        import_may_finish.set()
        importer.join(timeout=10)
    assert AuditEvent.objects.get(action="test.import_row").sequence == 2
    assert audit_chain_verify().is_intact

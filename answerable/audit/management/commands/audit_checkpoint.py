from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from answerable.audit.anchor import audit_checkpoint_append, audit_checkpoint_list
from answerable.audit.selectors import audit_chain_verify
from answerable.audit.services import audit_chain_seal


class Command(BaseCommand):
    help = (
        "Verify the audit chain, then append its head, signed with AUDIT_ANCHOR_KEY, to "
        "AUDIT_CHECKPOINT_PATH. Run it on a schedule (ADR 0011)."
    )

    def handle(self, *args: object, **options: Any) -> None:
        audit_chain_seal()
        report = audit_chain_verify(checkpoints=audit_checkpoint_list())
        if not report.is_intact:
            raise CommandError(
                f"Not signed: the audit chain is broken at event {report.broken_at}: "
                f"{report.reason}."
            )
        if not report.checked:
            self.stdout.write("The audit chain is empty: there is nothing to sign yet.")
            return
        checkpoint = audit_checkpoint_append(sequence=report.checked, hash=report.last_hash)
        # The line goes to the scheduler's log too: a second copy outside the file.
        self.stdout.write(checkpoint.as_json())
        self.stdout.write(
            self.style.SUCCESS(
                f"Signed event {checkpoint.sequence} in {settings.AUDIT_CHECKPOINT_PATH}."
            )
        )

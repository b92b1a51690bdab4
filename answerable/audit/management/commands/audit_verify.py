from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from answerable.audit.anchor import audit_checkpoint_list
from answerable.audit.reconcile import audit_data_reconcile
from answerable.audit.selectors import audit_chain_verify
from answerable.audit.services import audit_chain_seal


class Command(BaseCommand):
    help = (
        "Chain any committed events still waiting for the sequencer, then check the audit "
        "chain's hashes against its head and every signed checkpoint, and report the first "
        "broken link. With --data, also report rows that no audited change explains."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data",
            action="store_true",
            help="Also replay the audited changes against the tables they describe.",
        )

    def handle(self, *args: object, **options: Any) -> None:
        waiting = audit_chain_seal()
        if waiting:
            noun = "event was" if waiting == 1 else "events were"
            self.stdout.write(f"{waiting} {noun} waiting to be chained and now are.")
        checkpoints = audit_checkpoint_list()
        report = audit_chain_verify(checkpoints=checkpoints)
        if not report.is_intact:
            raise CommandError(
                f"Audit chain broken at event {report.broken_at}: {report.reason} "
                f"({report.checked} events verified before it)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.checked} events, "
                f"{report.checkpoints} signed checkpoints."
            )
        )
        if not checkpoints:
            self.stdout.write(
                f"No checkpoints in {settings.AUDIT_CHECKPOINT_PATH}: run audit_checkpoint on "
                "a schedule, or a rewritten history cannot be told from the real one."
            )
        if options["data"]:
            self._reconcile()

    def _reconcile(self) -> None:
        unexplained = 0
        for name, findings in audit_data_reconcile().items():
            for finding in findings:
                self.stdout.write(f"{name}: {finding}")
            unexplained += len(findings)
        if unexplained:
            raise CommandError(f"{unexplained} rows or events do not match the audit trail.")
        self.stdout.write(self.style.SUCCESS("Every audited row matches the audit trail."))

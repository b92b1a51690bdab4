from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from answerable.audit.selectors import audit_chain_head
from answerable.audit.services import audit_chain_seal
from answerable.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write one archive holding the database and every uploaded file, with a manifest of "
        "their SHA-256 hashes and the applied migrations (ADR 0013). The audit checkpoint "
        "file is left out: keep it apart from the backups."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            required=True,
            type=Path,
            help="Directory to write answerable-backup-<UTC time>.tar.gz into.",
        )

    def handle(self, *args: object, **options: Any) -> None:
        # Chain what has committed, so the dump holds a sealed trail to check after a restore.
        sealed = audit_chain_seal()
        if sealed:
            self.stdout.write(f"Chained {sealed} audit events that were waiting.")
        sequence, last_hash = audit_chain_head()
        try:
            report = backup_create(
                output_dir=options["output"],
                leave_out=[settings.AUDIT_CHECKPOINT_PATH],
                extra={"audit_chain": {"sequence": sequence, "hash": last_hash}},
            )
        except BackupError as error:
            raise CommandError(f"No backup written: {error}") from error
        self.stdout.write(
            f"Dumped the {report.vendor} database with {report.tool}: "
            f"{report.database.size:,} bytes."
        )
        media_bytes = sum(member.size for member in report.media)
        self.stdout.write(
            f"Added {len(report.media)} files from {settings.MEDIA_ROOT} ({media_bytes:,} bytes)."
        )
        for name in report.left_out:
            self.stdout.write(
                f"Left out {name}: the audit checkpoint file, or a link, is not backed up."
            )
        self.stdout.write(f"Audit chain head when the backup began: event {sequence}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {report.path} ({report.path.stat().st_size:,} bytes), "
                f"SHA-256 {report.sha256}."
            )
        )

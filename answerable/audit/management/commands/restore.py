# Like audit_verify, this seals and checks the chain through the same selectors; the shared
# lines are their imports and the command's frame, not logic.
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from answerable.audit.anchor import audit_checkpoint_list
from answerable.audit.reconcile import audit_data_reconcile
from answerable.audit.selectors import audit_chain_head, audit_chain_verify
from answerable.audit.services import audit_chain_seal
from answerable.core.backup import BackupError
from answerable.core.restore import (
    backup_check,
    backup_restore,
    media_files_missing,
    migrations_unknown,
)


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into an empty database and "
        "MEDIA_ROOT, then check that the files the rows name are there, and the audit chain "
        "against the checkpoint file and the data against the audit trail (ADR 0013)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The .tar.gz that `backup` wrote.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load over a database that has tables, or a MEDIA_ROOT that has files.",
        )

    def handle(self, *args: object, **options: Any) -> None:
        path: Path = options["archive"]
        try:
            manifest = backup_check(path=path)
        except BackupError as error:
            raise CommandError(f"Nothing restored: {error}") from error
        self.stdout.write(
            f"Checked {path}: the database dump and {manifest['media']['files']} files match "
            f"its manifest (taken {manifest['created_at']}, {manifest['database']['tool']})."
        )
        unknown = migrations_unknown(manifest=manifest)
        if unknown:
            raise CommandError(
                "Nothing restored: the backup was taken by a later release, with migrations "
                f"this code does not have ({', '.join(unknown[:5])}). Restore with that release."
            )
        try:
            report = backup_restore(
                path=path,
                manifest=manifest,
                force=options["force"],
                keep=[settings.AUDIT_CHECKPOINT_PATH],
            )
        except BackupError as error:
            raise CommandError(f"Not restored: {error}") from error
        self.stdout.write(f"Restored the {report.vendor} database into {report.database_name}.")
        self.stdout.write(f"Restored {len(report.media)} files into {report.media_root}.")
        if report.pending_migrations:
            raise CommandError(
                f"Restored, but not checked: {len(report.pending_migrations)} migrations of "
                f"this release are not applied in the backup "
                f"({', '.join(report.pending_migrations[:5])}). Run `manage.py migrate`, then "
                "`manage.py audit_verify --data`."
            )
        problems = self._check_files() + self._check_chain() + self._check_data()
        if problems:
            raise CommandError("Restored, but the checks found: " + "; ".join(problems) + ".")
        self.stdout.write(self.style.SUCCESS("Restored and checked."))

    def _check_files(self) -> list[str]:
        missing = media_files_missing()
        for name in missing:
            self.stdout.write(f"Missing file: {name}")
        if missing:
            return [f"{len(missing)} files the database names are not in {settings.MEDIA_ROOT}"]
        self.stdout.write(f"Every file the database names is in {settings.MEDIA_ROOT}.")
        return []

    def _check_chain(self) -> list[str]:
        sealed = audit_chain_seal()
        if sealed:
            self.stdout.write(f"Chained {sealed} audit events the backup held unchained.")
        sequence, _ = audit_chain_head()
        checkpoints = audit_checkpoint_list()
        # Checkpoints signed after the backup was taken name events the backup cannot hold;
        # the chain is checked against the ones up to its head, and the rest are reported.
        earlier = [checkpoint for checkpoint in checkpoints if checkpoint.sequence <= sequence]
        later = [checkpoint for checkpoint in checkpoints if checkpoint.sequence > sequence]
        forged = [checkpoint.line for checkpoint in later if not checkpoint.is_authentic]
        if forged:
            self.stdout.write(f"Checkpoint file lines not signed with the key: {forged}.")
            return [f"{len(forged)} lines of the checkpoint file are not signed"]
        report = audit_chain_verify(checkpoints=earlier)
        if not report.is_intact:
            self.stdout.write(f"Audit chain broken at event {report.broken_at}: {report.reason}.")
            return [f"the audit chain is broken at event {report.broken_at}"]
        self.stdout.write(
            f"Audit chain intact: {report.checked} events, {report.checkpoints} signed "
            f"checkpoints in {settings.AUDIT_CHECKPOINT_PATH} up to its end."
        )
        if later:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(later)} later checkpoints sign events up to {later[-1].sequence}, "
                    f"but this backup ends at event {sequence}: events {sequence + 1} to "
                    f"{later[-1].sequence} were written after it and are lost. "
                    "`audit_verify` and `audit_checkpoint` refuse this database until you "
                    "start a new checkpoint file with the earlier checkpoints only "
                    "(docs/how-to/back-up-and-restore.md)."
                )
            )
        elif not checkpoints:
            self.stdout.write(
                f"No checkpoints in {settings.AUDIT_CHECKPOINT_PATH}: the chain was checked "
                "against itself only. Point AUDIT_CHECKPOINT_PATH at the live checkpoint file."
            )
        return []

    def _check_data(self) -> list[str]:
        unexplained = 0
        for name, findings in audit_data_reconcile().items():
            for finding in findings:
                self.stdout.write(f"{name}: {finding}")
            unexplained += len(findings)
        if unexplained:
            return [f"{unexplained} rows or events do not match the audit trail"]
        self.stdout.write("Every audited row matches the audit trail.")
        return []

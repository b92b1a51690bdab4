from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from answerable.imports.services import ABANDONED_AFTER, import_uploads_clean_up


class Command(BaseCommand):
    help = (
        "Delete uploads in media/imports/ that were never confirmed and are older than a day. "
        "Files of queued or running imports are kept. Run it daily, as cron or a scheduler "
        "runs the reminders."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be deleted; delete nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = import_uploads_clean_up(older_than=ABANDONED_AFTER, delete=not options["dry_run"])
        for path in paths:
            self.stdout.write(path)
        verb = "Would delete" if options["dry_run"] else "Deleted"
        noun = "upload" if len(paths) == 1 else "uploads"
        self.stdout.write(f"{verb} {len(paths)} abandoned {noun}.")

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from answerable.imports.services import (
    ABANDONED_AFTER,
    STALE_AFTER,
    import_jobs_stale_fail,
    import_jobs_with_dead_workers_fail,
    import_uploads_clean_up,
)


class Command(BaseCommand):
    help = (
        "Fail imports whose worker has died (its process is gone or its heartbeat stopped), "
        "and imports left queued or running too long, and delete their uploads; "
        "then delete uploads in media/imports/ that were never confirmed and are older than a "
        "day. Files of queued or running imports are otherwise kept. Run it daily, as cron or "
        "a scheduler runs the reminders."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be done; change nothing."
        )
        parser.add_argument(
            "--stale-after-hours",
            type=float,
            metavar="HOURS",
            default=STALE_AFTER.total_seconds() / 3600,
            help="Fail imports queued or running for longer than this (default: %(default)g).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        hours = options["stale_after_hours"]
        if hours <= 0:
            raise CommandError("--stale-after-hours must be more than 0")

        if not dry_run:
            for job in import_jobs_with_dead_workers_fail():
                self.stdout.write(f"{job} ({job.organisation}): its worker has died")
        jobs = import_jobs_stale_fail(stale_after=datetime.timedelta(hours=hours), fail=not dry_run)
        for job in jobs:
            since = timezone.localtime(job.started_at or job.created_at)
            self.stdout.write(
                f"{job} ({job.organisation}), unfinished since {since:%Y-%m-%d %H:%M}"
            )
        verb = "Would fail" if dry_run else "Failed"
        noun = "import" if len(jobs) == 1 else "imports"
        self.stdout.write(f"{verb} {len(jobs)} stale {noun}.")

        paths = import_uploads_clean_up(older_than=ABANDONED_AFTER, delete=not dry_run)
        for path in paths:
            self.stdout.write(path)
        verb = "Would delete" if dry_run else "Deleted"
        noun = "upload" if len(paths) == 1 else "uploads"
        self.stdout.write(f"{verb} {len(paths)} abandoned {noun}.")

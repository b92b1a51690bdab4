"""Daily: email owners about actions due soon or overdue, offices about the long overdue, and
followers a digest of what changed on what they follow."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from answerable.meetings.services.follow_digest import follow_digests_send
from answerable.meetings.services.reminders import reminders_send


class Command(BaseCommand):
    help = "Email today's action reminders (safe to run more than once a day)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default=settings.ANSWERABLE_SITE_URL,
            help="Start of the links in the emails, such as https://answerable.example.org",
        )
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help="Send as if today were this date (YYYY-MM-DD); for testing.",
        )

    def handle(self, *args: object, **options: object) -> None:
        run = reminders_send(today=options["date"], base_url=str(options["base_url"]))  # type: ignore[arg-type]
        self.stdout.write(f"Sent {run.emails} reminder emails covering {run.items} items.")
        digests = follow_digests_send(today=options["date"], base_url=str(options["base_url"]))  # type: ignore[arg-type]
        self.stdout.write(
            f"Sent {digests.emails} digest emails covering {digests.changes} followed changes."
        )

from typing import Any

from django.core.management.base import BaseCommand

from answerable.operations.statistics import planner_statistics_refresh


class Command(BaseCommand):
    help = (
        "Count the tables' rows and indexes again (ANALYZE) so the database plans queries for "
        "the data it now holds. SQLite never does this by itself: run it nightly."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        planner_statistics_refresh()
        self.stdout.write("Planner statistics refreshed.")

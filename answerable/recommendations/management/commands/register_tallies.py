from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from answerable.recommendations.tallies import tallies_rebuild, tally_differences


class Command(BaseCommand):
    help = (
        "Check that the register's kept counts (the dashboard's and the lists' totals) match "
        "the register, or count them again after a data fix made outside the services."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="Count every tally from the register again."
        )

    def handle(self, *args: Any, rebuild: bool, **options: Any) -> None:
        if rebuild:
            tallies_rebuild()
            self.stdout.write("Counted every tally from the register again.")
        differences = tally_differences()
        if differences:
            for difference in differences:
                self.stderr.write(difference)
            raise CommandError(
                f"{len(differences)} tallies do not match the register: run "
                "manage.py register_tallies --rebuild"
            )
        self.stdout.write("Every tally matches the register.")

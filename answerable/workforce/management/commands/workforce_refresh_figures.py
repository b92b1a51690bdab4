from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from answerable.workforce import services
from answerable.workforce.models import Snapshot


class Command(BaseCommand):
    help = (
        "Count and store every course's coverage figures, overall and by cohort, at each "
        "workforce snapshot (or only --snapshot ID). For snapshots imported before cohort "
        "figures were stored: until then their coverage page counts live. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--snapshot", type=int, help="Only this snapshot's ID.")

    def handle(self, *args: object, **options: Any) -> None:
        snapshots = Snapshot.objects.select_related("organisation").order_by("taken_on", "id")
        if options["snapshot"] is not None:
            snapshots = snapshots.filter(pk=options["snapshot"])
            if not snapshots.exists():
                raise CommandError(f"There is no workforce snapshot {options['snapshot']}.")
        total = 0
        # One transaction per snapshot, so an interrupted run keeps what it finished.
        for snapshot in list(snapshots):
            courses = services.snapshot_figures_refresh(snapshot=snapshot)
            total += 1
            self.stdout.write(f"{snapshot} (snapshot {snapshot.pk}): {courses} courses counted.")
        self.stdout.write(self.style.SUCCESS(f"Figures stored for {total} snapshots."))

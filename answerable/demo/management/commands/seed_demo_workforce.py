from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from answerable.demo.workforce import seed_workforce
from answerable.organisations.models import Organisation

DEMO_FORCE = "West Mercia Police"


class Command(BaseCommand):
    help = (
        "Give the demo force (West Mercia Police, or the first police force) a CSE awareness "
        "course and six monthly workforce snapshots of about 5,000 people. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--staff", type=int, default=5000, help="People in the workforce.")
        parser.add_argument("--months", type=int, default=6, help="Monthly snapshots to load.")
        parser.add_argument("--force", default=DEMO_FORCE, help="The force's name.")

    def handle(self, *args: object, **options: Any) -> None:
        force = (
            Organisation.objects.filter(name=options["force"]).first()
            or Organisation.objects.filter(kind=Organisation.Kind.POLICE_FORCE)
            .order_by("name")
            .first()
        )
        if force is None:
            raise CommandError("There is no police force yet. Run manage.py seed_demo first.")
        try:
            result = seed_workforce(
                force=force, staff=int(options["staff"]), months=int(options["months"])
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        if not result.created:
            self.stdout.write(f"{force.name} already has demo workforce data; nothing was added.")
            return
        latest = result.snapshots[-1]
        self.stdout.write(
            self.style.SUCCESS(
                f"{force.name}: {len(result.snapshots)} snapshots to {latest.taken_on:%-d %B %Y}, "
                f"{latest.staff_count:,} staff, course {result.course.code}."
            )
        )

"""Load the demo meetings into the demo partnership that `seed_demo` made."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from answerable.demo.meetings import seed_meetings
from answerable.organisations.models import Membership, Organisation


class Command(BaseCommand):
    help = "Record West Mercia's real accountability meetings as demo data (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--office", help="Name of the PCC's office (default: the first one)")

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo_meetings only runs with DJANGO_DEBUG=true.")
        offices = Organisation.objects.filter(kind=Organisation.Kind.PCC_OFFICE).order_by("id")
        if options["office"]:
            offices = offices.filter(name=options["office"])
        office = offices.first()
        scrutiny = (
            Membership.objects.filter(organisation=office, role=Membership.Role.SCRUTINY_OFFICER)
            .select_related("user")
            .order_by("id")
            .first()
        )
        if office is None or scrutiny is None:
            raise CommandError("No PCC's office with a scrutiny officer: run seed_demo first.")
        force = (
            Organisation.objects.filter(kind=Organisation.Kind.POLICE_FORCE).order_by("id").first()
        )
        lead = (
            Membership.objects.filter(organisation=force, role=Membership.Role.LEAD_OFFICER)
            .select_related("user")
            .order_by("id")
            .first()
        )
        made = seed_meetings(
            office=office,
            scrutiny_officer=scrutiny.user,
            force=force,
            force_lead=lead.user if lead else None,
        )
        self.stdout.write(f"{made} demo meetings added for {office.name}.")

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from answerable.demo.accounts import sign_in_lines
from answerable.demo.seed import seed_demo


class Command(BaseCommand):
    help = (
        "Load the demo partnership (West Mercia), one user per role and the real "
        "recommendations. Safe to run again: it adds only what is missing."
    )

    def handle(self, *args: object, **options: object) -> None:
        # The demo accounts' password and two-factor secrets are published: never on a server.
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DJANGO_DEBUG=true.")
        result = seed_demo()
        if result.was_there:
            self.stdout.write("The demo data was already there; nothing was added.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({result.created} records)."))
        self.stdout.write("")
        for line in sign_in_lines():
            self.stdout.write(line)

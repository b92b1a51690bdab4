from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from answerable.accounts.models import User
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.services import membership_grant, organisation_create

ROLES = {
    "administrators": Membership.Role.ADMINISTRATOR,
    "scrutiny_officers": Membership.Role.SCRUTINY_OFFICER,
}


class Command(BaseCommand):
    help = (
        "Add an organisation as a system administrator or an office's administrator would in "
        "the web pages, and give existing accounts roles in it. With `system_administrator`, "
        "this starts an empty install: the first account, then the PCC's office."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The organisation's full name.")
        parser.add_argument(
            "--kind",
            required=True,
            choices=Organisation.Kind.values,
            help="pcc_office for a PCC's office (system administrators only); otherwise the "
            "partner's type, with --office.",
        )
        parser.add_argument("--short-name", default="", help="Shown in tables, like Shire OPCC.")
        parser.add_argument(
            "--office",
            default="",
            help="For a partner: the name of the office whose area it is in.",
        )
        parser.add_argument(
            "--as",
            dest="email",
            required=True,
            help="Email of the system administrator (or, for a partner, the office's "
            "administrator) adding it; see manage.py system_administrator.",
        )
        parser.add_argument(
            "--administrator",
            dest="administrators",
            action="append",
            default=[],
            metavar="EMAIL",
            help="Make this existing account an administrator of the organisation. Repeatable.",
        )
        parser.add_argument(
            "--scrutiny-officer",
            dest="scrutiny_officers",
            action="append",
            default=[],
            metavar="EMAIL",
            help="Make this existing account a scrutiny officer of the organisation, who can "
            "import recommendations. Repeatable.",
        )

    def handle(self, *args: object, **options: object) -> None:
        actor = self._account(str(options["email"]))
        office = None
        if options["office"]:
            office = Organisation.objects.filter(
                name__iexact=str(options["office"]).strip(), kind=Organisation.Kind.PCC_OFFICE
            ).first()
            if office is None:
                raise CommandError(f"There is no office called {options['office']}")
        grants = [
            (self._account(str(email)), role)
            for option, role in ROLES.items()
            for email in options[option]  # type: ignore[attr-defined]
        ]
        try:
            with transaction.atomic():
                organisation = organisation_create(
                    actor=actor,
                    name=str(options["name"]),
                    kind=str(options["kind"]),
                    short_name=str(options["short_name"]),
                    office=office,
                )
                for user, role in grants:
                    membership_grant(actor=actor, user=user, organisation=organisation, role=role)
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Added {organisation.name}."))
        for user, role in grants:
            self.stdout.write(f"{user.email} is {Membership.Role(role).label.lower()} of it.")

    def _account(self, email: str) -> User:
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(
                f"There is no active account for {email}. Create the first one with "
                "manage.py system_administrator EMAIL --name NAME; invite others in the web pages"
            )
        return user

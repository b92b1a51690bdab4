import getpass
import socket

from django.contrib.auth.tokens import default_token_generator
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from answerable.accounts.models import User
from answerable.accounts.services import system_administrator_set, user_create


class Command(BaseCommand):
    help = (
        "Make an account a system administrator, who manages offices in every area, or take "
        "that away with --remove. Creates the account (with --name) if there is none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="Full name, for a new account")
        parser.add_argument("--remove", action="store_true", help="Take the role away")
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="Where the service is served"
        )

    def handle(self, *args: object, **options: object) -> None:
        email = str(options["email"]).strip().lower()
        # Who ran the command, for the audit event: there is no signed-in actor here.
        note = f"manage.py system_administrator by {getpass.getuser()} on {socket.gethostname()}"
        user = User.objects.filter(email=email).first()
        if options["remove"]:
            if user is None:
                raise CommandError(f"There is no account for {email}")
            system_administrator_set(user=user, is_system_administrator=False, note=note)
            self.stdout.write(f"{email} is no longer a system administrator.")
            return
        if user is None:
            if not options["name"]:
                raise CommandError(f"There is no account for {email}: give --name to create one")
            user = user_create(
                email=email, full_name=str(options["name"]), password=None, actor=None
            )
            link = str(options["base_url"]).rstrip("/") + reverse(
                "accounts:password_set",
                args=[
                    urlsafe_base64_encode(force_bytes(user.pk)),
                    default_token_generator.make_token(user),
                ],
            )
            self.stdout.write(
                f"Account created. Set its password here (works once, for 3 days):\n{link}"
            )
        system_administrator_set(user=user, is_system_administrator=True, note=note)
        self.stdout.write(
            f"{email} is a system administrator. They must set up two-factor authentication "
            "when they next sign in."
        )

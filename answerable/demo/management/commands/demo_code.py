from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from answerable.demo.accounts import ACCOUNTS_BY_EMAIL, TOTP_DEVICE_NAME


class Command(BaseCommand):
    help = "Print the current two-factor code for a demo user, so no phone is needed (DEBUG only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="A demo user's email address, as seed_demo prints it")

    def handle(self, *args: object, **options: object) -> None:
        # A sign-in code is a credential: only ever hand one out on a development machine.
        if not settings.DEBUG:
            raise CommandError("demo_code only runs with DJANGO_DEBUG=true.")
        email = str(options["email"]).strip().lower()
        account = ACCOUNTS_BY_EMAIL.get(email)
        if account is None or account.totp_key is None:
            with_codes = ", ".join(a.email for a in ACCOUNTS_BY_EMAIL.values() if a.totp_key)
            raise CommandError(f"{email} is not a demo user with two-factor. Try: {with_codes}")
        device = TOTPDevice.objects.filter(
            user__email=email, name=TOTP_DEVICE_NAME, confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"{email} has no demo authenticator. Run manage.py seed_demo first.")
        code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        self.stdout.write(f"{code:0{device.digits}d}")
        self.stderr.write("The code changes every 30 seconds and works once.")

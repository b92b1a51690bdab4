"""The demo partnership and one sign-in per role, as `seed_demo` prints them."""

from base64 import b32encode
from collections.abc import Iterator
from dataclasses import dataclass

from answerable.organisations.models import Membership, Organisation

SITE_URL = "http://127.0.0.1:8000"
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed on purpose; demo accounts only
BACKUP_CODES = ("demo-1111", "demo-2222", "demo-3333", "demo-4444", "demo-5555")
TOTP_DEVICE_NAME = "Demo authenticator"
STATIC_DEVICE_NAME = "Demo backup codes"

Kind = Organisation.Kind
Role = Membership.Role


@dataclass(frozen=True)
class OrganisationSpec:
    key: str
    name: str
    kind: str
    short_name: str = ""


ORGANISATIONS = (
    OrganisationSpec(
        "office",
        "Office of the Police and Crime Commissioner for West Mercia",
        Kind.PCC_OFFICE,
        "West Mercia OPCC",
    ),
    OrganisationSpec("police", "West Mercia Police", Kind.POLICE_FORCE),
    OrganisationSpec("council", "Telford & Wrekin Council", Kind.LOCAL_AUTHORITY),
    OrganisationSpec("shropshire", "Shropshire Council", Kind.LOCAL_AUTHORITY),
    OrganisationSpec("icb", "NHS Shropshire, Telford and Wrekin ICB", Kind.HEALTH_BODY),
)


@dataclass(frozen=True)
class AccountSpec:
    email: str
    full_name: str
    job_title: str
    organisation: str
    role: str
    # A fixed 20-byte authenticator secret, for the roles that must use two-factor.
    totp_key: bytes | None = None

    @property
    def totp_secret(self) -> str:
        """The secret as an authenticator app takes it: base32, in groups of four."""
        encoded = b32encode(self.totp_key or b"").decode()
        return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


ACCOUNTS = (
    AccountSpec(
        "admin@answerable.example",
        "Alex Morgan",
        "Systems administrator",
        "office",
        Role.ADMINISTRATOR,
        totp_key=b"answerable-admin-otp",
    ),
    AccountSpec(
        "scrutiny@answerable.example",
        "Sam Patel",
        "Scrutiny officer",
        "office",
        Role.SCRUTINY_OFFICER,
        totp_key=b"answerable-scrut-otp",
    ),
    AccountSpec(
        "lead.police@answerable.example",
        "Lee Evans",
        "Detective Superintendent, Public Protection",
        "police",
        Role.LEAD_OFFICER,
    ),
    AccountSpec(
        "lead.council@answerable.example",
        "Cat Jones",
        "Service Delivery Manager, Safeguarding",
        "council",
        Role.LEAD_OFFICER,
    ),
    AccountSpec(
        "lead.nhs@answerable.example",
        "Nia Hughes",
        "Designated Nurse, Safeguarding Children",
        "icb",
        Role.LEAD_OFFICER,
    ),
    AccountSpec(
        "viewer@answerable.example",
        "Val Price",
        "Panel support officer",
        "office",
        Role.VIEWER,
    ),
)
ACCOUNTS_BY_EMAIL = {account.email: account for account in ACCOUNTS}
SCRUTINY_EMAIL = "scrutiny@answerable.example"
LEAD_EMAILS = {
    "police": "lead.police@answerable.example",
    "council": "lead.council@answerable.example",
    "icb": "lead.nhs@answerable.example",
}


def sign_in_lines() -> Iterator[str]:
    """The block `seed_demo` prints: where to go and how to sign in as each demo user."""
    names = {spec.key: spec.short_name or spec.name for spec in ORGANISATIONS}
    yield f"Open {SITE_URL} and sign in as one of these demo users."
    yield f"Every demo user's password is: {DEMO_PASSWORD}"
    yield ""
    width = max(len(account.email) for account in ACCOUNTS)
    for account in ACCOUNTS:
        role = Membership.Role(account.role).label
        yield f"  {account.email:<{width}}  {role:<16}  {names[account.organisation]}"
    yield ""
    yield "Administrators and scrutiny officers must use two-factor authentication."
    for account in ACCOUNTS:
        if account.totp_key:
            yield f"  {account.email:<{width}}  authenticator secret: {account.totp_secret}"
    yield (
        "  Backup codes for both (each works once; seed_demo puts them back): "
        + ", ".join(BACKUP_CODES)
    )
    yield "  Or print the current 6-digit code, with no phone:"
    yield f"    DJANGO_DEBUG=true .venv/bin/python manage.py demo_code {SCRUTINY_EMAIL}"

import re
import string
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from answerable.core.models import BaseModel, VersionedModel


class Organisation(BaseModel, VersionedModel):
    """A body in the partnership: the PCC's office, the force, a council, an NHS body."""

    class Kind(models.TextChoices):
        PCC_OFFICE = "pcc_office", _("Office of the Police and Crime Commissioner")
        POLICE_FORCE = "police_force", _("Police force")
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        HEALTH_BODY = "health_body", _("Health body")
        EDUCATION = "education", _("Education")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The PCC's office whose area a partner is in; its administrators manage the partner.
    # Offices have none: only a system administrator manages an office.
    office = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partners",
        limit_choices_to={"kind": "pcc_office"},
    )
    is_archived = models.BooleanField(default=False)
    archived_reason = models.TextField(blank=True)
    # Four-eyes: an office may require that what it puts out in its name (progress reports)
    # is approved by a second scrutiny officer, not the one who drafted it.
    requires_second_approval = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.office_id is None:
            return
        if self.kind == self.Kind.PCC_OFFICE:
            raise ValidationError({"office": _("An office is not in another office's area")})
        if self.office is not None and self.office.kind != self.Kind.PCC_OFFICE:
            raise ValidationError({"office": _("A partner's area must be a PCC's office")})

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Membership(BaseModel):
    """A user's role in one organisation. A user may belong to more than one."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Administrator")
        SCRUTINY_OFFICER = "scrutiny_officer", _("Scrutiny officer")
        LEAD_OFFICER = "lead_officer", _("Lead officer")
        VIEWER = "viewer", _("Viewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.organisation}"


_PUNCTUATION = str.maketrans(dict.fromkeys(string.punctuation + "‘’“”–—", " "))


def organisation_name_key(name: str) -> str:
    """A name folded for matching: case, "&" or "and", punctuation and spacing do not count.

    "Telford & Wrekin Council" and "telford and wrekin council." have the same key.
    """
    folded = name.casefold().replace("&", " and ").translate(_PUNCTUATION)
    return re.sub(r"\s+", " ", folded).strip()


class OrganisationAlias(BaseModel):
    """Another name an office's files give one or more organisations, remembered from an import.

    Held per office: the names are an office's own usage, and "All relevant agencies" or "the
    Joint CSE Review Group" stand for different partners in each area, so one office's
    choices must not decide another's imports. A name standing for several organisations has
    a row for each.
    """

    office = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="owner_aliases",
        limit_choices_to={"kind": "pcc_office"},
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="aliases")
    # As first written in a file; `key` is what later names are matched on.
    name = models.CharField(max_length=500)
    key = models.CharField(max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "key", "organisation"], name="organisation_alias_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.organisation}"


_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_SECRET_VARIABLE = re.compile(r"^OIDC_SECRET_[A-Z0-9_]{1,60}$")


class SignInProvider(BaseModel):
    """An organisation's own OpenID Connect sign-in service (single sign-on, issue #18).

    Someone whose email address is in one of `email_domains` may sign in through it; they are
    matched to their existing account by the address the provider has verified. The client
    secret is never stored: `client_secret_variable` names the environment variable that
    holds it (settings.OIDC_CLIENT_SECRETS). See docs/adr/0016-single-sign-on.md.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="sign_in_provider"
    )
    issuer = models.URLField(
        max_length=500,
        help_text=_(
            "The provider's issuer identifier, such as https://login.example.org. Its settings "
            "are read from the issuer followed by /.well-known/openid-configuration."
        ),
    )
    client_id = models.CharField(max_length=255)
    client_secret_variable = models.CharField(
        max_length=80,
        help_text=_(
            "The name of the environment variable holding the client secret, such as "
            "OIDC_SECRET_SHIRE_POLICE. The secret itself is never stored in the database."
        ),
    )
    email_domains = models.CharField(
        max_length=1000,
        help_text=_(
            "The email domains this provider signs people in for, separated by spaces, such "
            "as shire.police.uk. A domain belongs to at most one provider."
        ),
    )
    # Whether an `amr` claim showing a second factor (RFC 8176) counts as Answerable's
    # two-factor for roles that need it. Off: such roles still enter an authenticator code.
    accepts_provider_two_factor = models.BooleanField(default=True)
    is_enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"Sign-in service of {self.organisation}"

    @property
    def domains(self) -> list[str]:
        return sorted({d.strip().lower() for d in re.split(r"[\s,;]+", self.email_domains) if d})

    def clean(self) -> None:
        errors: dict[str, str] = {}
        domains = self.domains
        bad = [domain for domain in domains if not _DOMAIN.match(domain)]
        if not domains:
            errors["email_domains"] = str(
                _("Enter at least one email domain, like shire.police.uk")
            )
        elif bad:
            errors["email_domains"] = _("%(domains)s is not an email domain") % {
                "domains": ", ".join(bad)
            }
        else:
            self.email_domains = " ".join(domains)
        if not _SECRET_VARIABLE.match(self.client_secret_variable):
            errors["client_secret_variable"] = str(
                _(
                    "Enter a variable name that starts with OIDC_SECRET_ and has only capital "
                    "letters, digits and underscores"
                )
            )
        # Tokens and the client secret travel over this: plain http only on this machine.
        issuer = urlsplit(self.issuer)
        on_this_machine = issuer.hostname in {"127.0.0.1", "localhost"}
        if not (issuer.scheme == "https" or (issuer.scheme == "http" and on_this_machine)):
            errors["issuer"] = str(_("Enter the issuer's https address"))
        if errors:
            raise ValidationError(errors)


# Roles that must use two-factor authentication (PRODUCT.md: administrators and scrutiny officers).
TWO_FACTOR_ROLES = frozenset({Membership.Role.ADMINISTRATOR, Membership.Role.SCRUTINY_OFFICER})

import re
import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from answerable.core.models import BaseModel, VersionedModel


class Organisation(BaseModel, VersionedModel):
    """A body in the partnership: the PCC's office, the force, a council, an NHS body."""

    class Kind(models.TextChoices):
        PCC_OFFICE = "pcc_office", "Office of the Police and Crime Commissioner"
        POLICE_FORCE = "police_force", "Police force"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        HEALTH_BODY = "health_body", "Health body"
        EDUCATION = "education", "Education"
        OTHER = "other", "Other"

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
        ADMINISTRATOR = "administrator", "Administrator"
        SCRUTINY_OFFICER = "scrutiny_officer", "Scrutiny officer"
        LEAD_OFFICER = "lead_officer", "Lead officer"
        VIEWER = "viewer", "Viewer"

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


# Roles that must use two-factor authentication (PRODUCT.md: administrators and scrutiny officers).
TWO_FACTOR_ROLES = frozenset({Membership.Role.ADMINISTRATOR, Membership.Role.SCRUTINY_OFFICER})

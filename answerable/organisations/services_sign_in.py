"""Single sign-on through an organisation's own provider (issue #18, ADR 0016).

Someone signing in through their organisation's provider is matched to the account they
already have, by the email address the provider has verified; nobody gets an account this
way. Each sign-in and each refusal is audited.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.accounts.selectors import user_get_by_email
from answerable.audit.services import audit_record
from answerable.organisations.models import Organisation, SignInProvider
from answerable.organisations.selectors import access_for, sign_in_provider_domains_taken

# RFC 8176 methods that show a second factor was used: "mfa" itself, or a factor beyond a
# password (a one-time code, a hardware key, a text message, a smart card).
TWO_FACTOR_METHODS = frozenset({"mfa", "otp", "hwk", "sms", "sc"})


class Refusal:
    """Why a sign-in through a provider was refused: the audit's code for each."""

    EMAIL_MISSING = "email_missing"
    EMAIL_UNVERIFIED = "email_unverified"
    DOMAIN_NOT_ALLOWED = "domain_not_allowed"
    NO_ACCOUNT = "no_account"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    ANSWER_REFUSED = "answer_refused"  # bad state, token, signature, expiry; or cancelled
    PROVIDER_UNAVAILABLE = "provider_unavailable"


class SignInRefused(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class ProviderSignIn:
    user: User
    # The provider's `amr` showed a second factor and the organisation accepts it.
    has_two_factor: bool


@transaction.atomic
def sign_in_provider_refusal_record(
    *, provider: SignInProvider, reason: str, email: str = "", detail: str = ""
) -> None:
    """Audit a refused sign-in through the provider, with the address it gave, if any."""
    audit_record(
        actor=None,
        action="sign_in_provider.refused",
        target=provider,
        organisation=provider.organisation,
        changes={"email": [None, email]} if email else {},
        note=f"{reason}: {detail}" if detail else reason,
    )


def provider_sign_in(*, provider: SignInProvider, claims: dict[str, Any]) -> ProviderSignIn:
    """The account the provider's verified email address belongs to; audited.

    `claims` are those of an ID token already checked (organisations.oidc). Raises
    SignInRefused, after auditing it, when the address is missing, unverified, outside the
    organisation's domains, or has no active account.
    """
    email = str(claims.get("email") or "").strip().lower()
    user = user_get_by_email(email=email)
    refusal = _refusal(provider=provider, claims=claims, email=email, user=user)
    if refusal is not None:
        reason, message = refusal
        sign_in_provider_refusal_record(provider=provider, reason=reason, email=email)
        raise SignInRefused(reason, message)
    assert user is not None  # noqa: S101 - _refusal returns one when there is no user
    methods = claims.get("amr") or []
    methods = [str(method) for method in methods] if isinstance(methods, list) else []
    has_two_factor = provider.accepts_provider_two_factor and bool(
        TWO_FACTOR_METHODS.intersection(methods)
    )
    with transaction.atomic():
        audit_record(
            actor=user,
            action="user.signed_in_with_provider",
            target=user,
            organisation=provider.organisation,
            changes={"two_factor_by_provider": [None, has_two_factor]},
            note="amr: " + " ".join(methods) if methods else "",
        )
    return ProviderSignIn(user=user, has_two_factor=has_two_factor)


def _refusal(
    *, provider: SignInProvider, claims: dict[str, Any], email: str, user: User | None
) -> tuple[str, str] | None:
    organisation = provider.organisation.display_name
    if not email:
        return Refusal.EMAIL_MISSING, _(
            "%(organisation)s's sign-in service did not give your email address, so your "
            "Answerable account cannot be found. Ask its administrators to share it."
        ) % {"organisation": organisation}
    # "Verified" must be said: a provider that leaves it out has not checked the address.
    if claims.get("email_verified") is not True:
        return Refusal.EMAIL_UNVERIFIED, _(
            "%(organisation)s's sign-in service has not confirmed that %(email)s is your "
            "email address. Confirm it there, or sign in with your Answerable password."
        ) % {"organisation": organisation, "email": email}
    if email.rpartition("@")[2] not in provider.domains:
        return Refusal.DOMAIN_NOT_ALLOWED, _(
            "%(email)s is not an address that %(organisation)s's sign-in service can sign "
            "in to Answerable. Sign in with the account for your work email address, or "
            "with your Answerable password."
        ) % {"organisation": organisation, "email": email}
    if user is None:
        return Refusal.NO_ACCOUNT, _(
            "There is no Answerable account for %(email)s. Ask an administrator of your "
            "organisation to invite you."
        ) % {"email": email}
    if not user.is_active:
        return Refusal.ACCOUNT_DEACTIVATED, _(
            "Your account has been deactivated. Ask an administrator of your organisation "
            "to reactivate it."
        )
    return None


def domains_taken_message(taken: dict[str, Organisation]) -> str:
    return "; ".join(
        _("%(domain)s already belongs to %(organisation)s")
        % {"domain": domain, "organisation": organisation}
        for domain, organisation in sorted(taken.items())
    )


# What the audit compares when a provider is changed (never a secret: none is stored).
_FIELDS = (
    "issuer",
    "client_id",
    "client_secret_variable",
    "email_domains",
    "accepts_provider_two_factor",
    "is_enabled",
)


@transaction.atomic
def sign_in_provider_save(*, actor: User, provider: SignInProvider) -> SignInProvider:
    """Set up or change an organisation's sign-in provider. Only system administrators may.

    A domain belongs to at most one provider, so an address leads to one organisation.
    """
    if not (access_for(actor).is_system_administrator or actor.is_superuser):
        raise PermissionDenied("Only a system administrator sets up sign-in services")
    provider.full_clean()
    taken = sign_in_provider_domains_taken(provider=provider)
    if taken:
        raise ValidationError({"email_domains": domains_taken_message(taken)})
    created = provider.pk is None
    before = {} if created else SignInProvider.objects.filter(pk=provider.pk).values(*_FIELDS).get()
    provider.save()
    changes = {
        field: [before.get(field), getattr(provider, field)]
        for field in _FIELDS
        if before.get(field) != getattr(provider, field)
    }
    audit_record(
        actor=actor,
        action="sign_in_provider.created" if created else "sign_in_provider.changed",
        target=provider,
        organisation=provider.organisation,
        changes=changes,
    )
    return provider

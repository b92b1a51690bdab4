"""Administration of people (issue #18): deactivate, reactivate, reset two-factor.

Each changes a whole account, so the administrator must manage every organisation the person
has a role in (`person_management_refusal`). Giving an existing account a role in another
organisation is the invitation's job (services.user_invite).
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.accounts.services import (
    two_factor_devices_delete,
    user_lock,
    user_sessions_delete,
)
from answerable.audit.services import audit_record
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import access_for
from answerable.organisations.selectors_people import person_management_refusal


def password_set_link(*, user: User, base_url: str) -> str:
    """The single-use link that lets the person set a password (accounts.views.password_set)."""
    return base_url.rstrip("/") + reverse(
        "accounts:password_set",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )


def _locked_person(*, actor: User, user: User, organisation: Organisation) -> User:
    """The person's row, locked, once the actor is shown to manage their whole account."""
    if not access_for(actor).can_administer(organisation):
        raise PermissionDenied("Only an administrator of its area manages this organisation")
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise PermissionDenied("The person has no role in this organisation")
    person = user_lock(user=user)
    refusal = person_management_refusal(actor=actor, person=person)
    if refusal:
        raise ValidationError(refusal)
    return person


@transaction.atomic
def user_deactivate(*, actor: User, user: User, organisation: Organisation) -> User:
    """Stop the person signing in: every session of theirs ends at once, the API's too.

    Their roles stay, so reactivating gives back what they had; the audit event keeps who
    did it and from which organisation.
    """
    person = _locked_person(actor=actor, user=user, organisation=organisation)
    if not person.is_active:
        raise ValidationError(_("%(name)s is already deactivated") % {"name": person})
    person.is_active = False
    person.save(update_fields=["is_active"])
    ended = user_sessions_delete(user=person)
    audit_record(
        actor=actor,
        action="user.deactivated",
        target=person,
        organisation=organisation,
        changes={"is_active": [True, False], "sessions_ended": [None, ended]},
    )
    return person


@transaction.atomic
def user_reactivate(*, actor: User, user: User, organisation: Organisation) -> User:
    """Let a deactivated person sign in again, with the roles they still have."""
    person = _locked_person(actor=actor, user=user, organisation=organisation)
    if person.is_active:
        raise ValidationError(_("%(name)s is already active") % {"name": person})
    person.is_active = True
    person.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="user.reactivated",
        target=person,
        organisation=organisation,
        changes={"is_active": [False, True]},
    )
    return person


@transaction.atomic
def user_two_factor_reset(*, actor: User, user: User, organisation: Organisation) -> User:
    """Remove the person's two-factor devices (a lost phone) and end their sessions; they
    are emailed, and a role that needs two-factor makes them set it up at their next
    sign-in (organisations.middleware)."""
    person = _locked_person(actor=actor, user=user, organisation=organisation)
    removed = two_factor_devices_delete(user=person)
    if not removed:
        raise ValidationError(
            _("%(name)s has not set up two-factor authentication") % {"name": person}
        )
    ended = user_sessions_delete(user=person)
    audit_record(
        actor=actor,
        action="user.two_factor_reset",
        target=person,
        organisation=organisation,
        changes={"devices": [removed, 0], "sessions_ended": [None, ended]},
    )
    message = _(
        "%(actor)s, an administrator of %(organisation)s, has reset two-factor "
        "authentication on your Answerable account, and signed you out.\n\n"
        "When you next sign in, you will be asked to set up your authenticator app again.\n\n"
        "If you did not ask for this, tell your organisation's administrator."
    ) % {"actor": actor.full_name, "organisation": organisation.name}
    transaction.on_commit(
        lambda: send_mail(
            subject=_("Your Answerable two-factor authentication has been reset"),
            message=message,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[person.email],
        )
    )
    return person


def new_role_notify(
    *, actor: User, user: User, organisation: Organisation, role: str, base_url: str
) -> None:
    """After the commit, tell an existing account's holder of the role just given them.

    A deactivated account is not told: it signs in only once reactivated. Someone who never
    set a password is sent a fresh link to set one.
    """
    if not user.is_active:
        return
    message = _(
        "%(actor)s has given you the role of %(role)s for %(organisation)s in Answerable."
    ) % {
        "actor": actor.full_name,
        "role": Membership.Role(role).label.lower(),
        "organisation": organisation.name,
    }
    if user.has_usable_password():
        message += "\n\n" + _("Sign in as usual: %(link)s") % {
            "link": base_url.rstrip("/") + reverse("accounts:sign_in")
        }
    else:
        link = password_set_link(user=user, base_url=base_url)
        message += "\n\n" + _(
            "Set your password here (the link works once, for 3 days):\n%(link)s"
        ) % {"link": link}
    transaction.on_commit(
        lambda: send_mail(
            subject=_("You have a new role in Answerable"),
            message=message + "\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
    )

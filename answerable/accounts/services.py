"""Sign-in and two-factor set-up. Each change is audited."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from answerable.accounts.models import User
from answerable.audit.services import audit_record


@transaction.atomic
def user_create(
    *, email: str, full_name: str, password: str | None, actor: User | None, job_title: str = ""
) -> User:
    """Create a user account; roles are given separately through memberships."""
    user = User(email=email.lower().strip(), full_name=full_name, job_title=job_title)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=actor,
        action="user.created",
        target=user,
        changes={"email": [None, user.email], "full_name": [None, full_name]},
    )
    return user


def totp_device_pending(*, user: User) -> TOTPDevice:
    """Return the user's unconfirmed authenticator, creating one with a new secret if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm the authenticator if the code matches; return whether it did."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=device.user, action="user.two_factor_enabled", target=device.user)
    return True


@transaction.atomic
def user_password_set(*, user: User, password: str) -> User:
    """Set a new password (after an invitation or reset link) and audit it, without the value."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action="user.password_set", target=user)
    return user


@transaction.atomic
def system_administrator_set(*, user: User, is_system_administrator: bool, note: str) -> User:
    """Make someone a system administrator, who manages offices, or take that away.

    Only the command line does this (`manage.py system_administrator`), so there is no actor;
    the note says who ran it. System administrators must use two-factor authentication.
    """
    previous = user.is_system_administrator
    if previous == is_system_administrator:
        return user
    user.is_system_administrator = is_system_administrator
    user.save(update_fields=["is_system_administrator"])
    audit_record(
        actor=None,
        action="user.system_administrator_granted"
        if is_system_administrator
        else "user.system_administrator_revoked",
        target=user,
        changes={"is_system_administrator": [previous, is_system_administrator]},
        note=note,
    )
    return user


@transaction.atomic
def password_reset_request(*, email: str, base_url: str) -> None:
    """Email a single-use link to set a new password, if an active account has this address.

    The caller shows the same page either way, so no one learns whether an account exists.
    The link stops working once the password changes, or after PASSWORD_RESET_TIMEOUT.
    """
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None:
        return
    link = base_url.rstrip("/") + reverse(
        "accounts:password_set",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    audit_record(actor=None, action="user.password_reset_requested", target=user)
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    message = _(
        "Someone asked to reset the password of your Answerable account.\n\n"
        "Set a new password here (the link works once, for %(hours)s hours):\n%(link)s\n\n"
        "If it was not you, ignore this email: your password has not changed."
    ) % {"hours": hours, "link": link}
    transaction.on_commit(
        lambda: send_mail(
            subject=_("Reset your Answerable password"),
            message=message,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
    )

"""Sign-in and two-factor set-up. Each change is audited."""

from django.db import transaction
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

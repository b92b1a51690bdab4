"""Sign-in, two-factor set-up and signed-in sessions. Each change is audited."""

import datetime
import re
from importlib import import_module

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp import device_classes
from django_otp.plugins.otp_totp.models import TOTPDevice

from answerable.accounts.models import User, UserSession
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


@transaction.atomic
def totp_device_pending(*, user: User) -> TOTPDevice:
    """Return the user's unconfirmed authenticator, creating one with a new secret if needed.

    A new secret is audited: it is half of a sign-in factor, so the trail shows when each
    was issued even if the person never confirms it.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice(user=user, name="Authenticator app", confirmed=False)
        device.full_clean()
        device.save()
        audit_record(actor=user, action="user.two_factor_setup_started", target=user)
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


# --- signed-in sessions (issue #18) ----------------------------------------------------------
# The bookkeeping (start, seen, forget) is not audited, as signing in and out is not; ending
# someone's sessions is, by the service that decides to.

# First match wins: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
# Android also says "Linux", iPhones "like Mac OS X".
_SYSTEMS = [
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


def user_agent_summary(user_agent: str) -> tuple[str, str]:
    """The browser and operating system named by a User-Agent header, or "" for either."""

    def first(table: list[tuple[str, str]]) -> str:
        return next((name for marker, name in table if marker in user_agent), "")

    user_agent = re.sub(r"\s+", " ", user_agent or "")[:512]
    return first(_BROWSERS), first(_SYSTEMS)


def _expired() -> Q:
    """Sessions the idle or absolute limit has already ended (accounts.middleware)."""
    now = timezone.now()
    return Q(last_seen_at__lt=now - datetime.timedelta(seconds=settings.SESSION_IDLE_SECONDS)) | Q(
        created_at__lt=now - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )


def user_session_start(*, user: User, session_key: str, user_agent: str) -> UserSession:
    """Record a session just signed in with, and forget the person's expired ones."""
    UserSession.objects.filter(_expired(), user=user).delete()
    browser, system = user_agent_summary(user_agent)
    now = timezone.now()
    session, _created = UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "created_at": now,
            "last_seen_at": now,
            "browser": browser,
            "system": system,
        },
    )
    return session


def user_session_seen(*, user: User, session_key: str, user_agent: str) -> None:
    """Move the session's last-seen time on; record it if it was signed in before sessions
    were recorded, so that signing out everywhere reaches it too."""
    now = timezone.now()
    if UserSession.objects.filter(session_key=session_key, user=user).update(last_seen_at=now):
        return
    browser, system = user_agent_summary(user_agent)
    UserSession.objects.get_or_create(
        session_key=session_key,
        defaults={"user": user, "last_seen_at": now, "browser": browser, "system": system},
    )


def user_session_forget(*, session_key: str) -> None:
    """The person signed out of this session (or it ended): stop listing it."""
    UserSession.objects.filter(session_key=session_key).delete()


def user_sessions_delete(*, user: User, keep_session_key: str | None = None) -> int:
    """End the user's sessions, all or all but one, and return how many.

    Each is deleted from the session store, so its browser is signed out at its next request
    (the API too, which signs in with the same session). Callers audit why.
    """
    sessions = UserSession.objects.filter(user=user)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    keys = list(sessions.values_list("session_key", flat=True))
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


@transaction.atomic
def user_sessions_sign_out(*, user: User, keep_session_key: str | None) -> int:
    """Sign the user out of every session but `keep_session_key` (or of all, given None)."""
    ended = user_sessions_delete(user=user, keep_session_key=keep_session_key)
    audit_record(
        actor=user,
        action="user.signed_out_elsewhere" if keep_session_key else "user.signed_out_everywhere",
        target=user,
        changes={"sessions_ended": [None, ended]},
    )
    return ended


def two_factor_devices_delete(*, user: User) -> int:
    """Remove every two-factor device the user has (authenticators, backup codes), set up or
    not, and return how many. Callers audit why."""
    deleted = 0
    for model in device_classes():
        _total, by_model = model.objects.filter(user=user).delete()  # total counts codes too
        deleted += by_model.get(model._meta.label, 0)
    return deleted


def user_lock(*, user: User) -> User:
    """The person's row read again and locked until the transaction ends, so two changes to
    one account (deactivating it, resetting its second factor) happen one after the other."""
    return User.objects.select_for_update().get(pk=user.pk)

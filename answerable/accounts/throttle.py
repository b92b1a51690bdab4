"""Slow down password guessing against one account without letting anyone lock it out.

After FREE_ATTEMPTS failures in a row, each further attempt on that email address must wait
twice as long as the last (1, 2, 4 … minutes, at most an hour), whatever address it comes
from, and the account holder is told by email once. Guessing across many accounts from one
network address is stopped separately, by django-axes's address lockout (AXES_FAILURE_LIMIT).
"""

import datetime
import hashlib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from answerable.accounts.models import SignInThrottle, User
from answerable.audit.services import audit_record

FREE_ATTEMPTS = 5
LONGEST_WAIT = datetime.timedelta(hours=1)


def _key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def sign_in_wait(*, email: str) -> datetime.timedelta | None:
    """How long this email address must wait before its next attempt, or None."""
    throttle = SignInThrottle.objects.filter(email_key=_key(email)).first()
    if throttle is None or throttle.failures < FREE_ATTEMPTS:
        return None
    wait = min(datetime.timedelta(minutes=2 ** (throttle.failures - FREE_ATTEMPTS)), LONGEST_WAIT)
    remaining = throttle.last_failure_at + wait - timezone.now()
    return remaining if remaining > datetime.timedelta(0) else None


@transaction.atomic
def sign_in_failure_record(*, email: str) -> None:
    """Count a failed attempt; at the first delay, tell the account holder, if there is one."""
    now = timezone.now()
    throttle, created = SignInThrottle.objects.select_for_update().get_or_create(
        email_key=_key(email), defaults={"failures": 1, "last_failure_at": now}
    )
    if not created:
        SignInThrottle.objects.filter(pk=throttle.pk).update(
            failures=F("failures") + 1, last_failure_at=now
        )
        throttle.refresh_from_db()
    if throttle.failures < FREE_ATTEMPTS or throttle.notified_at is not None:
        return
    throttle.notified_at = now
    throttle.save(update_fields=["notified_at"])
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None:
        return
    audit_record(
        actor=None,
        action="user.sign_in_throttled",
        target=user,
        changes={"failures": [None, throttle.failures]},
    )
    transaction.on_commit(lambda: _notify(user))


def sign_in_success_record(*, email: str) -> None:
    """A correct password clears the count."""
    SignInThrottle.objects.filter(email_key=_key(email)).delete()


def _notify(user: User) -> None:
    send_mail(
        subject=_("Someone is trying to sign in to your Answerable account"),
        message=_(
            "There have been %(count)s attempts to sign in to your account with the wrong "
            "password. Each new attempt now has to wait longer.\n\nIf this was you, wait and "
            "try again, or ask your organisation's administrator to reset your password. If it "
            "was not you, tell your administrator: your password is still safe."
        )
        % {"count": FREE_ATTEMPTS},
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )

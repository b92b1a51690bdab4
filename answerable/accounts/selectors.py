"""Reads about accounts themselves."""

import datetime
import functools
import operator

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import router
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.http import urlsafe_base64_decode
from django_otp import device_classes

from answerable.accounts.models import User, UserSession
from answerable.core.statements import fixed_sql_cursor


def user_has_confirmed_device(user: User) -> bool:
    """Whether the user has a confirmed two-factor device of any kind, in one query.

    django_otp.user_has_device asks each device table in turn: two queries on every page
    for everyone without a device (issue #5). Written as SQL because building the same
    query through the ORM cost more than both of those queries.
    """
    sql, tables = _confirmed_device_sql()
    with fixed_sql_cursor(router.db_for_read(User)) as cursor:
        cursor.execute(sql, [user.pk] * tables)
        return bool(cursor.fetchone()[0])


def account_with_device(pk: int) -> QuerySet[User]:
    """The account with this id, with `has_confirmed_device` (any kind, confirmed) read in the
    same query: for another app to read more with it (organisations.signed_in, issue #12)."""
    found = (
        Q(Exists(model.objects.filter(user_id=OuterRef("pk"), confirmed=True)))
        for model in device_classes()
    )
    has_device = ExpressionWrapper(
        functools.reduce(operator.or_, found), output_field=BooleanField()
    )
    return User._default_manager.filter(pk=pk).annotate(has_confirmed_device=has_device).order_by()


def confirmed_device_read_with_account(user: User) -> bool:
    """`user_has_confirmed_device`, answered by the column `has_confirmed_device` read with
    the account at the start of the request where there is one: for the checks made before
    the page, which cannot change it."""
    read = getattr(user, "has_confirmed_device", None)
    return user_has_confirmed_device(user) if read is None else bool(read)


@functools.cache
def _confirmed_device_sql() -> tuple[str, int]:
    """The query and how many tables it asks: device_classes() walks every model in the
    project, on every page for everyone without a device, and the models never change."""
    tables = [model._meta.db_table for model in device_classes()]
    union = " UNION ALL ".join(
        f"SELECT 1 FROM {table} WHERE user_id = %s AND confirmed"  # noqa: S608 - model tables
        for table in tables
    )
    return f"SELECT EXISTS({union})", len(tables)  # noqa: S608 - our own table and column names


def user_session_list(*, user: User) -> QuerySet[UserSession]:
    """The user's sessions that are still signed in, most recently used first.

    A session past the idle or absolute limit ends at its next request (accounts.middleware)
    and is left out here, though its row waits to be cleared at the person's next sign-in.
    """
    now = timezone.now()
    return UserSession.objects.filter(
        user=user,
        last_seen_at__gte=now - datetime.timedelta(seconds=settings.SESSION_IDLE_SECONDS),
        created_at__gte=now - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE),
    ).order_by("-last_seen_at", "-created_at")


def deactivated_account_matches(*, email: str, password: str) -> bool:
    """Whether the email and password are right but the account is deactivated.

    Only someone who knows the password learns that the account exists and is deactivated:
    anyone else is told the email address or password is wrong, as for no account at all.
    """
    user = User.objects.filter(email=email.strip().lower(), is_active=False).first()
    return user is not None and user.check_password(password)


def user_in_bulk(*, ids: set[int]) -> dict[int, User]:
    """The people with these ids, by id: who entered or changed something, read once."""
    return User.objects.in_bulk(ids)


def user_list(*, active: bool = False) -> QuerySet[User]:
    """People (only those whose account is on, if `active`), for another app to narrow by a
    rule of its own: their memberships, what they follow."""
    people = User.objects.all()
    return people.filter(is_active=True) if active else people


def user_get_by_email(*, email: str) -> User | None:
    """The account with this address, active or not, or None (addresses are kept in lower
    case)."""
    email = email.strip().lower()
    return User.objects.filter(email=email).first() if email else None


def password_link_user(*, uidb64: str, token: str) -> User | None:
    """The active account a password-set link names, if its token is still good; else None
    (a mangled, used or expired link)."""
    try:
        user = User.objects.get(pk=urlsafe_base64_decode(uidb64).decode(), is_active=True)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        return None
    return user if default_token_generator.check_token(user, token) else None

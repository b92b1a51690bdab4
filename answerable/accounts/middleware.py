import functools
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions import middleware as session_middleware
from django.contrib.sessions.backends import db as session_db
from django.contrib.sessions.models import Session
from django.db import InterfaceError, OperationalError, connections, router
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_otp import middleware as otp_middleware
from django_otp.models import Device

from answerable.accounts.models import User
from answerable.accounts.services import user_session_seen
from answerable.core.prepared import prepared_list
from answerable.core.statements import fixed_sql_cursor

# Every sign-in stores this backend (accounts.views, organisations.views_sign_in): the one
# whose accounts SignedInUserMiddleware reads itself.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@functools.cache
def _session_sql(database: str) -> str:
    """The read of a live session's data, written once per database: every signed-in request
    makes it, and building it through the ORM took ten times as long as running it (#12)."""
    quote = connections[database].ops.quote_name
    data, key, expiry = (
        quote(Session._meta.get_field(name).column)  # type: ignore[union-attr, arg-type]
        for name in ("session_data", "session_key", "expire_date")
    )
    table = quote(Session._meta.db_table)
    return f"SELECT {data} FROM {table} WHERE {key} = %s AND {expiry} > %s"  # noqa: S608 - the model's own names


class SessionStore(session_db.SessionStore):
    """Django's database sessions, read with SQL written once: written, ended and cleared as
    Django does, so signing out (or out everywhere) still ends a session at once on every
    worker."""

    def load(self) -> dict[str, Any]:
        database = router.db_for_read(self.model)
        connection = connections[database]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        if _checking_health(connection):
            # This read is the request's first on a kept connection: let it be the health
            # check too, rather than Django's `SELECT 1` before it (a round trip on every
            # signed-in request, issue #12). A connection the server dropped fails here,
            # and is opened afresh as the check would have done.
            connection.health_check_done = True  # type: ignore[attr-defined]
            try:
                return self._read(database, now)
            except (InterfaceError, OperationalError):
                connection.close()
        return self._read(database, now)

    def _read(self, database: str, now: Any) -> dict[str, Any]:
        with fixed_sql_cursor(database) as cursor:
            cursor.execute(_session_sql(database), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:  # ended or expired: start afresh, as Django's store does
            self._session_key = None
            return {}
        return self.decode(row[0])


def _checking_health(connection: Any) -> bool:  # django-stubs lack the health check's names
    """Whether Django would check the connection with a query before its next one
    (CONN_HEALTH_CHECKS, a kept connection, not yet this request; SQLite's check asks
    nothing) and no transaction is open to lose."""
    return (
        connection.vendor == "postgresql"
        and connection.health_check_enabled
        and not connection.health_check_done
        and connection.connection is not None
        and not connection.in_atomic_block
    )


class SessionMiddleware(session_middleware.SessionMiddleware):
    """Django's session middleware with the quicker read above."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        super().__init__(get_response)
        self.SessionStore = SessionStore


def _user_by_id(pk: int) -> QuerySet[User]:
    return User._default_manager.filter(pk=pk).order_by()


def account_by_id(pk: int) -> User | None:
    """The account with this id, or None: the read `signed_in_user` makes by default."""
    found = prepared_list("accounts.signed_in_user", User, _user_by_id, pk)
    return found[0] if found else None


def signed_in_user(
    request: HttpRequest, read_account: Callable[[int], User | None] = account_by_id
) -> Any:
    """`django.contrib.auth.get_user`, with the account read by SQL built once (issue #12).

    Only the usual case is answered here: a session signed in through the model backend,
    whose account is active and whose password hash still matches the session's. Anything
    else (no sign-in, a changed password, a rotated secret key, a deactivated account) goes
    to Django's own function, which signs the session out or moves it to the new key.
    `read_account` lets an app above read more with the account in the same query.
    """
    session = request.session
    try:
        user_id = User._meta.pk.to_python(session[auth.SESSION_KEY])
        backend = session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend != MODEL_BACKEND or backend not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    found = read_account(user_id)
    session_hash = session.get(auth.HASH_SESSION_KEY)
    if (
        found is not None
        and found.is_active
        and session_hash
        and constant_time_compare(session_hash, found.get_session_auth_hash())
    ):
        return found
    return auth.get_user(request)


class SignedInUserMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's AuthenticationMiddleware with `signed_in_user` above reading the account."""

    read_account: Callable[[int], User | None] = staticmethod(account_by_id)

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: self._user(request))  # type: ignore[assignment]

    def _user(self, request: HttpRequest) -> Any:
        if not hasattr(request, "_cached_user"):
            request._cached_user = signed_in_user(request, self.read_account)  # type: ignore[attr-defined]
        return request._cached_user  # type: ignore[attr-defined]


class OTPMiddleware(otp_middleware.OTPMiddleware):
    """django-otp's middleware with the session's device read by SQL built once (issue #12):
    the ORM took half a millisecond on every page of everyone who uses two-factor."""

    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        label, _slash, device_id = self._normalize_persistent_id(persistent_id).rpartition("/")
        try:
            model = apps.get_model(label)
            pk = int(device_id)
        except (ValueError, LookupError):
            return None
        if not issubclass(model, Device):
            return None
        found = prepared_list(
            f"accounts.session_device.{model._meta.label_lower}",
            model,
            lambda pk: model.objects.filter(pk=pk).order_by(),
            pk,
        )
        return found[0] if found else None


class SignedInNoStoreMiddleware:
    """Tell browsers and proxies not to keep what a signed-in person was shown (issue #11).

    A shared computer's back button or a caching proxy must not show another person's
    register. Responses that set their own Cache-Control (public pages, feeds) keep it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class IdleSessionMiddleware:
    """Sign out someone who has made no request for SESSION_IDLE_SECONDS, or who signed in
    more than SESSION_COOKIE_AGE ago however active since (issue #11).

    Saving the session moves its cookie's expiry on, so the absolute limit is kept here, from
    the time of sign-in. The time seen is saved at most once a minute, so most requests write
    nothing to the session.
    """

    KEY = "answerable_last_seen"
    SIGNED_IN_KEY = "answerable_signed_in_at"
    SAVE_EVERY_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @classmethod
    def start(cls, request: HttpRequest) -> None:
        """Start both clocks at sign-in (accounts.apps connects this to user_logged_in)."""
        now = int(timezone.now().timestamp())
        request.session[cls.KEY] = now
        request.session[cls.SIGNED_IN_KEY] = now

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            last_seen = request.session.get(self.KEY, now)
            signed_in_at = request.session.get(self.SIGNED_IN_KEY, now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                minutes = settings.SESSION_IDLE_SECONDS // 60
                reason = _("You were signed out after %(minutes)s minutes without activity") % {
                    "minutes": minutes
                }
                return self._sign_out(request, reason)
            if now - signed_in_at > settings.SESSION_COOKIE_AGE:
                hours = settings.SESSION_COOKIE_AGE // 3600
                reason = _("You were signed out %(hours)s hours after signing in") % {
                    "hours": hours
                }
                return self._sign_out(request, reason)
            if now - last_seen >= self.SAVE_EVERY_SECONDS or self.KEY not in request.session:
                request.session[self.KEY] = now
                self._seen(request)
            if self.SIGNED_IN_KEY not in request.session:  # signed in before this rule
                request.session[self.SIGNED_IN_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _seen(request: HttpRequest) -> None:
        """Keep the person's list of their sessions up to date, as often as the clock."""
        if request.session.session_key:
            user_session_seen(
                user=request.user,  # type: ignore[arg-type]
                session_key=request.session.session_key,
                user_agent=request.headers.get("User-Agent", ""),
            )

    @staticmethod
    def _sign_out(request: HttpRequest, reason: str) -> HttpResponse:
        auth.logout(request)
        messages.info(request, reason)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Your session has ended.")}, status=403)
        return redirect_to_login(request.get_full_path())


# Set in the session, to the user's id, by a sign-in through an organisation's provider whose
# ID token showed a second factor (organisations.views_sign_in; ADR 0016).
PROVIDER_TWO_FACTOR_KEY = "answerable_two_factor_by_provider"


class ProviderTwoFactorMiddleware:
    """Count a second factor the organisation's sign-in service vouched for as two-factor.

    Goes after django-otp's OTPMiddleware: `is_verified()` then answers True for the session,
    so every check of two-factor (the middleware that requires it, the pages that ask it
    again) takes the provider's word without knowing where it came from.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        verified_for = request.session.get(PROVIDER_TWO_FACTOR_KEY)
        if verified_for is not None:
            user = request.user
            request.user = SimpleLazyObject(  # type: ignore[assignment]  # as OTPMiddleware does
                lambda: self._verified(user, verified_for)
            )
        return self.get_response(request)

    @staticmethod
    def _verified(user: Any, verified_for: int) -> Any:
        if user.is_authenticated and user.pk == verified_for:
            user.is_verified = lambda: True
        return user

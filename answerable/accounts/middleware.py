from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from answerable.accounts.services import user_session_seen


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

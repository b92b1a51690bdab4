from collections.abc import Callable

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


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
    """Sign out someone who has made no request for SESSION_IDLE_SECONDS (issue #11).

    SESSION_COOKIE_AGE stays the absolute limit. The time seen is saved at most once a
    minute, so most requests write nothing to the session.
    """

    KEY = "answerable_last_seen"
    SAVE_EVERY_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @classmethod
    def start(cls, request: HttpRequest) -> None:
        """Start the clock at sign-in (accounts.apps connects this to user_logged_in)."""
        request.session[cls.KEY] = int(timezone.now().timestamp())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            last_seen = request.session.get(self.KEY, now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                auth.logout(request)
                minutes = settings.SESSION_IDLE_SECONDS // 60
                messages.info(
                    request,
                    _("You were signed out after %(minutes)s minutes without activity")
                    % {"minutes": minutes},
                )
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("Your session has ended.")}, status=403)
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= self.SAVE_EVERY_SECONDS or self.KEY not in request.session:
                request.session[self.KEY] = now
        return self.get_response(request)

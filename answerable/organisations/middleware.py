"""Who is signed in, with their memberships, and two-factor for the roles that need it: who
must use it is decided by their memberships.

Here rather than in `accounts`, which sits beneath `organisations` (docs/STYLE.md).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from answerable.accounts import middleware as accounts_middleware
from answerable.accounts.selectors import confirmed_device_read_with_account
from answerable.organisations.selectors import access_for
from answerable.organisations.signed_in import account_with_access

EXEMPT_PREFIXES = ("/account/", "/static/", "/public/", "/about/", "/healthz/", "/metrics")


class SignedInUserMiddleware(accounts_middleware.SignedInUserMiddleware):
    """The signed-in person read with their memberships and second factor, in one query."""

    read_account = staticmethod(account_with_access)


class TwoFactorRequiredMiddleware:
    """Send signed-in users who must (or chose to) use two-factor through it before anything else.

    Administrators and scrutiny officers must set up an authenticator; anyone with a confirmed
    device must use it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()  # type: ignore[attr-defined]  # added by OTPMiddleware
        ):
            if confirmed_device_read_with_account(user):
                return self._refuse(request) or redirect("accounts:two_factor_verify")
            if access_for(user).needs_two_factor:
                return self._refuse(request) or redirect("accounts:two_factor_setup")
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse | None:
        """API clients get a JSON 403 rather than a redirect to a page they cannot use."""
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": "Sign in and complete two-factor authentication first."}, status=403
            )
        return None

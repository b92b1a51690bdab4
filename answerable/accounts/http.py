"""The request type of views that require sign-in, and where signing in goes next."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from answerable.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose user has signed in: annotate views behind `@login_required` with it.

    Only an annotation for type checkers: views still receive Django's own request.
    """

    user: User


def safe_next_url(request: HttpRequest) -> str:
    """The page asked for after signing in (`next`), if it is on this site; else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"

"""Who may see more than "ok": the operator's tools with the token, or a system administrator."""

import hmac

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest

from answerable.organisations.selectors import access_for


def has_operations_token(request: HttpRequest) -> bool:
    """The request carries `Authorization: Bearer <ANSWERABLE_OPERATIONS_TOKEN>`; never true
    while the token is unset."""
    token = settings.ANSWERABLE_OPERATIONS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def may_see_health_details(request: HttpRequest) -> bool:
    """The token, or a system administrator signed in with their second factor."""
    if has_operations_token(request):
        return True
    try:
        user = request.user
        return bool(
            user.is_authenticated
            and user.is_verified()  # type: ignore[attr-defined]  # added by OTPMiddleware
            and access_for(user).is_system_administrator
        )
    except DatabaseError:  # the database is what is down: nobody can be recognised
        return False

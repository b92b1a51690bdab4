import sys

from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# How long a browser or API client is asked to wait before trying again during an outage.
OUTAGE_RETRY_AFTER_SECONDS = 60
API_PREFIXES = ("/api/", "/public/api/")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """The page for an unhandled error; while the database is down, the outage page."""
    if _database_failed(sys.exc_info()[1]):
        return service_unavailable(request)
    try:
        return render(request, "500.html", status=500)
    except DatabaseError:  # the page itself could not be drawn: the database went down
        return service_unavailable(request)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """Say the service is down for now, as a 503 with Retry-After, without the database.

    The person is drawn as signed out: who they are is in the session, which is in the
    database (issue #11). API clients get JSON.
    """
    request.user = AnonymousUser()
    response: HttpResponse
    if request.path.startswith(API_PREFIXES):
        response = JsonResponse(
            {"detail": _("The service is unavailable. Try again later.")}, status=503
        )
    else:
        response = render(request, "503.html", status=503)
    response["Retry-After"] = str(OUTAGE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _database_failed(error: BaseException | None) -> bool:
    """Whether the error, or one it arose from, is the database failing."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, DatabaseError):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False

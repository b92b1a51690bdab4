"""Give each request an id, log one line about it, and time it for the metrics."""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from answerable.operations.logs import request_id
from answerable.operations.metrics import request_observe

logger = logging.getLogger("answerable.requests")

# An id the proxy in front made (nginx's $request_id, a load balancer's trace id) is kept, so
# one request can be followed through both logs; anything else is replaced.
_GIVEN_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")
# Any other method is counted as "other": a label per invented method would grow unbounded.
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _unresolved(request: HttpRequest) -> str:
    """What answered a request no view did: WhiteNoise's static files, or nothing (404)."""
    return "static" if request.path.startswith(settings.STATIC_URL or "/static/") else "unresolved"


class RequestObservationMiddleware:
    """First in MIDDLEWARE, so the id and the time cover everything the request meets.

    The log line names the view that answered, never the path or query: paths can carry
    search terms, and the logs hold no personal data or document text (issue #18).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        current = given if _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex
        # Left set until the request_finished signal (apps.py): Django logs a failed
        # response after the middleware has returned, and that line needs the id too.
        request_id.set(current)
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match else _unresolved(request)
        method = request.method if request.method in _METHODS else "other"
        request_observe(view=view, method=method, status=response.status_code, seconds=seconds)
        logger.info(
            "%s %s %s %.0f ms",
            method,
            view,
            response.status_code,
            seconds * 1000,
            extra={
                "method": method,
                "view": view,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
            },
        )
        response["X-Request-ID"] = current
        return response

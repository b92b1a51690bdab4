"""Liveness, readiness and metrics, for load balancers, process supervisors and Prometheus.

The public answer is a status code and one word; what each check found goes only to the
operator's token or a signed-in system administrator (issue #18).
"""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from answerable.operations.access import has_operations_token, may_see_health_details
from answerable.operations.health import readiness
from answerable.operations.metrics import metrics_text

PLAIN = "text/plain; charset=utf-8"


@never_cache
@require_GET
def live(request: HttpRequest) -> HttpResponse:
    """The process answers; nothing else, not even the database, is asked."""
    return HttpResponse("ok", content_type=PLAIN)


@never_cache
@require_GET
def ready(request: HttpRequest) -> HttpResponse:
    checks = readiness()
    is_ready = all(check.is_ok for check in checks)
    status = 200 if is_ready else 503
    word = "ok" if is_ready else "unavailable"
    if not may_see_health_details(request):
        return HttpResponse(word, status=status, content_type=PLAIN)
    return JsonResponse(
        {
            "status": word,
            "checks": {
                check.name: {
                    "status": "ok" if check.is_ok else "unavailable",
                    "detail": check.detail,
                    "seconds": check.seconds,
                }
                for check in checks
            },
        },
        status=status,
    )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus's text format, for the operator's token only; without it, no such page."""
    if not has_operations_token(request):
        raise Http404
    return HttpResponse(metrics_text(), content_type="text/plain; version=0.0.4; charset=utf-8")

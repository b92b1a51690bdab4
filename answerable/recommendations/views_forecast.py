"""A source's completion forecast and burn-up (issue #15)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.recommendations import selectors
from answerable.recommendations.burnup import burnup_chart
from answerable.recommendations.selectors.forecast import completion_forecast


@login_required
@require_GET
def source_forecast(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_get_for_user(user=request.user, pk=pk)
    result = completion_forecast(
        actions=selectors.action_list(user=request.user).filter(source=source),
        recommendations=selectors.recommendation_list(user=request.user).filter(source=source),
    )
    return render(
        request,
        "recommendations/source_forecast.html",
        {
            "title": _("When will it be done? %(title)s") % {"title": source.title},
            "source": source,
            "result": result,
            "chart": burnup_chart(result.burnup, result.delivery.band),
            "active_nav": "sources",
        },
    )


@login_required
@require_GET
def organisation_forecast(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything the user's organisations may see: an office's sources, a partner's actions."""
    result = completion_forecast(
        actions=selectors.action_list(user=request.user),
        recommendations=selectors.recommendation_list(user=request.user),
    )
    return render(
        request,
        "recommendations/organisation_forecast.html",
        {
            "title": _("When will all our work be done?"),
            "result": result,
            "chart": burnup_chart(result.burnup, result.delivery.band),
            "active_nav": "dashboard",
        },
    )

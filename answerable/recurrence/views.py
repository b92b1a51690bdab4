from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_helpers import paginate, pagination_params
from answerable.recommendations.selectors import recommendation_get_for_user
from answerable.recurrence import selectors, services


@login_required
@require_GET
def similar_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = recommendation_get_for_user(user=request.user, pk=pk)
    found = selectors.similar_list(user=request.user, recommendation=recommendation)
    return render(
        request,
        "recurrence/similar_list.html",
        {
            "title": _("Similar recommendations to %(reference)s")
            % {"reference": recommendation.reference},
            "recommendation": recommendation,
            "found": found,
            "active_nav": "recommendations",
        },
    )


def _decide(request: AuthenticatedHttpRequest, pk: int, other: int, confirm: bool) -> HttpResponse:
    recommendation = recommendation_get_for_user(user=request.user, pk=pk)
    similar = recommendation_get_for_user(user=request.user, pk=other)
    service = services.pair_confirm if confirm else services.pair_dismiss
    try:
        service(actor=request.user, recommendation=recommendation, other=similar)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(reference)s linked as overlapping") % {"reference": similar.reference}
            if confirm
            else _("%(reference)s will not be suggested again") % {"reference": similar.reference},
        )
    return redirect("recurrence:similar_list", pk=recommendation.pk)


@login_required
@require_POST
def pair_confirm(request: AuthenticatedHttpRequest, pk: int, other: int) -> HttpResponse:
    return _decide(request, pk, other, confirm=True)


@login_required
@require_POST
def pair_dismiss(request: AuthenticatedHttpRequest, pk: int, other: int) -> HttpResponse:
    return _decide(request, pk, other, confirm=False)


@login_required
@require_GET
def theme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(request, selectors.theme_list(user=request.user), per_page=20)
    counted_at = selectors.theme_counted_at()
    return render(
        request,
        "recurrence/theme_list.html",
        {
            "title": _("Recurring themes"),
            "themes": selectors.theme_details(user=request.user, rows=list(page.object_list)),
            "counted_at": counted_at and timezone.localtime(counted_at),
            "page": page,
            "pagination": pagination_params(request, page),
            "active_nav": "recommendations",
        },
    )

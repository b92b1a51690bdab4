"""The office links an indicator to the recommendations it is outcome evidence for."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_helpers import post_data, run_service
from answerable.indicators import links, selectors
from answerable.indicators.forms import IndicatorLinkForm


@login_required
@require_http_methods(["GET", "POST"])
def indicator_link_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get_for_user(user=request.user, pk=pk)
    if not selectors.can_define_indicators(user=request.user, office=indicator.office):
        raise PermissionDenied
    form = IndicatorLinkForm(
        post_data(request),
        recommendations=links.linkable_recommendation_list(user=request.user, indicator=indicator),
    )
    if form.is_valid() and run_service(
        form,
        links.indicator_link_create,
        actor=request.user,
        indicator=indicator,
        **form.cleaned_data,
    ):
        messages.success(request, _("Linked as evidence"))
        return redirect(indicator)
    return render(
        request,
        "indicators/indicator_link.html",
        {
            "title": _("Link %(name)s to a recommendation") % {"name": indicator.name},
            "indicator": indicator,
            "form": form,
            "page_forms": [form],
            "active_nav": "indicators",
        },
    )

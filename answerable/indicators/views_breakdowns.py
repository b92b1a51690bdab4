"""Pages for breakdowns: defining one, changing it, and entering a period's figure for each
of its categories (issue #16)."""

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_edit import edit_page
from answerable.core.views_helpers import post_data, run_service
from answerable.indicators import breakdown_selectors, breakdowns, periods, selectors
from answerable.indicators.forms import period_choices
from answerable.indicators.forms_breakdowns import (
    BreakdownForm,
    BreakdownUpdateForm,
    CategoryValuesForm,
)
from answerable.indicators.models import Indicator, IndicatorBreakdown


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"indicators/{template}", {"active_nav": "indicators", **context})


def _definable(request: AuthenticatedHttpRequest, pk: int) -> Indicator:
    indicator = selectors.indicator_get_for_user(user=request.user, pk=pk)
    if not selectors.can_define_indicators(user=request.user, office=indicator.office):
        raise PermissionDenied
    return indicator


def _shown(breakdown: IndicatorBreakdown) -> str:
    """The indicator's page, at the breakdown."""
    return f"{breakdown.indicator.get_absolute_url()}#breakdown-{breakdown.pk}"


def _breakdown_form_page(
    request: AuthenticatedHttpRequest,
    indicator: Indicator,
    form: Any,
    service: Callable[..., IndicatorBreakdown],
    subject: dict[str, Any],
    *,
    title: str,
    button: str,
    **options: Any,
) -> HttpResponse:
    """The page that defines a breakdown or changes it, calling `service` on `subject`;
    success shows the breakdown."""
    return edit_page(
        request,
        form,
        service,
        then=lambda breakdown: redirect(_shown(breakdown)),
        page=lambda form: _render(
            request,
            "indicator_breakdown_form.html",
            {
                "title": title,
                "form": form,
                "page_forms": [form],
                "indicator": indicator,
                "button": button,
            },
        ),
        **subject,
        **options,
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_breakdown_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = _definable(request, pk)
    return _breakdown_form_page(
        request,
        indicator,
        BreakdownForm(post_data(request)),
        breakdowns.indicator_breakdown_create,
        {"indicator": indicator},
        done=lambda breakdown: _("Breakdown added: %(name)s") % {"name": breakdown.name},
        title=_("Break down %(name)s") % {"name": indicator.name},
        button=_("Add breakdown"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_breakdown_update(
    request: AuthenticatedHttpRequest, pk: int, breakdown_pk: int
) -> HttpResponse:
    indicator = _definable(request, pk)
    breakdown = breakdown_selectors.breakdown_get(indicator=indicator, pk=breakdown_pk)
    return _breakdown_form_page(
        request,
        indicator,
        BreakdownUpdateForm(post_data(request), breakdown=breakdown),
        breakdowns.indicator_breakdown_update,
        {"breakdown": breakdown},
        arguments=BreakdownUpdateForm.service_arguments,
        done=lambda updated: _("Breakdown updated: %(name)s") % {"name": updated.name},
        title=_("Change the breakdown by %(name)s") % {"name": breakdown.name},
        button=_("Save changes"),
    )


class PeriodForm(forms.Form):
    """Which period's figures to enter: chosen by GET, so the page works without JavaScript."""

    period = forms.ChoiceField(label=gettext_lazy("Period"))


@login_required
@require_http_methods(["GET", "POST"])
def indicator_category_values_record(
    request: AuthenticatedHttpRequest, pk: int, breakdown_pk: int
) -> HttpResponse:
    indicator = selectors.indicator_get_for_user(user=request.user, pk=pk)
    if not selectors.can_record_values(user=request.user, indicator=indicator):
        raise PermissionDenied
    breakdown = breakdown_selectors.breakdown_get(indicator=indicator, pk=breakdown_pk)
    categories = list(breakdown.categories.all())
    choices = period_choices(
        indicator=indicator,
        recorded=breakdown_selectors.breakdown_first_period(breakdown=breakdown),
        today=timezone.localdate(),
    )
    # Figures usually come after the period ends: the last finished one unless another is asked.
    asked = request.POST.get("period_start") or request.GET.get("period")
    period = asked if asked in dict(choices) else choices[min(1, len(choices) - 1)][0]
    period_start = datetime.date.fromisoformat(period)
    form = CategoryValuesForm(
        post_data(request),
        categories=categories,
        recorded=breakdown_selectors.breakdown_period_values(
            breakdown=breakdown, period_start=period_start
        ),
        unit_label=indicator.get_unit_display(),
        initial={"period_start": period},
    )
    if form.is_valid() and (
        written := run_service(
            form,
            breakdowns.indicator_category_values_record,
            actor=request.user,
            breakdown=breakdown,
            **form.service_arguments(),
        )
    ):
        messages.success(
            request,
            ngettext(
                "%(period)s: %(count)s figure recorded for %(name)s",
                "%(period)s: %(count)s figures recorded for %(name)s",
                len(written),
            )
            % {
                "period": periods.period_label(period_start, indicator.frequency),
                "count": len(written),
                "name": breakdown.name,
            },
        )
        return redirect(_shown(breakdown))
    chooser = PeriodForm(initial={"period": period})
    chooser.fields["period"].choices = choices  # type: ignore[attr-defined]
    return _render(
        request,
        "indicator_category_values_record.html",
        {
            "title": _("Record figures by %(name)s") % {"name": breakdown.name},
            "form": form,
            "page_forms": [form],
            "chooser": chooser,
            "indicator": indicator,
            "breakdown": breakdown,
            "period_text": periods.period_label(period_start, indicator.frequency),
        },
    )

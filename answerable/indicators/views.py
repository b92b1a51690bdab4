"""Pages for indicators: the list by theme, an indicator's chart and figures, and the forms
that define an indicator and record its values."""

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_edit import edit_page
from answerable.core.views_helpers import post_data
from answerable.indicators import breakdown_selectors, periods, selectors, services, spc
from answerable.indicators.agenda_links import (
    HELD,
    can_link_to_meetings,
    indicator_agenda_link_list,
)
from answerable.indicators.breakdown_figures import breakdown_overviews, category_figures
from answerable.indicators.figures import indicator_figures, number_text
from answerable.indicators.forms import (
    IndicatorForm,
    IndicatorUpdateForm,
    IndicatorValueForm,
    period_choices,
)
from answerable.indicators.links import indicator_link_list
from answerable.indicators.meeting_snapshots import latest_text
from answerable.indicators.models import Indicator
from answerable.indicators.summaries import ListSummary


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(
        request,
        f"indicators/{template}",
        {"active_nav": "indicators", "number_text": number_text, **context},
    )


def _form_page(
    request: HttpRequest, template: str, form: Any, title: str, **extra: Any
) -> HttpResponse:
    return _render(request, template, {"title": title, "form": form, "page_forms": [form], **extra})


@login_required
@require_GET
def indicator_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    archived = request.GET.get("show") == "archived"
    indicators = list(selectors.indicator_list(user=request.user, archived=archived))
    themes = [
        (value, label, [i for i in indicators if i.theme == value])
        for value, label in Indicator.Theme.choices
    ]
    return _render(
        request,
        "indicator_list.html",
        {
            "title": _("Archived indicators") if archived else _("Indicators"),
            "archived": archived,
            "themes": [theme for theme in themes if theme[2]],
            "can_define": selectors.defining_office_list(user=request.user).exists(),
            "can_import": selectors.indicator_recordable_list(user=request.user).exists(),
            "summaries": {i.pk: ListSummary.of(i) for i in indicators},
        },
    )


@login_required
@require_GET
def indicator_theme(request: AuthenticatedHttpRequest, theme: str) -> HttpResponse:
    """One theme's indicators, each with its latest figure, sparkline and judgements."""
    if theme not in Indicator.Theme.values:
        raise Http404("No such theme")
    indicators = selectors.indicator_theme_list(user=request.user, theme=theme)
    return _render(
        request,
        "indicator_theme.html",
        {
            "title": Indicator.Theme(theme).label,
            "indicators": indicators,
            "summaries": {i.pk: ListSummary.of(i) for i in indicators},
        },
    )


@login_required
@require_GET
def indicator_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get_for_user(user=request.user, pk=pk)
    history = selectors.indicator_value_history(indicator=indicator)
    breakdown_list = breakdown_selectors.breakdown_list(indicator=indicator)
    return _render(
        request,
        "indicator_detail.html",
        {
            "breakdowns": breakdown_overviews(indicator=indicator, breakdown_list=breakdown_list),
            "chosen": category_figures(
                indicator=indicator,
                breakdown_list=breakdown_list,
                asked=request.GET.get("category"),
            ),
            "title": indicator.name,
            "indicator": indicator,
            "figures": indicator_figures(indicator=indicator, history=history),
            "can_record": selectors.can_record_values(user=request.user, indicator=indicator),
            "can_define": selectors.can_define_indicators(
                user=request.user, office=indicator.office
            ),
            "links": indicator_link_list(user=request.user, indicator=indicator),
            "agenda_links": indicator_agenda_link_list(user=request.user, indicator=indicator),
            "can_link_to_meetings": can_link_to_meetings(user=request.user, indicator=indicator),
            "meeting_held": HELD,
            "snapshot_latest": latest_text,
            "spc_run": spc.RUN_LENGTH,
            "spc_trend": spc.TREND_LENGTH,
            "spc_minimum": spc.MINIMUM_POINTS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    owners = selectors.owner_choice_list(user=request.user)
    if not selectors.defining_office_list(user=request.user).exists():
        raise PermissionDenied
    return edit_page(
        request,
        IndicatorForm(post_data(request), owners=owners),
        services.indicator_create,
        done=lambda indicator: _("Indicator added: %(name)s") % {"name": indicator.name},
        page=lambda form: _form_page(request, "indicator_create.html", form, _("Add an indicator")),
    )


def _update_form(indicator: Indicator, data: Any = None) -> IndicatorUpdateForm:
    """The form to change an indicator, drawn from the indicator as saved."""
    return IndicatorUpdateForm(
        data, version=indicator.version, initial=IndicatorUpdateForm.initial_from(indicator)
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get_for_user(user=request.user, pk=pk)
    if not selectors.can_define_indicators(user=request.user, office=indicator.office):
        raise PermissionDenied
    return edit_page(
        request,
        _update_form(indicator, post_data(request)),
        services.indicator_update,
        indicator=indicator,
        redraw=lambda: _update_form(selectors.indicator_get_for_user(user=request.user, pk=pk)),
        done=lambda updated: _("Indicator updated: %(name)s") % {"name": updated.name},
        page=lambda form: _form_page(
            request,
            "indicator_update.html",
            form,
            _("Change %(name)s") % {"name": indicator.name},
            indicator=indicator,
        ),
    )


def _value_form(
    indicator: Indicator, recorded: list[datetime.date], data: Any = None
) -> IndicatorValueForm:
    today = timezone.localdate()
    choices = period_choices(indicator=indicator, recorded=recorded, today=today)
    # Figures for a period usually come after it ends: offer the last finished period
    # unless it already has one, then the period under way.
    recorded_values = {day.isoformat() for day in recorded}
    finished = choices[1][0] if len(choices) > 1 else choices[0][0]
    return IndicatorValueForm(
        data,
        choices=choices,
        unit_label=indicator.get_unit_display(),
        initial={"period_start": finished if finished not in recorded_values else choices[0][0]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_value_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get_for_user(user=request.user, pk=pk)
    if not selectors.can_record_values(user=request.user, indicator=indicator):
        raise PermissionDenied
    history = selectors.indicator_value_history(indicator=indicator)
    return edit_page(
        request,
        _value_form(indicator, [p.period_start for p in history], post_data(request)),
        services.indicator_value_record,
        indicator=indicator,
        done=lambda value: (
            _("%(period)s recorded: %(value)s")
            % {
                "period": periods.period_label(value.period_start, indicator.frequency),
                "value": number_text(value.value, indicator.unit),
            }
        ),
        then=lambda _value: redirect(indicator),
        page=lambda form: _form_page(
            request,
            "indicator_value_record.html",
            form,
            _("Record a figure for %(name)s") % {"name": indicator.name},
            indicator=indicator,
            latest=history[-1] if history else None,
            period_label=periods.period_label,
        ),
    )

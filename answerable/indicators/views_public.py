"""Publishable indicators on the public site, with disclosure control: no sign-in, and every
figure through `disclosure` (issue #16)."""

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from answerable.core.open_data import OGL, OPEN_DATA_KINDS, open_data_download
from answerable.indicators import breakdown_selectors, disclosure, selectors, spc
from answerable.indicators.breakdown_figures import chosen_category
from answerable.indicators.figures import number_text
from answerable.indicators.models import Indicator
from answerable.indicators.public_breakdowns import open_data_with_breakdowns, public_reading


@require_GET
def public_indicator_list(request: HttpRequest) -> HttpResponse:
    indicators = list(selectors.public_indicator_list())
    themes = [
        (label, [i for i in indicators if i.theme == value])
        for value, label in Indicator.Theme.choices
    ]
    return render(
        request,
        "indicators/public_indicator_list.html",
        {
            "title": _("Indicators"),
            "active_nav": "public_indicators",
            "themes": [(label, rows) for label, rows in themes if rows],
            "kinds": OPEN_DATA_KINDS,
            "licence": OGL,
        },
    )


@require_GET
def public_indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.public_indicator_get(pk=pk)
    history = selectors.indicator_value_history(indicator=indicator)
    breakdown_list = breakdown_selectors.breakdown_list(indicator=indicator)
    categories = [c for breakdown in breakdown_list for c in breakdown.categories.all()]
    chosen = chosen_category(breakdown_list, request.GET.get("category"))
    reading = public_reading(
        indicator=indicator,
        history=history,
        breakdown_list=breakdown_list,
        series=breakdown_selectors.category_series_map(category_ids=[c.pk for c in categories])
        if categories
        else {},
        chosen=(*chosen, breakdown_selectors.category_value_history(category=chosen[1]))
        if chosen
        else None,
    )
    return render(
        request,
        "indicators/public_indicator_detail.html",
        {
            "title": indicator.name,
            "active_nav": "public_indicators",
            "indicator": indicator,
            "figures": reading.total,
            "reading": reading,
            "number_text": number_text,
            "spc_run": spc.RUN_LENGTH,
            "spc_trend": spc.TREND_LENGTH,
            "spc_minimum": spc.MINIMUM_POINTS,
            "kinds": OPEN_DATA_KINDS,
            "licence": OGL,
        },
    )


def _data(
    request: HttpRequest, file_kind: str, name: str, indicators: list[Indicator]
) -> HttpResponseBase:
    ids = [i.pk for i in indicators]
    values = list(
        selectors.public_current_value_list()
        .filter(indicator__in=ids)
        .values_list("indicator_id", "period_start", "value")
    )
    rows = open_data_with_breakdowns(
        indicators,
        values,
        breakdown_selectors.breakdown_map(indicator_ids=ids),
        breakdown_selectors.category_value_rows(indicator_ids=ids),
    )
    headers = [column for column, _description in disclosure.OPEN_DATA_COLUMNS]
    return open_data_download(request, file_kind=file_kind, name=name, headers=headers, rows=rows)


@require_safe
def public_indicator_data(request: HttpRequest, file_kind: str) -> HttpResponseBase:
    """Every public indicator's current figures, small counts withheld; 304 Not Modified for a
    client that has them already (core.open_data)."""
    return _data(request, file_kind, "indicators", list(selectors.public_indicator_list()))


@require_safe
def public_indicator_one_data(request: HttpRequest, pk: int, file_kind: str) -> HttpResponseBase:
    indicator = selectors.public_indicator_get(pk=pk)
    return _data(request, file_kind, f"indicator-{indicator.pk}", [indicator])

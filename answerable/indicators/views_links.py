"""The office links an indicator to the recommendations it is outcome evidence for, and to
the meeting agenda items it is evidence on."""

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_edit import edit_page
from answerable.core.views_helpers import post_data
from answerable.indicators import agenda_links, links, selectors
from answerable.indicators.forms import IndicatorAgendaLinkForm, IndicatorLinkForm
from answerable.indicators.models import Indicator, IndicatorAgendaLink
from answerable.recommendations.picker import Finder, recommendations_found, register_picker


def _link_page(
    request: AuthenticatedHttpRequest,
    indicator: Indicator,
    form: Any,
    service: Callable[..., Any],
    *,
    done: str | Callable[[Any], str],
    template: str,
    title: str,
    finders: Mapping[str, Finder] | None = None,
    **extra: Any,
) -> HttpResponse:
    """A page that links the indicator to something; success returns to the indicator.
    `finders` name the form's register fields to list with a picker."""

    def page(form: Any) -> HttpResponse:
        context = {"title": title, "indicator": indicator, "form": form, "page_forms": [form]}
        if finders:
            context["picker"] = register_picker(request, form, finders)
        return render(request, template, context | extra | {"active_nav": "indicators"})

    return edit_page(
        request,
        form,
        service,
        indicator=indicator,
        done=done,
        then=lambda _link: redirect(indicator),
        page=page,
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_link_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get_for_user(user=request.user, pk=pk)
    if not selectors.can_define_indicators(user=request.user, office=indicator.office):
        raise PermissionDenied
    return _link_page(
        request,
        indicator,
        IndicatorLinkForm(
            post_data(request),
            recommendations=links.linkable_recommendation_list(
                user=request.user, indicator=indicator
            ),
        ),
        links.indicator_link_create,
        done=_("Linked as evidence"),
        template="indicators/indicator_link.html",
        title=_("Link %(name)s to a recommendation") % {"name": indicator.name},
        finders={"recommendation": recommendations_found},
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_agenda_link_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get_for_user(user=request.user, pk=pk)
    if not agenda_links.can_link_to_meetings(user=request.user, indicator=indicator):
        raise PermissionDenied
    return _link_page(
        request,
        indicator,
        IndicatorAgendaLinkForm(
            post_data(request),
            agenda_items=agenda_links.linkable_agenda_item_list(
                user=request.user, indicator=indicator, since=agenda_links.recent_meetings_since()
            ),
        ),
        agenda_links.indicator_agenda_link_create,
        done=_agenda_linked_text,
        template="indicators/indicator_agenda_link.html",
        title=_("Link %(name)s to a meeting agenda item") % {"name": indicator.name},
        recent_days=agenda_links.RECENT_MEETING_DAYS,
    )


def _agenda_linked_text(link: IndicatorAgendaLink) -> str:
    done = (
        _("Linked to %(meeting)s")
        if link.snapshot_taken_at is None
        else _("Linked to %(meeting)s, with the figures as they stood at the meeting")
    )
    return done % {"meeting": link.agenda_item.meeting.title}


@login_required
@require_POST
def indicator_agenda_link_snapshot_take(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    link = agenda_links.indicator_agenda_link_get_for_user(user=request.user, pk=pk)
    if not agenda_links.can_link_to_meetings(user=request.user, indicator=link.indicator):
        raise PermissionDenied
    try:
        agenda_links.indicator_agenda_link_snapshot_take(actor=request.user, link=link)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Figures fixed again for %(meeting)s") % {"meeting": link.agenda_item.meeting.title},
        )
    return redirect(link.indicator.get_absolute_url() + "#meeting-evidence")

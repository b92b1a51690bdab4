"""An office's themes (issue #17): the list with counts, adding, renaming and merging them,
and a theme's page with every recommendation on it across the sources."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_edit import edit_page
from answerable.core.views_helpers import paginate, pagination_params, post_data
from answerable.organisations.selectors import scrutiny_office_for
from answerable.recommendations import selectors, services
from answerable.recommendations.forms_themes import ThemeForm, ThemeMergeForm, ThemeRenameForm
from answerable.recommendations.models import AssuranceStatus, Recommendation, Theme

FORM_TEMPLATE = "recommendations/lifecycle_form.html"
THEME_PAGE_SIZE = 50


def _form_page(request: AuthenticatedHttpRequest, **context: Any) -> HttpResponse:
    return render(request, FORM_TEMPLATE, {"page_forms": [context["form"]], **context})


def _managed_theme(request: AuthenticatedHttpRequest, pk: int) -> Theme:
    theme = selectors.theme_get_for_user(user=request.user, pk=pk)
    if not selectors.can_manage_themes(user=request.user, office_id=theme.office_id):
        raise PermissionDenied
    return theme


@login_required
@require_GET
def theme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(request, selectors.theme_list(user=request.user))
    return render(
        request,
        "recommendations/theme_list.html",
        {
            "title": _("Themes"),
            "page": page,
            "pagination": pagination_params(request, page),
            "active_nav": "recommendations",
            "can_add": scrutiny_office_for(user=request.user) is not None,
            "managed_offices": {
                theme.office_id
                for theme in page
                if selectors.can_manage_themes(user=request.user, office_id=theme.office_id)
            },
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    office = scrutiny_office_for(user=request.user)
    if office is None:
        raise PermissionDenied
    return edit_page(
        request,
        ThemeForm(post_data(request)),
        services.theme_create,
        office=office,
        done=lambda theme: _("Theme added: %(name)s") % {"name": theme.name},
        then=lambda _theme: redirect("recommendations:theme_list"),
        page=lambda form: _form_page(
            request,
            title=_("Add a theme"),
            form=form,
            back=redirect("recommendations:theme_list").url,
            button=_("Add theme"),
        ),
    )


def _rename_form(theme: Theme, data: Any = None) -> ThemeRenameForm:
    return ThemeRenameForm(data, version=theme.version, initial={"name": theme.name})


@login_required
@require_http_methods(["GET", "POST"])
def theme_rename(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    theme = _managed_theme(request, pk)
    return edit_page(
        request,
        _rename_form(theme, post_data(request)),
        services.theme_rename,
        theme=theme,
        redraw=lambda: _rename_form(selectors.theme_get_for_user(user=request.user, pk=pk)),
        done=lambda renamed: _("Theme renamed: %(name)s") % {"name": renamed.name},
        page=lambda form: _form_page(
            request,
            title=_("Rename the theme %(name)s") % {"name": theme.name},
            form=form,
            back=theme.get_absolute_url(),
            button=_("Save name"),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    theme = _managed_theme(request, pk)
    if theme.is_archived:
        return redirect(theme)
    candidates = (
        selectors.theme_choice_list(user=request.user)
        .filter(office_id=theme.office_id)
        .exclude(pk=theme.pk)
    )
    return edit_page(
        request,
        ThemeMergeForm(post_data(request), candidates=candidates),
        services.theme_merge,
        theme=theme,
        done=lambda into: (
            _("%(theme)s merged into %(into)s") % {"theme": theme.name, "into": into.name}
        ),
        page=lambda form: _form_page(
            request,
            title=_("Merge the theme %(name)s into another") % {"name": theme.name},
            form=form,
            back=theme.get_absolute_url(),
            button=_("Merge themes"),
            warning=_("This cannot be undone from here."),
        ),
    )


def _by_source(rows: list[Recommendation]) -> list[tuple[Any, list[Recommendation]]]:
    """The page's recommendations in runs of one source each, in the page's order."""
    groups: list[tuple[Any, list[Recommendation]]] = []
    for recommendation in rows:
        if groups and groups[-1][0].pk == recommendation.source_id:
            groups[-1][1].append(recommendation)
        else:
            groups.append((recommendation.source, [recommendation]))
    return groups


@login_required
@require_GET
def theme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    theme = selectors.theme_get_for_user(user=request.user, pk=pk)
    recommendations = selectors.theme_recommendation_list(user=request.user, theme=theme)
    page = paginate(request, recommendations, per_page=THEME_PAGE_SIZE)
    rows = list(page.object_list)
    return render(
        request,
        "recommendations/theme_detail.html",
        {
            "title": _("Theme: %(name)s") % {"name": theme.name},
            "theme": theme,
            "page": page,
            "groups": _by_source(rows),
            "delivery": selectors.delivery_summaries(user=request.user, recommendations=rows),
            "assurance_labels": dict(AssuranceStatus.choices),
            "pagination": pagination_params(request, page),
            "active_nav": "recommendations",
            "can_manage": selectors.can_manage_themes(user=request.user, office_id=theme.office_id),
        },
    )

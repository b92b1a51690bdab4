"""Saving a list's filters under a name, and the saved views on the lists (issue #17)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_helpers import post_data, run_service
from answerable.recommendations import selectors, services
from answerable.recommendations.forms_themes import SavedViewForm
from answerable.recommendations.models import SavedView

LIST_URLS = {
    SavedView.ListKind.RECOMMENDATIONS: "recommendations:recommendation_list",
    SavedView.ListKind.ACTIONS: "recommendations:action_list",
}


def saved_views_for(request: AuthenticatedHttpRequest, list_kind: str) -> list[SavedView]:
    """The views of the list the person may use, for the list page's "Saved views"."""
    return selectors.saved_view_list(user=request.user, list_kind=list_kind)


def _list_kind(value: str) -> SavedView.ListKind:
    try:
        return SavedView.ListKind(value)
    except ValueError:
        raise Http404("No such list") from None


@login_required
@require_http_methods(["GET", "POST"])
def saved_view_create(request: AuthenticatedHttpRequest, list_kind: str) -> HttpResponse:
    kind = _list_kind(list_kind)
    query = services.saved_view_query(list_kind=kind, query=request.GET.urlencode())
    form = SavedViewForm(post_data(request), initial={"query": query, "is_shared": "false"})
    if form.is_valid():
        saved = run_service(
            form,
            services.saved_view_create,
            actor=request.user,
            list_kind=kind,
            name=form.cleaned_data["name"],
            query=form.cleaned_data["query"],
            is_shared=form.cleaned_data["is_shared"],
        )
        if saved:
            messages.success(request, _("View saved: %(name)s") % {"name": saved.name})
            return redirect(saved.get_absolute_url())
    back = redirect(LIST_URLS[kind]).url + (f"?{query}" if query else "")
    return render(
        request,
        "recommendations/lifecycle_form.html",
        {
            "title": _("Save this view"),
            "form": form,
            "page_forms": [form],
            "back": back,
            "button": _("Save view"),
            "subject_text": _("The list's filters and order are saved, not its results."),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def saved_view_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    saved = selectors.saved_view_get_own(user=request.user, pk=pk)
    back = redirect(LIST_URLS[SavedView.ListKind(saved.list_kind)]).url
    if request.method == "POST":
        services.saved_view_delete(actor=request.user, saved_view=saved)
        messages.success(request, _("View deleted: %(name)s") % {"name": saved.name})
        return redirect(back)
    return render(
        request,
        "recommendations/lifecycle_form.html",
        {
            "title": _("Delete the saved view %(name)s") % {"name": saved.name},
            "form": forms.Form(),
            "back": back,
            "button": _("Delete view"),
            "warning": _("Anyone it is shared with will no longer see it."),
        },
    )

"""The sources: the list, adding one, its page and its uploaded report.

Its imports repeat views_actions.py's (the same view helpers): a list, nothing to share."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_helpers import (
    paginate,
    pagination_params,
    post_data,
    run_service,
    stored_file_download,
)
from answerable.organisations.selectors import scrutiny_office_for
from answerable.recommendations import selectors, services
from answerable.recommendations.forms import SourceForm


@login_required
@require_GET
def source_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    sources = selectors.source_list(user=request.user).order_by("-published_on", "title")
    page = paginate(request, sources)
    return render(
        request,
        "recommendations/source_list.html",
        {
            "title": _("Sources"),
            "page": page,
            "pagination": pagination_params(request, page),
            "active_nav": "sources",
            "can_create": selectors.can_manage_register(user=request.user),
            "import_enabled": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    office = scrutiny_office_for(user=request.user)
    if office is None:
        raise PermissionDenied
    form = SourceForm(post_data(request), request.FILES or None)
    if form.is_valid():
        data = form.cleaned_data
        source = run_service(
            form,
            services.source_create,
            actor=request.user,
            owner=office,
            title=data["title"],
            kind=data["kind"],
            publisher=data["publisher"],
            published_on=data["published_on"],
            url=data["url"],
            deadline_rule=data["deadline_rule"],
            document=data["document"],
        )
        if source:
            messages.success(request, _("Source added: %(title)s") % {"title": source.title})
            return redirect(source)
    return render(
        request,
        "recommendations/source_create.html",
        {
            "title": _("Add a source"),
            "form": form,
            "page_forms": [form],
            "active_nav": "sources",
        },
    )


@login_required
@require_GET
def source_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_get_for_user(user=request.user, pk=pk)
    recommendations = selectors.source_recommendation_list(user=request.user, source=source)
    page = paginate(request, recommendations.order_by("position", "id"))
    return render(
        request,
        "recommendations/source_detail.html",
        {
            "title": source.title,
            "source": source,
            "page": page,
            "pagination": pagination_params(request, page),
            "active_nav": "sources",
            "can_manage": selectors.can_manage_register(user=request.user, source=source),
            "history": selectors.source_history(source=source),
            "following": selectors.follow_get(user=request.user, source=source) is not None,
        },
    )


@login_required
@require_GET
def source_document(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    source = selectors.source_get_for_user(user=request.user, pk=pk)
    if not source.document:
        raise Http404("This source has no uploaded document")
    return stored_file_download(source.document, title=source.title, kind="pdf")

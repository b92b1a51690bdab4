"""Pages that record responses: the statutory response to a source, with its document, and
the addressee's response to a recommendation. Recording one again replaces it, so each form
carries the version of the row it was drawn from (issue #11)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_edit import edit_page
from answerable.core.views_helpers import post_data, stored_file_download
from answerable.recommendations import selectors, services
from answerable.recommendations.forms_lifecycle import ResponseForm, SourceResponseForm
from answerable.recommendations.models import Recommendation, Source
from answerable.recommendations.views_lifecycle import form_page, require_manager


def _source_response_form(
    source: Source, data: Any = None, files: Any = None
) -> SourceResponseForm:
    return SourceResponseForm(
        data,
        files,
        version=source.version,
        initial={"responded_on": source.responded_on, "response_url": source.response_url},
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_response(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_get_for_user(user=request.user, pk=pk)
    require_manager(request, source)
    return edit_page(
        request,
        _source_response_form(source, post_data(request), request.FILES or None),
        services.source_response_record,
        source=source,
        redraw=lambda: _source_response_form(
            selectors.source_get_for_user(user=request.user, pk=pk)
        ),
        done=_("Statutory response recorded"),
        page=lambda form: form_page(
            request,
            title=_("Record the statutory response to %(title)s") % {"title": source.title},
            form=form,
            back=source.get_absolute_url(),
            button=_("Save response"),
            multipart=True,
        ),
    )


@login_required
@require_GET
def source_response_document(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    source = selectors.source_get_for_user(user=request.user, pk=pk)
    if not source.response_document:
        raise Http404("This source has no uploaded response")
    kind = (source.response_document.name or "").rsplit(".", 1)[-1]
    return stored_file_download(
        source.response_document,
        title=_("Response to %(title)s") % {"title": source.title},
        kind=kind,
    )


def _response_form(recommendation: Recommendation, data: Any = None) -> ResponseForm:
    return ResponseForm(
        data, version=recommendation.version, initial=ResponseForm.initial_from(recommendation)
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_response(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.recommendation_get_for_user(user=request.user, pk=pk)
    require_manager(request, recommendation.source)
    return edit_page(
        request,
        _response_form(recommendation, post_data(request)),
        services.recommendation_response_record,
        recommendation=recommendation,
        redraw=lambda: _response_form(
            selectors.recommendation_get_for_user(user=request.user, pk=pk)
        ),
        done=_("Response recorded"),
        page=lambda form: form_page(
            request,
            title=_("Record the response to %(reference)s")
            % {"reference": recommendation.reference},
            form=form,
            back=recommendation.get_absolute_url(),
            button=_("Save response"),
            active_nav="recommendations",
        ),
    )

"""Download the recommendation and action lists as CSV or XLSX, with the list page's filters."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.files import TABLE_KINDS
from answerable.core.views_helpers import table_download
from answerable.organisations.selectors import organisation_list
from answerable.recommendations import exporting, selectors
from answerable.recommendations.forms_filters import ActionFilterForm, RecommendationFilterForm


@login_required
@require_GET
def recommendation_export(
    request: AuthenticatedHttpRequest, file_kind: str
) -> HttpResponse | StreamingHttpResponse:
    if file_kind not in TABLE_KINDS:
        raise Http404("No such format")
    form = RecommendationFilterForm(
        request.GET or None,
        sources=selectors.source_list(user=request.user).order_by("title"),
        owners=organisation_list(),
        themes=selectors.theme_choice_list(user=request.user),
    )
    recommendations = selectors.recommendation_filter(
        selectors.recommendation_list(user=request.user), user=request.user, **form.filters()
    )
    rows = exporting.recommendation_rows(
        recommendations, visible_actions=selectors.action_list(user=request.user)
    )
    return table_download(
        file_kind=file_kind,
        name="recommendations",
        headers=exporting.RECOMMENDATION_HEADERS,
        rows=rows,
    )


@login_required
@require_GET
def action_export(
    request: AuthenticatedHttpRequest, file_kind: str
) -> HttpResponse | StreamingHttpResponse:
    if file_kind not in TABLE_KINDS:
        raise Http404("No such format")
    form = ActionFilterForm(request.GET or None, owners=organisation_list())
    actions = selectors.action_filter(selectors.action_list(user=request.user), **form.filters())
    return table_download(
        file_kind=file_kind,
        name="actions",
        headers=exporting.ACTION_HEADERS,
        rows=exporting.action_rows(actions),
    )

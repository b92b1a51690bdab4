"""Import indicator figures from a spreadsheet: upload, check every row, confirm.

Between the pages the uploaded bytes stay in storage under `imports/` and the session holds
where, with the file's name, kind and SHA-256. Confirming checks the file again and writes
every figure or none, at once: a file of 10,000 figures is written in well under a second.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.files import TABLE_KINDS
from answerable.core.views_helpers import error_summary, post_data, table_download
from answerable.imports.services import (
    import_upload_store,
)
from answerable.indicators import breakdown_selectors, importing, periods, selectors, services
from answerable.indicators.figures import number_text
from answerable.indicators.forms import IndicatorImportForm
from answerable.recommendations.import_session import pending_forget, pending_table
from answerable.recommendations.tables import Table

SESSION_KEY = "indicators_import"
SUMMARY_ERRORS = 10
PREVIEW_ROWS = 20


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], form: Form | None = None
) -> HttpResponse:
    """The page, with `form`'s errors summarised above its heading when it has a form."""
    forms = {"form": form, "page_forms": [form]} if form is not None else {}
    return render(
        request, f"indicators/{template}", {"active_nav": "indicators", **context, **forms}
    )


def _require_recorder(request: AuthenticatedHttpRequest) -> None:
    if not selectors.indicator_recordable_list(user=request.user).exists():
        raise PermissionDenied


def _pending(request: HttpRequest) -> tuple[dict[str, Any], Table] | None:
    return pending_table(request, SESSION_KEY)


def _forget(request: HttpRequest) -> None:
    pending_forget(request, SESSION_KEY)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_recorder(request)
    form = IndicatorImportForm(post_data(request), request.FILES or None)
    if form.is_valid():
        checked = form.cleaned_data["file"].file
        _forget(request)
        request.session[SESSION_KEY] = {
            "path": import_upload_store(content=checked.content, kind=checked.kind),
            "name": checked.name,
            "kind": checked.kind,
            "sha256": checked.sha256,
        }
        return redirect("indicators:indicator_import_check")
    return _render(
        request,
        "indicator_import_upload.html",
        {
            "title": _("Import figures"),
            "columns": importing.COLUMNS,
        },
        form,
    )


@login_required
@require_GET
def indicator_import_template(
    request: AuthenticatedHttpRequest, file_kind: str
) -> HttpResponseBase:
    """The columns, with a row for each indicator the person records, figure left empty."""
    _require_recorder(request)
    if file_kind not in TABLE_KINDS:
        raise Http404("No such template")
    indicators = list(
        selectors.indicator_recordable_list(user=request.user).filter(is_archived=False)
    )
    headers, rows = importing.template_rows(
        indicators,
        timezone.localdate(),
        breakdown_selectors.category_list(indicator_ids=[indicator.pk for indicator in indicators]),
    )
    return table_download(
        file_kind=file_kind, name="indicator-figures-template", headers=headers, rows=rows
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_import_check(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_recorder(request)
    found = _pending(request)
    if found is None:
        messages.info(request, _("Upload the file again to continue the import"))
        return redirect("indicators:indicator_import_upload")
    pending, table = found
    if request.method == "POST":
        try:
            plan = services.indicator_values_import(
                actor=request.user,
                table=table,
                file_name=pending["name"],
                file_sha256=pending["sha256"],
            )
        except importing.ImportInvalid as invalid:
            # Something changed since the check (another figure was recorded): say what.
            plan = importing.ImportPlan(errors=invalid.errors)
        else:
            _forget(request)
            messages.success(
                request,
                ngettext(
                    "%(count)s figure imported from %(name)s",
                    "%(count)s figures imported from %(name)s",
                    len(plan.values),
                )
                % {"count": len(plan.values), "name": pending["name"]},
            )
            return redirect("indicators:indicator_list")
    else:
        plan = services.indicator_values_import_check(actor=request.user, table=table)
    return _render(
        request,
        "indicator_import_check.html",
        {
            "title": _("Check the figures"),
            "file_name": pending["name"],
            "plan": plan,
            "preview": plan.values[:PREVIEW_ROWS],
            "period_label": periods.period_label,
            "number_text": number_text,
            "figure_name": importing.figure_name,
            "error_summary": error_summary(
                plan.errors, count=len(plan.errors), shown=SUMMARY_ERRORS
            ),
        },
    )

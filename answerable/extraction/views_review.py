"""The review of a report PDF's items: each beside its page, to change, drop, split, merge or
add, then import through the register's all-or-nothing import (issue #19).

Only the uploading office's scrutiny officers see a report; anyone else gets a 404.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_helpers import post_data, run_edit_service
from answerable.extraction import selectors, services
from answerable.extraction.forms import (
    ItemAddForm,
    ItemChangeForm,
    ItemSplitForm,
    ReportImportForm,
)
from answerable.extraction.models import ExtractedItem, ExtractedReport
from answerable.recommendations.importing import ImportInvalid
from answerable.recommendations.models import Recommendation

FINDING_LABELS = dict(Recommendation.FindingType.choices)


def _review_url(report: ExtractedReport, item: ExtractedItem | None = None) -> str:
    url = reverse("extraction:report_review", args=[report.pk])
    return f"{url}#item-{item.position}" if item is not None else url


def _render(
    request: AuthenticatedHttpRequest, template: str, context: dict[str, Any]
) -> HttpResponse:
    return render(request, f"extraction/{template}", {"active_nav": "sources", **context})


def _refuse(form: Any, error: ValidationError) -> None:
    """Show a service's refusal on the form, on its field where it names one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def report_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.extracted_report_get_for_user(user=request.user, pk=pk)
    items = list(selectors.extracted_item_list(report=report))
    form = ReportImportForm(
        request.POST if request.method == "POST" else None,
        initial={"source": report.source_title or report.title},
    )
    item_errors: dict[int, list[str]] = {}
    if request.method == "POST" and form.is_valid():
        try:
            result, recommendations = services.extracted_report_import(
                actor=request.user, report=report, source=form.cleaned_data["source"]
            )
        except ImportInvalid as error:
            for row_error in error.row_errors:
                message = _("Item %(number)s: %(message)s") % {
                    "number": row_error.row,
                    "message": row_error.message,
                }
                if row_error.field == "owner":
                    message += ". " + _("Change the item's owner, or leave it blank")
                item_errors.setdefault(row_error.row, []).append(message)
                form.add_error(None, message)
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s recommendation imported from %(name)s",
                    "%(count)s recommendations imported from %(name)s",
                    len(recommendations),
                )
                % {"count": len(recommendations), "name": report.file_name},
            )
            return redirect(_review_url(report))
    rows = [
        {
            "item": item,
            "label": str(FINDING_LABELS.get(item.finding_type, item.finding_type)),
            "excerpt": selectors.page_excerpt(report=report, item=item),
            "errors": item_errors.get(item.position, []),
            "is_last": index == len(items) - 1,
        }
        for index, item in enumerate(items)
    ]
    return _render(
        request,
        "report_review.html",
        {
            "title": _("Review the items in %(name)s") % {"name": report.file_name},
            "report": report,
            "rows": rows,
            "kept": sum(1 for item in items if not item.is_dropped),
            "form": form,
            "page_forms": [form],
            "imported": selectors.extracted_report_recommendations(report=report),
            "imported_on": timezone.localdate(report.imported_at) if report.imported_at else None,
        },
    )


def _change_form(item: ExtractedItem, data: Any = None) -> ItemChangeForm:
    return ItemChangeForm(
        data,
        version=item.version,
        initial={name: getattr(item, name) for name in services.ITEM_FIELDS},
    )


def _split_form(item: ExtractedItem, data: Any = None) -> ItemSplitForm:
    return ItemSplitForm(data, version=item.version, initial={"text": item.text})


@login_required
@require_http_methods(["GET", "POST"])
def item_change(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    report = selectors.extracted_report_get_for_user(user=request.user, pk=pk)
    item = selectors.extracted_item_get(report=report, pk=item_pk)
    form = _change_form(item, post_data(request))
    if form.is_valid():
        changed, form = run_edit_service(
            form,
            services.extracted_item_change,
            redraw=lambda: _change_form(selectors.extracted_item_get(report=report, pk=item_pk)),
            actor=request.user,
            item=item,
            **form.cleaned_data,
        )
        if changed:
            messages.success(request, _("Item %(number)s changed") % {"number": item.position})
            return redirect(_review_url(report, item))
    return _item_page(request, report, item, form, _("Change item %(number)s"))


@login_required
@require_http_methods(["GET", "POST"])
def item_split(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    report = selectors.extracted_report_get_for_user(user=request.user, pk=pk)
    item = selectors.extracted_item_get(report=report, pk=item_pk)
    form = _split_form(item, post_data(request))
    if form.is_valid():
        split, form = run_edit_service(
            form,
            services.extracted_item_split,
            redraw=lambda: _split_form(selectors.extracted_item_get(report=report, pk=item_pk)),
            actor=request.user,
            item=item,
            **form.cleaned_data,
        )
        if split:
            messages.success(
                request,
                _("Item %(number)s split in two: check the new item's reference")
                % {"number": item.position},
            )
            return redirect(_review_url(report, item))
    return _item_page(request, report, item, form, _("Split item %(number)s"))


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.extracted_report_get_for_user(user=request.user, pk=pk)
    form = ItemAddForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            item = services.extracted_item_add(
                actor=request.user, report=report, **form.cleaned_data
            )
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Item %(number)s added") % {"number": item.position})
            return redirect(_review_url(report, item))
    return _item_page(request, report, None, form, _("Add an item"))


def _item_page(
    request: AuthenticatedHttpRequest,
    report: ExtractedReport,
    item: ExtractedItem | None,
    form: Any,
    title: str,
) -> HttpResponse:
    return _render(
        request,
        "report_item_form.html",
        {
            "title": title % {"number": item.position} if item is not None else title,
            "report": report,
            "item": item,
            "excerpt": selectors.page_excerpt(report=report, item=item) if item else None,
            "form": form,
            "page_forms": [form],
            "back": _review_url(report, item),
        },
    )


def _post_action(
    request: AuthenticatedHttpRequest,
    report: ExtractedReport,
    item: ExtractedItem,
    action: Any,
    done: str,
) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(_review_url(report, item))


@login_required
@require_POST
def item_drop(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    report = selectors.extracted_report_get_for_user(user=request.user, pk=pk)
    item = selectors.extracted_item_get(report=report, pk=item_pk)
    is_dropped = request.POST.get("is_dropped") == "1"
    return _post_action(
        request,
        report,
        item,
        lambda: services.extracted_item_drop(actor=request.user, item=item, is_dropped=is_dropped),
        (_("Item %(number)s dropped") if is_dropped else _("Item %(number)s restored"))
        % {"number": item.position},
    )


@login_required
@require_POST
def item_merge(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    report = selectors.extracted_report_get_for_user(user=request.user, pk=pk)
    item = selectors.extracted_item_get(report=report, pk=item_pk)
    return _post_action(
        request,
        report,
        item,
        lambda: services.extracted_item_merge(actor=request.user, item=item),
        _("Item %(number)s merged with the next item") % {"number": item.position},
    )

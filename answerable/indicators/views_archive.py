"""The office archives an indicator it no longer follows, and restores it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_helpers import post_data, run_service
from answerable.indicators import archiving, selectors
from answerable.recommendations.forms_lifecycle import ArchiveForm, RestoreForm


@login_required
@require_http_methods(["GET", "POST"])
def indicator_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _archive_or_restore(request, pk, archive=True)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _archive_or_restore(request, pk, archive=False)


def _archive_or_restore(
    request: AuthenticatedHttpRequest, pk: int, *, archive: bool
) -> HttpResponse:
    indicator = selectors.indicator_get_for_user(user=request.user, pk=pk)
    if not selectors.can_define_indicators(user=request.user, office=indicator.office):
        raise PermissionDenied
    if indicator.is_archived == archive:
        return redirect(indicator)
    form = (ArchiveForm if archive else RestoreForm)(post_data(request))
    service = archiving.indicator_archive if archive else archiving.indicator_restore
    if form.is_valid() and run_service(
        form, service, actor=request.user, indicator=indicator, reason=form.cleaned_data["reason"]
    ):
        messages.success(request, _("Indicator archived") if archive else _("Indicator restored"))
        return redirect(indicator)
    return render(
        request,
        "recommendations/lifecycle_form.html",
        {
            "title": (_("Archive %(name)s") if archive else _("Restore %(name)s"))
            % {"name": indicator.name},
            "form": form,
            "page_forms": [form],
            "back": indicator.get_absolute_url(),
            "button": _("Archive") if archive else _("Restore"),
            "active_nav": "indicators",
            "warning": _(
                "It will leave the list of indicators, the public site, its open data and the "
                "public API, and take no more figures. Its figures, their history and the "
                "figures fixed for meetings stay, and it can be restored."
            )
            if archive
            else "",
        },
    )

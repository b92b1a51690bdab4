"""Pages that change the register after it is loaded: edit, archive, restore and supersede
(issue #17). Only the owning office's scrutiny officers reach them; the services check
again. The responses' pages are in `views_responses`, an action's plan's in
`views_action_plan`; both draw their forms with `form_page`."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_helpers import (
    post_data,
    run_edit_service,
    run_service,
)
from answerable.recommendations import selectors, services
from answerable.recommendations.forms_lifecycle import (
    ArchiveForm,
    RecommendationUpdateForm,
    RestoreForm,
    SourceUpdateForm,
    SupersedeForm,
)
from answerable.recommendations.models import Recommendation, Source

TEMPLATE = "recommendations/lifecycle_form.html"


def require_manager(request: AuthenticatedHttpRequest, source: Source) -> None:
    """Refuse anyone but the source office's scrutiny officers."""
    if not selectors.can_manage_register(user=request.user, source=source):
        raise PermissionDenied


def form_page(
    request: AuthenticatedHttpRequest,
    *,
    title: str,
    form: Any,
    back: str,
    button: str,
    **extra: Any,
) -> HttpResponse:
    """A page holding one form that changes the register, drawn after a refused save too."""
    context = {"title": title, "form": form, "page_forms": [form], "back": back, "button": button}
    return render(request, TEMPLATE, context | extra)


def _archive_or_restore(
    request: AuthenticatedHttpRequest,
    *,
    subject: Any,
    source: Source,
    archive: bool,
    service: Callable[..., Any],
    subject_kwarg: str,
    title: str,
    done: str,
    subject_text: str = "",
) -> HttpResponse:
    """The confirmation page and its submission, for archiving or restoring any row."""
    require_manager(request, source)
    if getattr(subject, "is_archived", False) == archive:
        return redirect(subject)
    form = (ArchiveForm if archive else RestoreForm)(post_data(request))
    if form.is_valid() and run_service(
        form,
        service,
        actor=request.user,
        reason=form.cleaned_data["reason"],
        **{subject_kwarg: subject},
    ):
        messages.success(request, done)
        return redirect(subject)
    return form_page(
        request,
        title=title,
        form=form,
        back=subject.get_absolute_url(),
        button=_("Archive") if archive else _("Restore"),
        subject_text=subject_text,
        warning=(
            _(
                "It will leave every list, count and export, and the public site. "
                "It stays readable at its address and can be restored."
            )
            if archive
            else ""
        ),
    )


# --- sources -------------------------------------------------------------------------------


def _source_form(source: Source, data: Any = None) -> SourceUpdateForm:
    return SourceUpdateForm(
        data, version=source.version, initial=SourceUpdateForm.initial_from(source)
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_get_for_user(user=request.user, pk=pk)
    require_manager(request, source)
    form = _source_form(source, post_data(request))
    if form.is_valid():
        updated, form = run_edit_service(
            form,
            services.source_update,
            redraw=lambda: _source_form(selectors.source_get_for_user(user=request.user, pk=pk)),
            actor=request.user,
            source=source,
            **form.cleaned_data,
        )
        if updated:
            messages.success(request, _("Source details changed"))
            return redirect(updated)
    return form_page(
        request,
        title=_("Change the details of %(title)s") % {"title": source.title},
        form=form,
        back=source.get_absolute_url(),
        button=_("Save changes"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_get_for_user(user=request.user, pk=pk)
    return _archive_or_restore(
        request,
        subject=source,
        source=source,
        archive=True,
        service=services.source_archive,
        subject_kwarg="source",
        title=_("Archive %(title)s") % {"title": source.title},
        done=_("Source archived, with its recommendations and actions"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_get_for_user(user=request.user, pk=pk)
    return _archive_or_restore(
        request,
        subject=source,
        source=source,
        archive=False,
        service=services.source_restore,
        subject_kwarg="source",
        title=_("Restore %(title)s") % {"title": source.title},
        done=_("Source restored, with what was archived with it"),
    )


# --- recommendations -----------------------------------------------------------------------


def _recommendation_form(
    recommendation: Recommendation, data: Any = None
) -> RecommendationUpdateForm:
    return RecommendationUpdateForm(
        data,
        version=recommendation.version,
        initial=RecommendationUpdateForm.initial_from(recommendation),
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.recommendation_get_for_user(user=request.user, pk=pk)
    require_manager(request, recommendation.source)
    form = _recommendation_form(recommendation, post_data(request))
    if form.is_valid():
        updated, form = run_edit_service(
            form,
            services.recommendation_update,
            redraw=lambda: _recommendation_form(
                selectors.recommendation_get_for_user(user=request.user, pk=pk)
            ),
            actor=request.user,
            recommendation=recommendation,
            **form.cleaned_data,
        )
        if updated:
            messages.success(
                request, _("Recommendation %(ref)s changed") % {"ref": updated.reference}
            )
            return redirect(updated)
    return form_page(
        request,
        title=_("Change recommendation %(ref)s") % {"ref": recommendation.reference},
        form=form,
        back=recommendation.get_absolute_url(),
        button=_("Save changes"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.recommendation_get_for_user(user=request.user, pk=pk)
    return _archive_or_restore(
        request,
        subject=recommendation,
        source=recommendation.source,
        archive=True,
        service=services.recommendation_archive,
        subject_kwarg="recommendation",
        title=_("Archive recommendation %(ref)s") % {"ref": recommendation.reference},
        done=_("Recommendation archived, with its actions"),
        subject_text=recommendation.text,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.recommendation_get_for_user(user=request.user, pk=pk)
    return _archive_or_restore(
        request,
        subject=recommendation,
        source=recommendation.source,
        archive=False,
        service=services.recommendation_restore,
        subject_kwarg="recommendation",
        title=_("Restore recommendation %(ref)s") % {"ref": recommendation.reference},
        done=_("Recommendation restored"),
        subject_text=recommendation.text,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_supersede(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.recommendation_get_for_user(user=request.user, pk=pk)
    require_manager(request, recommendation.source)
    candidates = selectors.supersede_candidate_list(
        user=request.user, recommendation=recommendation
    )
    form = SupersedeForm(post_data(request), candidates=candidates)
    if form.is_valid() and run_service(
        form,
        services.recommendation_supersede,
        actor=request.user,
        recommendation=recommendation,
        **form.cleaned_data,
    ):
        messages.success(request, _("Recorded as superseded"))
        return redirect(recommendation)
    return form_page(
        request,
        title=_("Mark %(ref)s as superseded") % {"ref": recommendation.reference},
        form=form,
        back=recommendation.get_absolute_url(),
        button=_("Mark as superseded"),
        subject_text=recommendation.text,
        warning=_(
            "Its actions' target dates will stop running: "
            "they will no longer show as overdue or due."
        ),
    )


# --- actions -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def action_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_for_user(user=request.user, pk=pk)
    return _archive_or_restore(
        request,
        subject=action,
        source=action.recommendation.source,
        archive=True,
        service=services.action_archive,
        subject_kwarg="action",
        title=_("Archive the action for %(owner)s") % {"owner": action.owner.name},
        done=_("Action archived"),
        subject_text=action.description,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_for_user(user=request.user, pk=pk)
    return _archive_or_restore(
        request,
        subject=action,
        source=action.recommendation.source,
        archive=False,
        service=services.action_restore,
        subject_kwarg="action",
        title=_("Restore the action for %(owner)s") % {"owner": action.owner.name},
        done=_("Action restored"),
        subject_text=action.description,
    )

"""Pages that change the register after it is loaded: edit, archive, restore and supersede
(issue #17). Only the owning office's scrutiny officers reach them; the services check
again. The responses' pages are in `views_responses`, an action's plan's in
`views_action_plan`; both draw their forms with `form_page`."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_edit import edit_page
from answerable.core.views_helpers import post_data
from answerable.recommendations import selectors, services
from answerable.recommendations.forms_lifecycle import (
    ArchiveForm,
    RecommendationUpdateForm,
    RestoreForm,
    SourceUpdateForm,
    SupersedeForm,
)
from answerable.recommendations.models import Action, Recommendation, Source
from answerable.recommendations.picker import recommendations_found, register_picker

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


# The services that archive and restore each kind of row, and their keyword for the row.
_SHELVING: dict[type, tuple[str, Callable[..., Any], Callable[..., Any]]] = {
    Source: ("source", services.source_archive, services.source_restore),
    Recommendation: (
        "recommendation",
        services.recommendation_archive,
        services.recommendation_restore,
    ),
    Action: ("action", services.action_archive, services.action_restore),
}


def _archive_or_restore(
    request: AuthenticatedHttpRequest,
    subject: Source | Recommendation | Action,
    *,
    source: Source,
    archive: bool,
    title: str,
    done: str,
    subject_text: str = "",
) -> HttpResponse:
    """The confirmation page and its submission, for archiving or restoring any row."""
    require_manager(request, source)
    if subject.is_archived == archive:
        return redirect(subject)
    subject_kwarg, archive_service, restore_service = _SHELVING[type(subject)]
    row: dict[str, Any] = {subject_kwarg: subject}
    return edit_page(
        request,
        (ArchiveForm if archive else RestoreForm)(post_data(request)),
        archive_service if archive else restore_service,
        **row,
        done=done,
        then=lambda _saved: redirect(subject),
        page=lambda form: form_page(
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
    return edit_page(
        request,
        _source_form(source, post_data(request)),
        services.source_update,
        source=source,
        redraw=lambda: _source_form(selectors.source_get_for_user(user=request.user, pk=pk)),
        done=_("Source details changed"),
        page=lambda form: form_page(
            request,
            title=_("Change the details of %(title)s") % {"title": source.title},
            form=form,
            back=source.get_absolute_url(),
            button=_("Save changes"),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _source_archive_or_restore(request, pk, archive=True)


@login_required
@require_http_methods(["GET", "POST"])
def source_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _source_archive_or_restore(request, pk, archive=False)


def _source_archive_or_restore(
    request: AuthenticatedHttpRequest, pk: int, *, archive: bool
) -> HttpResponse:
    source = selectors.source_get_for_user(user=request.user, pk=pk)
    title = _("Archive %(title)s") if archive else _("Restore %(title)s")
    return _archive_or_restore(
        request,
        source,
        source=source,
        archive=archive,
        title=title % {"title": source.title},
        done=(
            _("Source archived, with its recommendations and actions")
            if archive
            else _("Source restored, with what was archived with it")
        ),
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
    return edit_page(
        request,
        _recommendation_form(recommendation, post_data(request)),
        services.recommendation_update,
        recommendation=recommendation,
        redraw=lambda: _recommendation_form(
            selectors.recommendation_get_for_user(user=request.user, pk=pk)
        ),
        done=lambda updated: _("Recommendation %(ref)s changed") % {"ref": updated.reference},
        page=lambda form: form_page(
            request,
            title=_("Change recommendation %(ref)s") % {"ref": recommendation.reference},
            form=form,
            back=recommendation.get_absolute_url(),
            button=_("Save changes"),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _recommendation_archive_or_restore(request, pk, archive=True)


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _recommendation_archive_or_restore(request, pk, archive=False)


def _recommendation_archive_or_restore(
    request: AuthenticatedHttpRequest, pk: int, *, archive: bool
) -> HttpResponse:
    recommendation = selectors.recommendation_get_for_user(user=request.user, pk=pk)
    title = _("Archive recommendation %(ref)s") if archive else _("Restore recommendation %(ref)s")
    done = (
        _("Recommendation archived, with its actions") if archive else _("Recommendation restored")
    )
    return _archive_or_restore(
        request,
        recommendation,
        source=recommendation.source,
        archive=archive,
        title=title % {"ref": recommendation.reference},
        done=done,
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
    return edit_page(
        request,
        SupersedeForm(post_data(request), candidates=candidates),
        services.recommendation_supersede,
        recommendation=recommendation,
        done=_("Recorded as superseded"),
        then=lambda _saved: redirect(recommendation),
        page=lambda form: form_page(
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
            picker=register_picker(request, form, {"superseded_by": recommendations_found}),
        ),
    )


# --- actions -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def action_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _action_archive_or_restore(request, pk, archive=True)


@login_required
@require_http_methods(["GET", "POST"])
def action_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _action_archive_or_restore(request, pk, archive=False)


def _action_archive_or_restore(
    request: AuthenticatedHttpRequest, pk: int, *, archive: bool
) -> HttpResponse:
    action = selectors.action_get_for_user(user=request.user, pk=pk)
    title = (
        _("Archive the action for %(owner)s") if archive else _("Restore the action for %(owner)s")
    )
    return _archive_or_restore(
        request,
        action,
        source=action.recommendation.source,
        archive=archive,
        title=title % {"owner": action.owner.name},
        done=_("Action archived") if archive else _("Action restored"),
        subject_text=action.description,
    )

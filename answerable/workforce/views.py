"""Pages for workforce training coverage: the index, a course's coverage, the gap list."""

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.tables import csv_stream
from answerable.core.views_edit import edit_page
from answerable.core.views_helpers import pagination_params, post_data
from answerable.recommendations.picker import Finder, recommendations_found, register_picker
from answerable.workforce import charts, coverage, coverage_page, selectors, services
from answerable.workforce.forms import (
    CourseArchiveForm,
    CourseForm,
    CourseRestoreForm,
    CourseUpdateForm,
    CoverageLinkAgendaItemForm,
    CoverageLinkForm,
)
from answerable.workforce.models import Course

GAP_HEADERS = [
    "Staff ID",
    "Command or department",
    "Workforce type",
    "Rank or grade",
    "Start date",
    "Last completed",
]


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"workforce/{template}", _page_context(context))


def _course_form_page(
    request: AuthenticatedHttpRequest,
    course: Course,
    form: Any,
    service: Callable[..., Any],
    *,
    done: Callable[[Any], str],
    template: str,
    title: str,
    redraw: Callable[[], Any] | None = None,
    finders: Mapping[str, Finder] | None = None,
    **extra: Any,
) -> HttpResponse:
    """A page with a form whose service changes the course, or links it: success returns
    to the course's page. `finders` name the form's register fields to list with a picker."""

    def page(form: Any) -> HttpResponse:
        context = {"title": title, "form": form, "page_forms": [form], "course": course}
        if finders:
            context["picker"] = register_picker(request, form, finders)
        return _render(request, template, context | extra)

    return edit_page(
        request,
        form,
        service,
        course=course,
        redraw=redraw,
        done=done,
        then=lambda _saved: redirect(course),
        page=page,
    )


def _page_context(context: dict[str, Any]) -> dict[str, Any]:
    return {"active_nav": "workforce", "percent": charts.percent_text, **context}


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    courses = selectors.course_list(user=request.user)
    upload_forces = selectors.upload_force_list(user=request.user)
    snapshots = selectors.visible_snapshot_list(user=request.user)[:10]
    return _render(
        request,
        "index.html",
        {
            "title": _("Workforce training"),
            "courses": courses,
            "snapshots": snapshots,
            "can_upload": upload_forces.exists(),
        },
    )


@login_required
@require_GET
def course_coverage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get_for_user(user=request.user, pk=pk)
    figures = coverage_page.coverage_figures_for_user(
        user=request.user, course=course, page=request.GET.get("page")
    )
    gaps = figures.gap_pages()
    drawn = coverage_page.coverage_charts(course=course, figures=figures)
    links = selectors.course_evidence_list(user=request.user, course=course)
    return _render(
        request,
        "course_coverage.html",
        {
            "title": _("%(title)s coverage") % {"title": course.title},
            "course": course,
            "figures": figures,
            "trend_svg": drawn.trend_svg,
            "dimensions": drawn.dimensions,
            "pagination": pagination_params(request, gaps) if gaps is not None else None,
            "links": links,
            "removable": selectors.coverage_link_removable_ids(
                user=request.user, course=course, links=links
            ),
            "can_link": selectors.can_link_coverage(user=request.user, course=course),
            "can_manage": selectors.can_manage_courses(
                user=request.user, organisation=course.owner
            ),
        },
    )


@login_required
@require_GET
def course_gaps_csv(request: AuthenticatedHttpRequest, pk: int) -> StreamingHttpResponse:
    course = selectors.course_get_for_user(user=request.user, pk=pk)
    snapshot = selectors.snapshot_latest(organisation=course.owner)
    if snapshot is None or not selectors.can_see_gaps(user=request.user, course=course):
        raise Http404("No gap list")
    gaps = coverage.coverage_gap_list(course=course, snapshot=snapshot)
    response = StreamingHttpResponse(
        csv_stream(GAP_HEADERS, coverage.gap_rows(gaps)), content_type="text/csv; charset=utf-8"
    )
    filename = f"{course.code}-not-in-date-{snapshot.taken_on:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{_safe_filename(filename)}"'
    response["Cache-Control"] = "no-store"
    return response


def _safe_filename(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name)


def _linkable_course(request: AuthenticatedHttpRequest, pk: int) -> Course:
    course = selectors.course_get_for_user(user=request.user, pk=pk)
    if not selectors.can_link_coverage(user=request.user, course=course):
        raise PermissionDenied
    return course


def _coverage_link_page(
    request: AuthenticatedHttpRequest,
    course: Course,
    form: Any,
    *,
    linked_to: Callable[[], str],
    template: str,
    title: str,
    **extra: Any,
) -> HttpResponse:
    """A page that links the course's coverage as evidence to what `linked_to` names."""
    return _course_form_page(
        request,
        course,
        form,
        services.coverage_link_create,
        done=lambda _link: f"{course.title} coverage linked to {linked_to()}",
        template=template,
        title=title,
        **extra,
    )


@login_required
@require_http_methods(["GET", "POST"])
def coverage_link_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = _linkable_course(request, pk)
    recommendations = selectors.linkable_recommendation_list(
        user=request.user, course=course
    ).select_related("source")
    form = CoverageLinkForm(post_data(request), recommendations=recommendations)
    return _coverage_link_page(
        request,
        course,
        form,
        linked_to=lambda: form.cleaned_data["recommendation"].reference,
        template="coverage_link_create.html",
        title=_("Link %(title)s coverage to a recommendation") % {"title": course.title},
        finders={"recommendation": recommendations_found},
    )


@login_required
@require_http_methods(["GET", "POST"])
def coverage_link_agenda_item_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = _linkable_course(request, pk)
    agenda_items = selectors.linkable_agenda_item_list(
        user=request.user, course=course, since=selectors.recent_meetings_since()
    )
    form = CoverageLinkAgendaItemForm(post_data(request), agenda_items=agenda_items)
    return _coverage_link_page(
        request,
        course,
        form,
        linked_to=lambda: form.cleaned_data["agenda_item"].meeting.title,
        template="coverage_link_agenda_item_create.html",
        title=_("Link %(title)s coverage to a meeting agenda item") % {"title": course.title},
        recent_days=selectors.RECENT_MEETING_DAYS,
    )


@login_required
@require_http_methods(["GET", "POST"])
def coverage_link_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    link = selectors.coverage_link_get_for_user(user=request.user, pk=pk)
    course = link.course
    if not selectors.coverage_link_removable_ids(user=request.user, course=course, links=[link]):
        raise PermissionDenied
    if request.method == "POST":
        services.coverage_link_delete(actor=request.user, link=link)
        messages.success(
            request, _("%(title)s coverage is no longer linked there") % {"title": course.title}
        )
        return redirect(course)
    return _render(
        request,
        "coverage_link_delete.html",
        {
            "title": _("Remove %(title)s coverage as evidence") % {"title": course.title},
            "link": link,
            "course": course,
        },
    )


def _course_update_form(course: Course, data: Any = None) -> CourseUpdateForm:
    """The form to change a course, drawn from the course as saved."""
    return CourseUpdateForm(
        data, version=course.version, initial=CourseUpdateForm.initial_from(course)
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get_for_user(user=request.user, pk=pk)
    if not selectors.can_manage_courses(user=request.user, organisation=course.owner):
        raise PermissionDenied
    return _course_form_page(
        request,
        course,
        _course_update_form(course, post_data(request)),
        services.course_update,
        redraw=lambda: _course_update_form(selectors.course_get_for_user(user=request.user, pk=pk)),
        done=lambda updated: _("Course updated: %(title)s") % {"title": updated.title},
        template="course_update.html",
        title=_("Change %(title)s") % {"title": course.title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    forces = list(selectors.upload_force_list(user=request.user))
    if not forces:
        raise PermissionDenied
    return edit_page(
        request,
        CourseForm(post_data(request)),
        services.course_create,
        owner=forces[0],
        done=lambda course: _("Course added: %(title)s") % {"title": course.title},
        page=lambda form: _render(
            request,
            "course_create.html",
            {"title": _("Add a course"), "form": form, "page_forms": [form], "owner": forces[0]},
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _course_archive_or_restore(request, pk, archive=True)


@login_required
@require_http_methods(["GET", "POST"])
def course_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _course_archive_or_restore(request, pk, archive=False)


def _course_archive_or_restore(
    request: AuthenticatedHttpRequest, pk: int, *, archive: bool
) -> HttpResponse:
    course = selectors.course_get_for_user(user=request.user, pk=pk)
    if not selectors.can_manage_courses(user=request.user, organisation=course.owner):
        raise PermissionDenied
    if course.is_archived == archive:
        return redirect(course)
    return edit_page(
        request,
        (CourseArchiveForm if archive else CourseRestoreForm)(post_data(request)),
        services.course_archive if archive else services.course_restore,
        course=course,
        done=_("Course archived") if archive else _("Course restored"),
        then=lambda _saved: redirect(course),
        page=lambda form: render(
            request,
            "recommendations/lifecycle_form.html",
            {
                "title": (_("Archive %(title)s") if archive else _("Restore %(title)s"))
                % {"title": course.title},
                "form": form,
                "page_forms": [form],
                "back": course.get_absolute_url(),
                "button": _("Archive") if archive else _("Restore"),
                "warning": (
                    _(
                        "It will leave the force's course list, and uploads will no longer match "
                        "its completions. It stays readable at its address and can be restored."
                    )
                    if archive
                    else ""
                ),
            },
        ),
    )

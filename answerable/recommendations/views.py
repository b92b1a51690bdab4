from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.keyset import keyset_page, keyset_pagination_params
from answerable.core.panels import RECOMMENDATION_PAGE, panels_for_one
from answerable.core.views_helpers import (
    paginate,
    pagination_params,
    post_data,
    run_service,
    stored_file_download,
)
from answerable.organisations.models import Membership
from answerable.organisations.selectors import (
    access_for,
    organisation_list,
    scrutiny_office_for,
)
from answerable.recommendations import selectors, services
from answerable.recommendations.forms import (
    ActionFilterForm,
    ActionForm,
    AssessmentForm,
    LinkForm,
    RecommendationFilterForm,
    RecommendationForm,
    ReopenForm,
    SourceForm,
    UpdateForm,
)
from answerable.recommendations.models import (
    AssuranceStatus,
    DeliveryStatus,
    Evidence,
    SavedView,
)
from answerable.recommendations.views_saved import saved_views_for


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"recommendations/{template}", context)


# --- dashboard -----------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "title": "Dashboard",
        "summary": selectors.dashboard_summary(user=request.user),
        "active_nav": "dashboard",
        "delivery_choices": DeliveryStatus.choices,
        "assurance_choices": AssuranceStatus.choices,
        "delivery_labels": dict(DeliveryStatus.choices),
        "assurance_labels": dict(AssuranceStatus.choices),
        "can_assess": access_for(request.user).has_role(Membership.Role.SCRUTINY_OFFICER),
        "today": timezone.localdate(),
    }
    return _render(request, "dashboard.html", context)


# --- sources -------------------------------------------------------------------------------


@login_required
@require_GET
def source_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    sources = selectors.source_list(user=request.user).order_by("-published_on", "title")
    page = paginate(request, sources)
    return _render(
        request,
        "source_list.html",
        {
            "title": "Sources",
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
            messages.success(request, f"Source added: {source.title}")
            return redirect(source)
    return _render(
        request,
        "source_create.html",
        {"title": "Add a source", "form": form, "page_forms": [form], "active_nav": "sources"},
    )


@login_required
@require_GET
def source_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_get_for_user(user=request.user, pk=pk)
    recommendations = selectors.source_recommendation_list(user=request.user, source=source)
    page = paginate(request, recommendations.order_by("position", "id"))
    return _render(
        request,
        "source_detail.html",
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


# --- recommendations -----------------------------------------------------------------------


@login_required
@require_GET
def recommendation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    visible = selectors.recommendation_list(user=request.user)
    sources = selectors.source_choice_list(user=request.user)
    form = RecommendationFilterForm(
        request.GET or None,
        sources=sources,
        source_options=selectors.source_options(user=request.user, sources=sources),
        owners=organisation_list(),
        themes=selectors.theme_choice_list(user=request.user),
    )
    filters = form.filters()
    recommendations = selectors.recommendation_filter(visible, user=request.user, **filters)
    page = keyset_page(
        request,
        recommendations,
        selectors.recommendation_sort(filters.get("sort", "")),
        count=selectors.recommendation_count(
            user=request.user, filtered=recommendations, filters=filters
        ),
        related=("source",),
        groups=selectors.recommendation_groups(user=request.user, sort=filters.get("sort", "")),
    )
    context = {
        "title": "Recommendations",
        "form": form,
        "page_forms": [form],
        "page": page,
        "pagination": keyset_pagination_params(page),
        "active_nav": "recommendations",
        "saved_views": saved_views_for(request, SavedView.ListKind.RECOMMENDATIONS),
    }
    return _render(request, "recommendation_list.html", context)


@login_required
@require_GET
def recommendation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.recommendation_get_for_user(user=request.user, pk=pk)
    links = recommendation.links_out.select_related("to_recommendation").only(
        "kind", "to_recommendation__reference"
    )
    context = {
        "title": f"{recommendation.reference}: {recommendation.source.title}",
        "recommendation": recommendation,
        "actions": selectors.recommendation_action_list(
            user=request.user, recommendation=recommendation
        ),
        "links": links,
        "timeline": selectors.recommendation_timeline(recommendation=recommendation),
        "panels": panels_for_one(slot=RECOMMENDATION_PAGE, user=request.user, object_id=pk),
        "can_manage": selectors.can_manage_register(
            user=request.user, source=recommendation.source
        ),
        "can_assess": selectors.can_assess(user=request.user, recommendation=recommendation),
        "active_nav": "recommendations",
        "following": selectors.follow_get(user=request.user, recommendation=recommendation)
        is not None,
    }
    return _render(request, "recommendation_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_get_for_user(user=request.user, pk=pk)
    if not selectors.can_manage_register(user=request.user, source=source):
        raise PermissionDenied
    form = RecommendationForm(post_data(request))
    if form.is_valid():
        recommendation = run_service(
            form,
            services.recommendation_create,
            actor=request.user,
            source=source,
            **form.cleaned_data,
        )
        if recommendation:
            messages.success(request, f"Recommendation {recommendation.reference} added")
            return redirect(recommendation)
    return _render(
        request,
        "recommendation_create.html",
        {
            "title": "Add a recommendation",
            "form": form,
            "page_forms": [form],
            "source": source,
            "active_nav": "sources",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_assess(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.recommendation_get_for_user(user=request.user, pk=pk)
    if not selectors.can_assess(user=request.user, recommendation=recommendation):
        raise PermissionDenied
    form = AssessmentForm(post_data(request))
    if form.is_valid() and run_service(
        form,
        services.assessment_record,
        actor=request.user,
        recommendation=recommendation,
        **form.cleaned_data,
    ):
        messages.success(request, f"Assessment recorded for {recommendation.reference}")
        return redirect(recommendation)
    return _render(
        request,
        "simple_form.html",
        {
            "title": f"Assess recommendation {recommendation.reference}",
            "form": form,
            "page_forms": [form],
            "back": recommendation.get_absolute_url(),
            "button": "Record assessment",
            "subject_text": recommendation.text,
            "active_nav": "recommendations",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.recommendation_get_for_user(user=request.user, pk=pk)
    if not selectors.can_assess(user=request.user, recommendation=recommendation):
        raise PermissionDenied
    form = ReopenForm(post_data(request))
    if form.is_valid() and run_service(
        form,
        services.assurance_reopen,
        actor=request.user,
        recommendation=recommendation,
        reason=form.cleaned_data["reason"],
    ):
        messages.success(request, f"Recommendation {recommendation.reference} reopened")
        return redirect(recommendation)
    return _render(
        request,
        "simple_form.html",
        {
            "title": f"Reopen recommendation {recommendation.reference}",
            "form": form,
            "page_forms": [form],
            "back": recommendation.get_absolute_url(),
            "button": "Reopen",
            "active_nav": "recommendations",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.recommendation_get_for_user(user=request.user, pk=pk)
    if not selectors.can_manage_register(user=request.user, source=recommendation.source):
        raise PermissionDenied
    candidates = (
        selectors.recommendation_list(user=request.user)
        .exclude(pk=recommendation.pk)
        .order_by("source__title", "position", "id")
    )
    form = LinkForm(post_data(request), candidates=candidates)
    if form.is_valid() and run_service(
        form,
        services.recommendation_link_create,
        actor=request.user,
        from_recommendation=recommendation,
        **form.cleaned_data,
    ):
        messages.success(request, "Recommendations linked")
        return redirect(recommendation)
    return _render(
        request,
        "simple_form.html",
        {
            "title": f"Link {recommendation.reference} to a related recommendation",
            "form": form,
            "page_forms": [form],
            "back": recommendation.get_absolute_url(),
            "button": "Link",
            "subject_text": recommendation.text,
            "active_nav": "recommendations",
        },
    )


# --- actions -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.recommendation_get_for_user(user=request.user, pk=pk)
    if not selectors.can_manage_register(user=request.user, source=recommendation.source):
        raise PermissionDenied
    form = ActionForm(post_data(request))
    if form.is_valid():
        action = run_service(
            form,
            services.action_create,
            actor=request.user,
            recommendation=recommendation,
            **form.cleaned_data,
        )
        if action:
            messages.success(request, f"Action added for {action.owner.name}")
            return redirect(recommendation)
    return _render(
        request,
        "simple_form.html",
        {
            "title": f"Add an action to {recommendation.reference}",
            "form": form,
            "page_forms": [form],
            "back": recommendation.get_absolute_url(),
            "button": "Add action",
            "subject_text": recommendation.text,
            "active_nav": "recommendations",
        },
    )


@login_required
@require_GET
def action_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ActionFilterForm(request.GET or None, owners=organisation_list())
    filters = form.filters()
    actions = selectors.action_filter(selectors.action_list(user=request.user), **filters)
    page = keyset_page(
        request,
        actions,
        selectors.action_sort(filters.get("sort", "")),
        count=selectors.action_count(user=request.user, filtered=actions, filters=filters),
        related=("recommendation", "owner"),
    )
    context = {
        "title": "Actions",
        "form": form,
        "page_forms": [form],
        "page": page,
        "pagination": keyset_pagination_params(page),
        "active_nav": "actions",
        "saved_views": saved_views_for(request, SavedView.ListKind.ACTIONS),
    }
    return _render(request, "action_list.html", context)


@login_required
@require_GET
def action_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_for_user(user=request.user, pk=pk)
    context = {
        "title": f"{action.recommendation.reference}: action for {action.owner.name}",
        "action": action,
        "timeline": selectors.action_timeline(action=action),
        "narratives": selectors.action_narratives(action=action),
        "can_update": selectors.can_update_action(user=request.user, action=action),
        "can_change_date": selectors.can_change_target_date(user=request.user, action=action),
        "can_assess": selectors.can_assess(user=request.user, recommendation=action.recommendation),
        "can_manage": selectors.can_manage_register(
            user=request.user, source=action.recommendation.source
        ),
        "active_nav": "actions",
        "following": selectors.follow_get(user=request.user, action=action) is not None,
    }
    return _render(request, "action_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def action_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_for_user(user=request.user, pk=pk)
    if not selectors.can_update_action(user=request.user, action=action):
        raise PermissionDenied
    form = UpdateForm(
        post_data(request), request.FILES or None, initial={"status": action.delivery_status}
    )
    if form.is_valid():
        data = form.cleaned_data
        evidence = []
        if data["evidence_file"] or data["evidence_link"]:
            evidence.append(
                services.EvidenceInput(
                    title=data["evidence_title"],
                    marking=data["evidence_marking"],
                    is_published=data["evidence_is_published"],
                    file=data["evidence_file"],
                    link=data["evidence_link"],
                )
            )
        if run_service(
            form,
            services.update_post,
            actor=request.user,
            action=action,
            narrative=data["narrative"],
            status=data["status"],
            unable_reason=data["unable_reason"],
            evidence=evidence,
            public_narrative=data["public_narrative"],
        ):
            messages.success(request, "Update posted")
            return redirect(action)
    return _render(
        request,
        "action_update.html",
        {
            "title": f"Post an update on {action.recommendation.reference}",
            "form": form,
            "page_forms": [form],
            "action": action,
            "active_nav": "actions",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_assess(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_for_user(user=request.user, pk=pk)
    if not selectors.can_assess(user=request.user, recommendation=action.recommendation):
        raise PermissionDenied
    form = AssessmentForm(post_data(request))
    if form.is_valid() and run_service(
        form, services.assessment_record, actor=request.user, action=action, **form.cleaned_data
    ):
        messages.success(
            request, f"Assessment recorded for the action on {action.recommendation.reference}"
        )
        return redirect(action)
    return _render(
        request,
        "simple_form.html",
        {
            "title": f"Assess the action for {action.owner.name}",
            "form": form,
            "page_forms": [form],
            "back": action.get_absolute_url(),
            "button": "Record assessment",
            "subject_text": action.description,
            "active_nav": "queue",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_for_user(user=request.user, pk=pk)
    if not selectors.can_assess(user=request.user, recommendation=action.recommendation):
        raise PermissionDenied
    form = ReopenForm(post_data(request))
    if form.is_valid() and run_service(
        form,
        services.assurance_reopen,
        actor=request.user,
        action=action,
        reason=form.cleaned_data["reason"],
    ):
        messages.success(request, "Action reopened")
        return redirect(action)
    return _render(
        request,
        "simple_form.html",
        {
            "title": f"Reopen the action for {action.owner.name}",
            "form": form,
            "page_forms": [form],
            "back": action.get_absolute_url(),
            "button": "Reopen",
            "active_nav": "actions",
        },
    )


@login_required
@require_GET
def assessment_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access_for(request.user).has_role(Membership.Role.SCRUTINY_OFFICER):
        raise PermissionDenied
    page = paginate(request, selectors.assessment_queue(user=request.user))
    return _render(
        request,
        "assessment_queue.html",
        {
            "title": "Ready for assessment",
            "page": page,
            "pagination": pagination_params(request, page),
            "active_nav": "queue",
        },
    )


@login_required
@require_GET
def source_document(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    source = selectors.source_get_for_user(user=request.user, pk=pk)
    if not source.document:
        raise Http404("This source has no uploaded document")
    return stored_file_download(source.document, title=source.title, kind="pdf")


@login_required
@require_GET
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    evidence: Evidence = selectors.evidence_get_for_user(user=request.user, pk=pk)
    if not evidence.file:
        raise Http404("This evidence is a link")
    return stored_file_download(evidence.file, title=evidence.title, kind=evidence.file_kind)

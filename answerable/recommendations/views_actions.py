"""Actions: adding one to a recommendation, the list, its page, updates, assessment and
reopening, the queue awaiting assessment, and evidence downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.forms import DrawnOptions
from answerable.core.keyset import keyset_page, keyset_pagination_params
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
    organisation_option_pairs,
)
from answerable.recommendations import selectors, services
from answerable.recommendations.forms import ActionForm, AssessmentForm, ReopenForm, UpdateForm
from answerable.recommendations.forms_filters import ActionFilterForm
from answerable.recommendations.models import Evidence, SavedView
from answerable.recommendations.simple_form import simple_form_page
from answerable.recommendations.views_saved import saved_views_for


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.recommendation_get_for_user(user=request.user, pk=pk)
    if not selectors.can_manage_register(user=request.user, source=recommendation.source):
        raise PermissionDenied
    return simple_form_page(
        request,
        ActionForm(post_data(request)),
        services.action_create,
        subject={"recommendation": recommendation},
        done=lambda action: _("Action added for %(owner)s") % {"owner": action.owner.name},
        then=recommendation,
        title=_("Add an action to %(reference)s") % {"reference": recommendation.reference},
        button=_("Add action"),
        subject_text=recommendation.text,
        active_nav="recommendations",
    )


@login_required
@require_GET
def action_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ActionFilterForm(
        request.GET or None,
        owners=organisation_list(),
        owner_options=DrawnOptions(organisation_option_pairs()),
    )
    filters = form.filters()
    page = keyset_page(
        request,
        selectors.action_list_filtered(user=request.user, filters=filters),
        selectors.action_sort(filters.get("sort", "")),
        count=selectors.action_count(user=request.user, filters=filters),
        related=("recommendation", "owner"),
        only=("recommendation_id", "owner_id", *selectors.ACTION_ROW_SHOWN),
    )
    context = {
        "title": _("Actions"),
        "form": form,
        "page_forms": [form],
        "page": page,
        "pagination": keyset_pagination_params(page),
        "active_nav": "actions",
        "saved_views": saved_views_for(request, SavedView.ListKind.ACTIONS),
        "today": timezone.localdate(),
    }
    return render(request, "recommendations/action_list.html", context)


@login_required
@require_GET
def action_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_for_user(user=request.user, pk=pk)
    context = {
        "title": _("%(reference)s: action for %(owner)s")
        % {"reference": action.recommendation.reference, "owner": action.owner.name},
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
    return render(request, "recommendations/action_detail.html", context)


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
            messages.success(request, _("Update posted"))
            return redirect(action)
    return render(
        request,
        "recommendations/action_update.html",
        {
            "title": _("Post an update on %(reference)s")
            % {"reference": action.recommendation.reference},
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
    return simple_form_page(
        request,
        AssessmentForm(post_data(request)),
        services.assessment_record,
        subject={"action": action},
        done=_("Assessment recorded for the action on %(reference)s")
        % {"reference": action.recommendation.reference},
        then=action,
        title=_("Assess the action for %(owner)s") % {"owner": action.owner.name},
        button=_("Record assessment"),
        subject_text=action.description,
        active_nav="queue",
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_for_user(user=request.user, pk=pk)
    if not selectors.can_assess(user=request.user, recommendation=action.recommendation):
        raise PermissionDenied
    return simple_form_page(
        request,
        ReopenForm(post_data(request)),
        services.assurance_reopen,
        subject={"action": action},
        done=_("Action reopened"),
        then=action,
        title=_("Reopen the action for %(owner)s") % {"owner": action.owner.name},
        button=_("Reopen"),
        active_nav="actions",
    )


@login_required
@require_GET
def assessment_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access_for(request.user).has_role(Membership.Role.SCRUTINY_OFFICER):
        raise PermissionDenied
    page = paginate(request, selectors.assessment_queue(user=request.user))
    return render(
        request,
        "recommendations/assessment_queue.html",
        {
            "title": _("Ready for assessment"),
            "page": page,
            "pagination": pagination_params(request, page),
            "active_nav": "queue",
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    evidence: Evidence = selectors.evidence_get_for_user(user=request.user, pk=pk)
    if not evidence.file:
        raise Http404("This evidence is a link")
    return stored_file_download(evidence.file, title=evidence.title, kind=evidence.file_kind)

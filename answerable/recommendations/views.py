"""The dashboard and the recommendations: the list, a recommendation's page, adding one, and
assessing, reopening and linking it. Sources and actions have their own modules."""

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.forms import DrawnOptions
from answerable.core.keyset import keyset_page, keyset_pagination_params
from answerable.core.panels import RECOMMENDATION_PAGE, panels_for_one
from answerable.core.views_helpers import post_data, run_service
from answerable.organisations.models import Membership
from answerable.organisations.selectors import (
    access_for,
    organisation_list,
    organisation_option_pairs,
)
from answerable.recommendations import selectors, services
from answerable.recommendations.forms import (
    AssessmentForm,
    LinkForm,
    RecommendationForm,
    ReopenForm,
)
from answerable.recommendations.forms_filters import RecommendationFilterForm
from answerable.recommendations.models import AssuranceStatus, DeliveryStatus, SavedView
from answerable.recommendations.picker import recommendations_found
from answerable.recommendations.simple_form import simple_form_page
from answerable.recommendations.views_saved import saved_views_for


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"recommendations/{template}", context)


# --- dashboard -----------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    summary = selectors.dashboard_summary(user=request.user)
    # Each table row's counts in its columns' order, so the template only prints them (a
    # national viewer's owner table has some 300 cells).
    delivery, assurance = DeliveryStatus.values, AssuranceStatus.values
    delivery_choices = [(value, str(label)) for value, label in DeliveryStatus.choices]
    assurance_choices = [(value, str(label)) for value, label in AssuranceStatus.choices]
    context = {
        "title": _("Dashboard"),
        "summary": summary,
        "owner_rows": [
            (owner, [counts.get(status, 0) for status in delivery])
            for owner, counts in summary.owner_matrix
        ],
        "source_rows": [
            (pk, title, [counts.get(status, 0) for status in assurance])
            for pk, title, counts in summary.source_matrix
        ],
        "active_nav": "dashboard",
        # Each label translated once for the page: the tables print each two or three times.
        "delivery_choices": delivery_choices,
        "assurance_choices": assurance_choices,
        "delivery_labels": dict(delivery_choices),
        "assurance_labels": dict(assurance_choices),
        "can_assess": access_for(request.user).has_role(Membership.Role.SCRUTINY_OFFICER),
        "today": timezone.localdate(),
    }
    return _render(request, "dashboard.html", context)


# --- recommendations -----------------------------------------------------------------------


@login_required
@require_GET
def recommendation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    sources = selectors.recommendation_list_sources(user=request.user)
    form = RecommendationFilterForm(
        request.GET or None,
        sources=partial(selectors.source_choice_list, user=request.user),
        source_options=sources.options,
        owners=organisation_list(),
        owner_options=DrawnOptions(organisation_option_pairs()),
        themes=selectors.theme_choice_list(user=request.user),
        theme_options=DrawnOptions(selectors.theme_option_pairs(user=request.user)),
    )
    filters = form.filters()
    listed = selectors.recommendation_list_filtered(
        user=request.user, filters=filters, sources=sources
    )
    page = keyset_page(
        request,
        listed.rows,
        selectors.recommendation_sort(filters.get("sort", "")),
        count=selectors.recommendation_count(user=request.user, filters=filters),
        count_at_most=selectors.recommendation_count_at_most(filters),
        related=("source",),
        # What a row shows (recommendation_list.html), so its long fields stay unread.
        only=(
            "reference",
            "text",
            "deadline_on",
            "assurance_status",
            "superseded_by_id",
            "source_id",
            "source__title",
        ),
        groups=listed.groups,
    )
    context = {
        "title": _("Recommendations"),
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
    recommendation = selectors.recommendation_get_for_page(user=request.user, pk=pk)
    context = {
        "title": f"{recommendation.reference}: {recommendation.source.title}",
        "recommendation": recommendation,
        "actions": selectors.recommendation_action_list(
            user=request.user, recommendation=recommendation
        ),
        "links": selectors.recommendation_link_list(recommendation=recommendation),
        "themes": selectors.recommendation_theme_list(recommendation=recommendation),
        "timeline": selectors.recommendation_timeline(recommendation=recommendation),
        "panels": panels_for_one(slot=RECOMMENDATION_PAGE, user=request.user, object_id=pk),
        "can_manage": selectors.can_manage_register(
            user=request.user, source=recommendation.source
        ),
        "can_assess": selectors.can_assess(user=request.user, recommendation=recommendation),
        "active_nav": "recommendations",
        "following": selectors.follow_get(user=request.user, recommendation=recommendation)
        is not None,
        "today": timezone.localdate(),
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
            messages.success(
                request,
                _("Recommendation %(reference)s added") % {"reference": recommendation.reference},
            )
            return redirect(recommendation)
    return _render(
        request,
        "recommendation_create.html",
        {
            "title": _("Add a recommendation"),
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
    return simple_form_page(
        request,
        AssessmentForm(post_data(request)),
        services.assessment_record,
        subject={"recommendation": recommendation},
        done=_("Assessment recorded for %(reference)s") % {"reference": recommendation.reference},
        then=recommendation,
        title=_("Assess recommendation %(reference)s") % {"reference": recommendation.reference},
        button=_("Record assessment"),
        subject_text=recommendation.text,
        active_nav="recommendations",
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.recommendation_get_for_user(user=request.user, pk=pk)
    if not selectors.can_assess(user=request.user, recommendation=recommendation):
        raise PermissionDenied
    return simple_form_page(
        request,
        ReopenForm(post_data(request)),
        services.assurance_reopen,
        subject={"recommendation": recommendation},
        done=_("Recommendation %(reference)s reopened") % {"reference": recommendation.reference},
        then=recommendation,
        title=_("Reopen recommendation %(reference)s") % {"reference": recommendation.reference},
        button=_("Reopen"),
        active_nav="recommendations",
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
    return simple_form_page(
        request,
        LinkForm(post_data(request), candidates=candidates),
        services.recommendation_link_create,
        subject={"from_recommendation": recommendation},
        done=_("Recommendations linked"),
        then=recommendation,
        title=_("Link %(reference)s to a related recommendation")
        % {"reference": recommendation.reference},
        button=_("Link"),
        subject_text=recommendation.text,
        active_nav="recommendations",
        finders={"to_recommendation": recommendations_found},
    )

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_helpers import form_add_service_error
from answerable.organisations import services
from answerable.organisations.forms import ArchiveForm, InviteForm, OrganisationForm
from answerable.organisations.models import Membership
from answerable.organisations.selectors import (
    access_for,
    membership_list,
    organisation_get,
    organisation_list,
)


def administrator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @login_required
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not access_for(request.user).has_role(Membership.Role.ADMINISTRATOR):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@administrator_required
@require_GET
def organisation_list_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/organisation_list.html",
        {
            "title": "Organisations and users",
            "organisations": organisation_list(include_archived=True),
            "active_nav": "organisations",
        },
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if form.is_valid():
        try:
            organisation = services.organisation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"{organisation.name} added")
            return redirect("organisations:detail", organisation.pk)
    return render(
        request,
        "organisations/organisation_form.html",
        {
            "title": "Add an organisation",
            "form": form,
            "page_forms": [form],
            "button": "Add organisation",
            "active_nav": "organisations",
        },
    )


@administrator_required
@require_GET
def organisation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_get(pk=pk)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "title": organisation.name,
            "organisation": organisation,
            "memberships": membership_list(organisation=organisation),
            "active_nav": "organisations",
        },
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def organisation_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_get(pk=pk)
    form = ArchiveForm(request.POST or None)
    if form.is_valid():
        try:
            services.organisation_archive(
                actor=request.user, organisation=organisation, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"{organisation.name} archived")
            return redirect("organisations:detail", organisation.pk)
    return render(
        request,
        "organisations/organisation_form.html",
        {
            "title": f"Archive {organisation.name}",
            "form": form,
            "page_forms": [form],
            "button": "Archive organisation",
            "active_nav": "organisations",
        },
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def user_invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_get(pk=pk)
    form = InviteForm(request.POST or None)
    if form.is_valid():
        try:
            user = services.user_invite(
                actor=request.user,
                organisation=organisation,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Invitation sent to {user.email}")
            return redirect("organisations:detail", organisation.pk)
    return render(
        request,
        "organisations/organisation_form.html",
        {
            "title": f"Invite someone to {organisation.name}",
            "form": form,
            "page_forms": [form],
            "button": "Send invitation",
            "active_nav": "organisations",
        },
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def membership_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("user", "organisation"), pk=pk)
    error = None
    if request.method == "POST":
        try:
            services.membership_revoke(actor=request.user, membership=membership)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, f"Role removed from {membership.user}")
            return redirect("organisations:detail", membership.organisation_id)
    return render(
        request,
        "organisations/membership_remove.html",
        {
            "title": f"Remove {membership.user}'s role",
            "membership": membership,
            "error": error,
            "active_nav": "organisations",
        },
    )

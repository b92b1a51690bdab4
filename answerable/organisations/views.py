from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.accounts.models import User
from answerable.core.views_edit import edit_page
from answerable.core.views_helpers import post_data
from answerable.organisations import services
from answerable.organisations.forms import (
    ApprovalRuleForm,
    ArchiveForm,
    AreaForm,
    InviteForm,
    OrganisationForm,
)
from answerable.organisations.models import Organisation
from answerable.organisations.selectors import (
    access_for,
    administered_membership_get,
    administered_office_list,
    administered_organisation_get,
    administered_organisation_list,
)
from answerable.organisations.selectors_people import account_exists, person_list


def administrator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let in administrators; each view then reads only what the person administers."""

    @wraps(view)
    @login_required
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not access_for(request.user).is_any_administrator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _form_page(
    request: AuthenticatedHttpRequest, form: Any, title: str, button: str
) -> HttpResponse:
    return render(
        request,
        "organisations/organisation_form.html",
        {
            "title": title,
            "form": form,
            "page_forms": [form],
            "button": button,
            "active_nav": "organisations",
        },
    )


def _to_detail(pk: int) -> HttpResponse:
    return redirect("organisations:detail", pk)


def _organisation_page(
    request: AuthenticatedHttpRequest,
    organisation: Organisation,
    form: Any,
    service: Callable[..., Any],
    *,
    title: str,
    button: str,
    **options: Any,
) -> HttpResponse:
    """A form whose service changes the organisation; success returns to its page."""
    return edit_page(
        request,
        form,
        service,
        organisation=organisation,
        then=lambda _saved: _to_detail(organisation.pk),
        page=lambda form: _form_page(request, form, title, button),
        **options,
    )


@administrator_required
@require_GET
def organisation_list_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/organisation_list.html",
        {
            "title": _("Organisations and users"),
            "organisations": administered_organisation_list(user=request.user),
            "active_nav": "organisations",
        },
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return edit_page(
        request,
        OrganisationForm(
            post_data(request),
            offices=administered_office_list(user=request.user),
            may_add_offices=access_for(request.user).is_system_administrator,
        ),
        services.organisation_create,
        done=lambda organisation: _("%(name)s added") % {"name": organisation.name},
        then=lambda organisation: _to_detail(organisation.pk),
        page=lambda form: _form_page(
            request, form, _("Add an organisation"), _("Add organisation")
        ),
    )


@administrator_required
@require_GET
def organisation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = administered_organisation_get(user=request.user, pk=pk)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "title": organisation.name,
            "organisation": organisation,
            "people": person_list(organisation=organisation),
            "localtime": timezone.localtime,
            "may_archive": access_for(request.user).can_archive(organisation),
            "may_move": access_for(request.user).can_change_area(organisation),
            "active_nav": "organisations",
        },
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def organisation_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = administered_organisation_get(user=request.user, pk=pk)
    if not access_for(request.user).can_archive(organisation):
        raise PermissionDenied
    return _organisation_page(
        request,
        organisation,
        ArchiveForm(post_data(request)),
        services.organisation_archive,
        done=_("%(name)s archived") % {"name": organisation.name},
        title=_("Archive %(name)s") % {"name": organisation.name},
        button=_("Archive organisation"),
    )


def _area_form(organisation: Organisation, data: Any = None) -> AreaForm:
    """The form to move a partner, drawn from the organisation as saved."""
    return AreaForm(data, version=organisation.version, initial={"office": organisation.office_id})


@administrator_required
@require_http_methods(["GET", "POST"])
def organisation_area(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = administered_organisation_get(user=request.user, pk=pk)
    if not access_for(request.user).can_change_area(organisation):
        raise PermissionDenied
    return _organisation_page(
        request,
        organisation,
        _area_form(organisation, post_data(request)),
        services.organisation_area_set,
        redraw=lambda: _area_form(administered_organisation_get(user=request.user, pk=pk)),
        done=lambda moved: (
            _("%(name)s is now in the area of %(office)s")
            % {"name": organisation.name, "office": moved.office.name}
        ),
        title=_("Change the area of %(name)s") % {"name": organisation.name},
        button=_("Save area"),
    )


def _approval_form(office: Organisation, data: Any = None) -> ApprovalRuleForm:
    """The office's approval rule, drawn from the office as saved."""
    return ApprovalRuleForm(
        data,
        version=office.version,
        initial={"requires_second_approval": office.requires_second_approval},
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def organisation_approvals(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    office = administered_organisation_get(user=request.user, pk=pk)
    if office.kind != Organisation.Kind.PCC_OFFICE:
        raise Http404
    return edit_page(
        request,
        _approval_form(office, post_data(request)),
        services.office_approval_rule_set,
        office=office,
        redraw=lambda: _approval_form(administered_organisation_get(user=request.user, pk=pk)),
        done=_("Approval rule saved"),
        then=lambda _saved: _to_detail(office.pk),
        page=lambda form: _form_page(
            request,
            form,
            _("Approval of reports by %(name)s") % {"name": office.name},
            _("Save approval rule"),
        ),
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def user_invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = administered_organisation_get(user=request.user, pk=pk)
    form = InviteForm(post_data(request))
    # Whether they had an account decides the message; after the invitation, they all have.
    existed = form.is_valid() and account_exists(email=form.cleaned_data["email"])
    return _organisation_page(
        request,
        organisation,
        form,
        services.user_invite,
        base_url=request.build_absolute_uri("/"),
        done=lambda user: _invited_message(user, existed=existed),
        title=_("Invite someone to %(name)s") % {"name": organisation.name},
        button=_("Send invitation"),
    )


def _invited_message(user: User, *, existed: bool) -> str:
    if not existed:
        return _("Invitation sent to %(email)s") % {"email": user.email}
    if not user.is_active:
        return _(
            "%(email)s already has an account, which is deactivated: it has the role, but "
            "they cannot sign in until it is reactivated"
        ) % {"email": user.email}
    return _(
        "%(name)s (%(email)s) already has an account: they have the role as well now, and "
        "have been told by email"
    ) % {"name": user.full_name, "email": user.email}


@administrator_required
@require_http_methods(["GET", "POST"])
def membership_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = administered_membership_get(user=request.user, pk=pk)
    error = None
    if request.method == "POST":
        try:
            services.membership_revoke(actor=request.user, membership=membership)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("Role removed from %(user)s") % {"user": membership.user})
            return redirect("organisations:detail", membership.organisation_id)
    return render(
        request,
        "organisations/membership_remove.html",
        {
            "title": _("Remove %(user)s's role") % {"user": membership.user},
            "membership": membership,
            "error": error,
            "active_nav": "organisations",
        },
    )

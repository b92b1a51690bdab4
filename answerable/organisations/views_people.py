"""An organisation's people: one person's page, and deactivating, reactivating or resetting
the two-factor of their account, each confirmed on its own page (issue #18)."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.accounts.models import User
from answerable.organisations import services_people
from answerable.organisations.selectors_people import (
    administered_person_get,
    person_management_refusal,
)
from answerable.organisations.views import administrator_required


@administrator_required
@require_GET
def person_detail(request: AuthenticatedHttpRequest, pk: int, user_pk: int) -> HttpResponse:
    organisation, person = administered_person_get(
        user=request.user, organisation_pk=pk, pk=user_pk
    )
    return render(
        request,
        "organisations/person_detail.html",
        {
            "title": person.full_name or person.email,
            "organisation": organisation,
            "person": person,
            "refusal": person_management_refusal(actor=request.user, person=person),
            "localtime": timezone.localtime,
            "active_nav": "organisations",
        },
    )


def _confirm(
    request: AuthenticatedHttpRequest,
    pk: int,
    user_pk: int,
    *,
    service: Callable[..., User],
    title: str,
    explanation: str,
    button: str,
    done: str,
) -> HttpResponse:
    """The confirmation page of an action on a person's account, and its POST."""
    organisation, person = administered_person_get(
        user=request.user, organisation_pk=pk, pk=user_pk
    )
    name = person.full_name or person.email
    error = person_management_refusal(actor=request.user, person=person)
    if request.method == "POST" and error is None:
        try:
            service(actor=request.user, user=person, organisation=organisation)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, done % {"name": name})
            return redirect("organisations:person", organisation.pk, person.pk)
    return render(
        request,
        "organisations/person_confirm.html",
        {
            "title": title % {"name": name},
            "explanation": explanation % {"name": name},
            "button": button,
            "error": error,
            "organisation": organisation,
            "person": person,
            "active_nav": "organisations",
        },
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def person_deactivate(request: AuthenticatedHttpRequest, pk: int, user_pk: int) -> HttpResponse:
    return _confirm(
        request,
        pk,
        user_pk,
        service=services_people.user_deactivate,
        title=_("Deactivate %(name)s's account"),
        explanation=_(
            "%(name)s will be signed out at once, everywhere, and will not be able to sign in "
            "again. Their roles stay, so reactivating the account gives them back."
        ),
        button=_("Deactivate account"),
        done=_("%(name)s's account is deactivated"),
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def person_reactivate(request: AuthenticatedHttpRequest, pk: int, user_pk: int) -> HttpResponse:
    return _confirm(
        request,
        pk,
        user_pk,
        service=services_people.user_reactivate,
        title=_("Reactivate %(name)s's account"),
        explanation=_(
            "%(name)s will be able to sign in again, with the roles their account still has."
        ),
        button=_("Reactivate account"),
        done=_("%(name)s's account is active again"),
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def person_two_factor_reset(
    request: AuthenticatedHttpRequest, pk: int, user_pk: int
) -> HttpResponse:
    return _confirm(
        request,
        pk,
        user_pk,
        service=services_people.user_two_factor_reset,
        title=_("Reset %(name)s's two-factor authentication"),
        explanation=_(
            "Do this when %(name)s has lost their authenticator, for example with a new phone. "
            "They will be signed out and emailed, and will set up their authenticator app "
            "again when they next sign in."
        ),
        button=_("Reset two-factor authentication"),
        done=_("%(name)s's two-factor authentication is reset and they have been emailed"),
    )

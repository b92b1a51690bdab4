"""Sign in through an organisation's own sign-in service (single sign-on, ADR 0016).

Here rather than in `accounts`, which sits beneath `organisations` (docs/STYLE.md). Under
/account/, so the two-factor middleware lets these pages through before sign-in ends.
"""

import logging
from urllib.parse import urlencode

from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from answerable.accounts.http import safe_next_url
from answerable.accounts.middleware import PROVIDER_TWO_FACTOR_KEY
from answerable.organisations import oidc
from answerable.organisations.forms import OrganisationSignInForm
from answerable.organisations.models import SignInProvider
from answerable.organisations.selectors import (
    sign_in_provider_enabled_get,
    sign_in_provider_for_email,
)
from answerable.organisations.services_sign_in import (
    Refusal,
    SignInRefused,
    provider_sign_in,
    sign_in_provider_refusal_record,
)

log = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
def organisation_sign_in(request: HttpRequest) -> HttpResponse:
    """Ask for the work email address, then send the person to their organisation's
    sign-in service, or to the password form if their organisation has none."""
    form = OrganisationSignInForm(request.POST if request.method == "POST" else None)
    next_url = safe_next_url(request)
    if form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        provider = sign_in_provider_for_email(email=email)
        if provider is None:
            messages.info(
                request,
                _(
                    "Your organisation does not have its own sign-in service in Answerable. "
                    "Sign in with your Answerable password."
                ),
            )
            query = urlencode({"email": email, "next": next_url})
            return redirect(f"{reverse('accounts:sign_in')}?{query}")
        try:
            url = oidc.authorization_url(
                request=request,
                provider=provider,
                redirect_uri=request.build_absolute_uri(reverse("organisation_sign_in:callback")),
                email=email,
                next_url=next_url,
            )
        except oidc.ProviderUnavailable as error:
            return _unavailable(request, provider, str(error))
        # A page that sends the browser on, not a redirect: see the template.
        organisation = provider.organisation.display_name
        return render(
            request,
            "organisations/sign_in_continue.html",
            {
                "title": _("Continuing to %(organisation)s's sign-in service")
                % {"organisation": organisation},
                "organisation": organisation,
                "authorization_url": url,
            },
        )
    return render(
        request,
        "organisations/sign_in_organisation.html",
        {
            "form": form,
            "page_forms": [form],
            "title": _("Sign in with your organisation"),
            "next": next_url,
        },
    )


@require_http_methods(["GET"])
def organisation_sign_in_callback(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the person back: check its answer and sign them in."""
    pending = oidc.pending_sign_in(request)
    provider = sign_in_provider_enabled_get(pk=pending["provider"]) if pending else None
    if pending is None or provider is None:
        # Not an answer to a sign-in this browser started (or started long ago): nothing
        # is audited, as anyone could send such a request.
        return _refused(
            request,
            _("This sign-in was not started in this browser, or it took too long. Start again."),
        )
    try:
        claims = oidc.verified_claims(request=request, provider=provider)
    except oidc.ProviderUnavailable as error:
        return _unavailable(request, provider, str(error))
    except oidc.ProviderAnswerRefused as error:
        log.warning("Sign-in through %s refused: %s", provider, error)
        sign_in_provider_refusal_record(
            provider=provider, reason=Refusal.ANSWER_REFUSED, detail=str(error)[:500]
        )
        return _refused(
            request,
            _(
                "Your organisation's sign-in service did not sign you in, or its answer "
                "could not be checked. Start again."
            ),
        )
    try:
        signed_in = provider_sign_in(provider=provider, claims=claims)
    except SignInRefused as refusal:
        return _refused(request, refusal.message)
    auth.login(request, signed_in.user, backend="django.contrib.auth.backends.ModelBackend")
    if signed_in.has_two_factor:
        request.session[PROVIDER_TWO_FACTOR_KEY] = signed_in.user.pk
    return redirect(pending.get("next") or "/")


def _unavailable(request: HttpRequest, provider: SignInProvider, detail: str) -> HttpResponse:
    log.warning("Sign-in service of %s unavailable: %s", provider.organisation, detail)
    sign_in_provider_refusal_record(
        provider=provider, reason=Refusal.PROVIDER_UNAVAILABLE, detail=detail[:500]
    )
    return _refused(
        request,
        _(
            "%(organisation)s's sign-in service is not answering. Try again later, or sign "
            "in with your Answerable password."
        )
        % {"organisation": provider.organisation.display_name},
        status=503,
    )


def _refused(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(
        request,
        "organisations/sign_in_refused.html",
        {"title": _("You cannot sign in"), "message": message},
        status=status,
    )

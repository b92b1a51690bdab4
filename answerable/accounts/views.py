import datetime
import math
from typing import Any

from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login

from answerable.accounts.forms import (
    PasswordResetForm,
    PasswordSetForm,
    SignInForm,
    TokenForm,
)
from answerable.accounts.http import AuthenticatedHttpRequest, safe_next_url
from answerable.accounts.selectors import (
    deactivated_account_matches,
    password_link_user,
    user_has_confirmed_device,
    user_session_list,
)
from answerable.accounts.services import (
    password_reset_request,
    totp_device_confirm,
    totp_device_pending,
    user_password_set,
    user_sessions_sign_out,
)
from answerable.accounts.throttle import (
    sign_in_failure_record,
    sign_in_success_record,
    sign_in_wait,
)
from answerable.core.views_helpers import post_data


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(
        request.POST if request.method == "POST" else None,
        # From "Sign in with your organisation", when the organisation has no provider.
        initial={"email": request.GET.get("email", "")},
    )
    if form.is_valid():
        email = form.cleaned_data["email"].lower()
        wait = sign_in_wait(email=email)
        if wait is not None:
            return _throttled(request, wait)
        user = auth.authenticate(request, email=email, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)
        if user is None and deactivated_account_matches(
            email=email, password=form.cleaned_data["password"]
        ):
            form.add_error(
                None,
                _(
                    "Your account has been deactivated. Ask an administrator of your "
                    "organisation to reactivate it."
                ),
            )
        elif user is None:
            sign_in_failure_record(email=email)
            form.add_error(None, _("Enter a correct email address and password"))
        else:
            sign_in_success_record(email=email)
            auth.login(request, user)
            return redirect(safe_next_url(request))
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "page_forms": [form], "title": _("Sign in"), "next": safe_next_url(request)},
    )


def _throttled(request: HttpRequest, wait: datetime.timedelta) -> HttpResponse:
    """The same answer whether or not the account exists, so it reveals nothing."""
    minutes = math.ceil(wait.total_seconds() / 60)
    response = render(
        request,
        "accounts/throttled.html",
        {"title": _("Wait before you try again"), "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(math.ceil(wait.total_seconds()))
    return response


def locked_out(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes's answer when one network address has guessed at many accounts."""
    return render(
        request,
        "accounts/locked_out.html",
        {"title": _("Too many attempts to sign in from your network")},
        status=429,
    )


@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out on a POST from the page a GET shows: a link or image on another site, which
    can only GET, cannot sign anyone out (issue #11)."""
    if request.method == "GET":
        if not request.user.is_authenticated:
            return redirect("accounts:sign_in")
        return render(request, "accounts/sign_out.html", {"title": _("Sign out")})
    auth.logout(request)
    messages.success(request, _("You have signed out"))
    return redirect("accounts:sign_in")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(post_data(request))
    if form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is None:
            form.add_error("token", _("The security code is not correct or has expired"))
        else:
            otp_login(request, device)
            return redirect(safe_next_url(request))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "page_forms": [form], "title": _("Enter your security code")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    if any(devices_for_user(request.user)):
        return redirect("accounts:two_factor_verify")
    device = totp_device_pending(user=request.user)
    form = TokenForm(post_data(request))
    if form.is_valid():
        if totp_device_confirm(device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is set up"))
            return redirect("/")
        form.add_error("token", _("The security code is not correct or has expired"))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "page_forms": [form],
            "title": _("Set up two-factor authentication"),
            "secret": _base32(device.bin_key),
            "config_url": device.config_url,
        },
    )


def _base32(key: bytes) -> str:
    from base64 import b32encode

    encoded = b32encode(key).decode()
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. Every valid request gets the same answer (no account enumeration)."""
    form = PasswordResetForm(post_data(request))
    if form.is_valid():
        email = form.cleaned_data["email"]
        if sign_in_wait(email=email) is None:  # a throttled address gets no more mail
            password_reset_request(email=email, base_url=request.build_absolute_uri("/"))
        return render(
            request,
            "accounts/password_reset_sent.html",
            {"title": _("Check your email"), "email": email},
        )
    return render(
        request,
        "accounts/password_reset.html",
        {"form": form, "page_forms": [form], "title": _("Reset your password")},
    )


@require_http_methods(["GET", "POST"])
def password_set(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = password_link_user(uidb64=uidb64, token=token)
    if user is None:
        return render(
            request,
            "accounts/password_link_expired.html",
            {"title": _("This link has expired or has already been used")},
            status=404,
        )
    form = PasswordSetForm(request.POST if request.method == "POST" else None, user=user)
    if form.is_valid():
        user_password_set(user=user, password=form.cleaned_data["password"])
        messages.success(request, _("Your password is set. Sign in with it now."))
        return redirect("accounts:sign_in")
    return render(
        request,
        "accounts/password_set.html",
        {"form": form, "page_forms": [form], "title": _("Set your password")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where the person is signed in, and a way to sign out of the others or of all (#18)."""
    if user_has_confirmed_device(request.user) and not request.user.is_verified():  # type: ignore[attr-defined]
        # /account/ pages are open before two-factor: these show where someone is signed in.
        return redirect_to_login(request.get_full_path(), "accounts:two_factor_verify")
    current = request.session.session_key
    if request.method == "POST":
        everywhere = request.POST.get("scope") == "everywhere"
        ended = user_sessions_sign_out(
            user=request.user, keep_session_key=None if everywhere else current
        )
        if everywhere:
            auth.logout(request)
            messages.success(request, _("You have signed out everywhere"))
            return redirect("accounts:sign_in")
        messages.success(
            request,
            ngettext(
                "You have signed out of %(count)s other session",
                "You have signed out of %(count)s other sessions",
                ended,
            )
            % {"count": ended},
        )
        return redirect("accounts:session_list")
    sessions = list(user_session_list(user=request.user))
    return render(
        request,
        "accounts/session_list.html",
        {
            "title": _("Where you are signed in"),
            "sessions": sessions,
            "current_key": current,
            "others": sum(1 for session in sessions if session.session_key != current),
            "localtime": timezone.localtime,
        },
    )

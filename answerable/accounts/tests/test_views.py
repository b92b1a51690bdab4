import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from answerable.accounts.models import SignInThrottle
from answerable.accounts.throttle import FREE_ATTEMPTS
from answerable.audit.models import AuditEvent
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member

PASSWORD = "correct horse battery"
SIGN_IN = "/account/sign-in/"


def _sign_in(client, email, password=PASSWORD, ip="10.0.0.1"):
    return client.post(SIGN_IN, {"email": email, "password": password}, REMOTE_ADDR=ip)


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_a_lead_officer_signs_in_with_a_password(client, force_lead):
    response = _sign_in(client, force_lead.email.upper())
    assert response.status_code == 302
    assert client.get(reverse("recommendations:dashboard")).status_code == 200


def test_a_wrong_password_shows_a_govuk_error(client, force_lead):
    response = _sign_in(client, force_lead.email, "wrong password")
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter a correct email address and password" in page
    assert "<title>Error: Sign in" in page


def test_an_empty_form_names_each_missing_field(client, db):
    page = client.post(SIGN_IN, {}).content.decode()
    assert "Enter your email address" in page
    assert "Enter your password" in page


def _fail(client, email, times, ip="10.0.0.9"):
    for _ in range(times):
        assert _sign_in(client, email, "wrong password", ip=ip).status_code == 200


def _wait_out(email):
    """Move the last failure back past any wait, as if the person had waited."""
    SignInThrottle.objects.update(last_failure_at=timezone.now() - datetime.timedelta(hours=2))


def test_guessing_at_one_account_is_slowed_and_its_holder_told(
    client, force_lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _fail(client, force_lead.email, FREE_ATTEMPTS)
    # Even the right password waits: the delay is the point, and from any address.
    waiting = _sign_in(client, force_lead.email, ip="192.0.2.77")
    assert waiting.status_code == 429
    assert "Wait 1 minute, then try again" in waiting.content.decode()
    assert int(waiting["Retry-After"]) <= 60
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [force_lead.email]
    assert AuditEvent.objects.filter(action="user.sign_in_throttled").count() == 1
    _wait_out(force_lead.email)
    assert _sign_in(client, force_lead.email).status_code == 302
    assert not SignInThrottle.objects.exists()


def test_each_further_failure_doubles_the_wait(
    client, force_lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _fail(client, force_lead.email, FREE_ATTEMPTS)
    for minutes in (2, 4, 8):
        _wait_out(force_lead.email)
        with django_capture_on_commit_callbacks(execute=True):
            _fail(client, force_lead.email, 1)
        page = _sign_in(client, force_lead.email).content.decode()
        assert f"Wait {minutes} minutes, then try again" in page
    assert len(mail.outbox) == 1  # told once, not at every failure


def test_an_address_with_no_account_is_slowed_the_same_and_nobody_is_told(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _fail(client, "nobody@example.org", FREE_ATTEMPTS)
    waiting = _sign_in(client, "nobody@example.org")
    assert waiting.status_code == 429
    assert "Wait 1 minute, then try again" in waiting.content.decode()
    assert not mail.outbox


def test_a_colleague_on_the_same_network_is_not_locked_out(client, force_lead, council_lead):
    _fail(client, force_lead.email, FREE_ATTEMPTS, ip="10.0.0.9")
    assert _sign_in(client, force_lead.email, ip="10.0.0.9").status_code == 429
    assert _sign_in(client, council_lead.email, ip="10.0.0.9").status_code == 302


def test_guessing_across_many_accounts_locks_out_the_address(client, force_lead, settings):
    for index in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, f"guess{index}@example.org", "wrong password", ip="10.0.0.66")
    locked = _sign_in(client, force_lead.email, ip="10.0.0.66")
    assert locked.status_code == 429
    assert "Too many attempts to sign in from your network" in locked.content.decode()
    assert _sign_in(client, force_lead.email, ip="10.0.0.67").status_code == 302


def test_a_scrutiny_officer_must_set_up_two_factor_before_anything_else(client, scrutiny_officer):
    _sign_in(client, scrutiny_officer.email)
    response = client.get(reverse("recommendations:dashboard"))
    assert response["Location"] == reverse("accounts:two_factor_setup")
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert 'id="totp-secret"' in page
    device = TOTPDevice.objects.get(user=scrutiny_officer)
    response = client.post(reverse("accounts:two_factor_setup"), {"token": _code(device)})
    assert response.status_code == 302
    assert client.get(reverse("recommendations:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(action="user.two_factor_enabled").count() == 1


def test_a_wrong_set_up_code_is_refused(client, scrutiny_officer):
    _sign_in(client, scrutiny_officer.email)
    client.get(reverse("accounts:two_factor_setup"))
    page = client.post(reverse("accounts:two_factor_setup"), {"token": "000000"}).content.decode()
    assert "The security code is not correct or has expired" in page
    assert not TOTPDevice.objects.filter(user=scrutiny_officer, confirmed=True).exists()
    assert client.get(reverse("recommendations:dashboard")).status_code == 302


def test_a_user_with_an_authenticator_must_enter_a_code(client, scrutiny_officer):
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)
    _sign_in(client, scrutiny_officer.email)
    assert client.get(reverse("recommendations:dashboard"))["Location"] == reverse(
        "accounts:two_factor_verify"
    )
    client.post(reverse("accounts:two_factor_verify"), {"token": _code(device)})
    assert client.get(reverse("recommendations:dashboard")).status_code == 200


@pytest.mark.parametrize("role", [Membership.Role.LEAD_OFFICER, Membership.Role.VIEWER])
def test_two_factor_is_optional_for_other_roles(client, force, role):
    user = member(force, role)
    _sign_in(client, user.email)
    assert client.get(reverse("recommendations:dashboard")).status_code == 200


@pytest.mark.parametrize("kind", ["totp", "backup codes"])
def test_a_lead_officer_with_any_confirmed_device_must_use_it(client, force_lead, kind):
    from django_otp.plugins.otp_static.models import StaticDevice

    _sign_in(client, force_lead.email)
    TOTPDevice.objects.create(user=force_lead, name="Unfinished set-up", confirmed=False)
    assert client.get(reverse("recommendations:dashboard")).status_code == 200
    model = TOTPDevice if kind == "totp" else StaticDevice
    model.objects.create(user=force_lead, name=kind, confirmed=True)
    assert client.get(reverse("recommendations:dashboard"))["Location"] == reverse(
        "accounts:two_factor_verify"
    )


def test_checking_for_a_device_costs_one_query(force_lead, django_assert_num_queries):
    from answerable.accounts.selectors import user_has_confirmed_device

    with django_assert_num_queries(1):
        assert not user_has_confirmed_device(force_lead)


def test_signing_out_ends_the_session(client, force_lead):
    _sign_in(client, force_lead.email)
    client.post(reverse("accounts:sign_out"))
    assert client.get(reverse("recommendations:dashboard")).status_code == 302


def test_following_a_sign_out_link_only_asks_and_signs_no_one_out(client, force_lead):
    """Another site's link or image can only GET, so a GET must not end the session."""
    _sign_in(client, force_lead.email)
    page = client.get(reverse("accounts:sign_out")).content.decode()
    assert '<button type="submit"' in page
    assert client.get(reverse("recommendations:dashboard")).status_code == 200


def test_signing_out_needs_the_pages_csrf_token(force_lead):
    client = Client(enforce_csrf_checks=True)
    client.force_login(force_lead)
    assert client.post(reverse("accounts:sign_out")).status_code == 403
    assert client.get(reverse("recommendations:dashboard")).status_code == 200


def test_sign_in_never_redirects_off_site(client, force_lead):
    response = client.post(
        SIGN_IN,
        {"email": force_lead.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_pages_send_security_headers(client, db):
    response = client.get(SIGN_IN)
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_signed_in_pages_tell_browsers_not_to_keep_them(client, force_lead):
    client.force_login(force_lead)
    response = client.get(reverse("recommendations:dashboard"))
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_signed_out_pages_keep_their_own_caching(client, db):
    response = client.get(reverse("publishing:summary_list"))
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_session_idle_for_longer_than_the_limit_is_signed_out(client, force_lead, settings):
    settings.SESSION_IDLE_SECONDS = 30 * 60
    client.force_login(force_lead)
    dashboard = reverse("recommendations:dashboard")
    assert client.get(dashboard).status_code == 200
    session = client.session
    session["answerable_last_seen"] -= 29 * 60  # active 29 minutes ago: still signed in
    session.save()
    assert client.get(dashboard).status_code == 200
    session = client.session
    session["answerable_last_seen"] -= 31 * 60
    session.save()
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page
    assert client.get(dashboard).status_code == 302


def test_a_session_ends_eight_hours_after_sign_in_however_active(client, force_lead, settings):
    """Each save of the session moves its cookie's expiry on, so activity alone would keep
    someone signed in for ever."""
    settings.SESSION_COOKIE_AGE = 8 * 60 * 60
    client.force_login(force_lead)
    dashboard = reverse("recommendations:dashboard")
    assert client.get(dashboard).status_code == 200
    session = client.session
    session["answerable_signed_in_at"] -= 8 * 60 * 60 - 60  # signed in 7h59m ago, active now
    session.save()
    assert client.get(dashboard).status_code == 200
    session = client.session
    session["answerable_signed_in_at"] -= 2 * 60
    session.save()
    response = client.get(dashboard)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "signed out 8 hours after signing in" in page


def test_a_forgotten_password_is_reset_through_a_single_use_link(
    client, force_lead, django_capture_on_commit_callbacks
):
    page = client.get(SIGN_IN).content.decode()
    assert reverse("accounts:password_reset") in page
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("accounts:password_reset"), {"email": force_lead.email})
    assert "Check your email" in sent.content.decode()
    assert mail.outbox[0].to == [force_lead.email]
    link = re.search(r"http://testserver(/account/set-password/\S+/)", mail.outbox[0].body)[1]
    assert AuditEvent.objects.filter(action="user.password_reset_requested").count() == 1
    new = "a much longer new passphrase"
    assert client.post(link, {"password": new, "password_again": new}).status_code == 302
    assert _sign_in(client, force_lead.email, new).status_code == 302
    client.logout()
    assert client.get(link).status_code == 404  # used once, never again


def test_asking_for_an_unknown_address_looks_the_same_and_sends_nothing(client, db):
    sent = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert sent.status_code == 200
    assert "Check your email" in sent.content.decode()
    assert not mail.outbox


def test_the_reset_form_names_a_bad_address(client, db):
    page = client.post(reverse("accounts:password_reset"), {"email": "not an address"})
    assert "Enter an email address in the correct format" in page.content.decode()

"""Someone sees where they are signed in and signs out of the other sessions, or of all
(issue #18)."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from answerable.accounts.models import UserSession
from answerable.accounts.services import user_agent_summary
from answerable.audit.models import AuditEvent
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member

PASSWORD = "correct horse battery"
SESSIONS = "/account/sessions/"
FIREFOX_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def _browser(user, user_agent):
    client = Client(HTTP_USER_AGENT=user_agent)
    response = client.post("/account/sign-in/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def lead(force):
    return member(force, Membership.Role.LEAD_OFFICER, full_name="Lee Lead")


def test_each_sign_in_is_listed_and_this_device_is_marked(lead):
    laptop = _browser(lead, FIREFOX_ON_WINDOWS)
    _browser(lead, SAFARI_ON_IPHONE)
    page = laptop.get(SESSIONS).content.decode()
    assert "Firefox on Windows" in page
    assert "Safari on iOS" in page
    assert page.count("This device") == 1
    assert page.index("Firefox on Windows") < page.index("This device")
    assert "Sign out of all other sessions" in page


def test_signing_out_removes_the_session_from_the_list(lead):
    laptop = _browser(lead, FIREFOX_ON_WINDOWS)
    assert UserSession.objects.filter(user=lead).count() == 1
    laptop.post(reverse("accounts:sign_out"))
    assert not UserSession.objects.filter(user=lead).exists()


def test_signing_out_of_the_other_sessions_keeps_this_one(lead):
    laptop = _browser(lead, FIREFOX_ON_WINDOWS)
    phone = _browser(lead, SAFARI_ON_IPHONE)
    response = laptop.post(SESSIONS, {"scope": "others"}, follow=True)
    assert "You have signed out of 1 other session" in response.content.decode()
    assert laptop.get(reverse("recommendations:dashboard")).status_code == 200
    assert phone.get(reverse("recommendations:dashboard")).status_code == 302
    assert phone.get("/api/v1/recommendations/").status_code == 403
    assert UserSession.objects.filter(user=lead).count() == 1
    event = AuditEvent.objects.get(action="user.signed_out_elsewhere")
    assert (event.actor, event.changes) == (lead, {"sessions_ended": [None, 1]})


def test_signing_out_everywhere_ends_this_session_too(lead):
    laptop = _browser(lead, FIREFOX_ON_WINDOWS)
    phone = _browser(lead, SAFARI_ON_IPHONE)
    response = laptop.post(SESSIONS, {"scope": "everywhere"})
    assert response["Location"] == reverse("accounts:sign_in")
    for browser in (laptop, phone):
        assert browser.get(reverse("recommendations:dashboard")).status_code == 302
    assert not Session.objects.exists()
    assert AuditEvent.objects.filter(action="user.signed_out_everywhere").count() == 1


def test_someone_else_s_sessions_are_never_shown_or_ended(lead, force):
    other = member(force, Membership.Role.LEAD_OFFICER)
    theirs = _browser(other, SAFARI_ON_IPHONE)
    laptop = _browser(lead, FIREFOX_ON_WINDOWS)
    assert "Safari" not in laptop.get(SESSIONS).content.decode()
    laptop.post(SESSIONS, {"scope": "everywhere"})
    assert theirs.get(reverse("recommendations:dashboard")).status_code == 200


def test_expired_sessions_are_not_listed_and_are_cleared_at_the_next_sign_in(lead, settings):
    _browser(lead, SAFARI_ON_IPHONE)
    idle = timezone.now() - datetime.timedelta(seconds=settings.SESSION_IDLE_SECONDS + 60)
    UserSession.objects.update(last_seen_at=idle)
    laptop = _browser(lead, FIREFOX_ON_WINDOWS)
    page = laptop.get(SESSIONS).content.decode()
    assert "Safari" not in page
    assert "You are not signed in anywhere else" in page
    assert UserSession.objects.filter(user=lead).count() == 1


def test_a_session_from_before_sessions_were_recorded_is_recorded_at_its_next_request(lead):
    laptop = _browser(lead, FIREFOX_ON_WINDOWS)
    UserSession.objects.all().delete()
    session = laptop.session
    session["answerable_last_seen"] -= 120  # the idle clock saves at most once a minute
    session.save()
    laptop.get(reverse("recommendations:dashboard"))
    assert UserSession.objects.get(user=lead).browser == "Firefox"


def test_the_sessions_page_needs_the_second_factor_of_someone_who_has_one(lead):
    TOTPDevice.objects.create(user=lead, name="Phone", confirmed=True)
    laptop = _browser(lead, FIREFOX_ON_WINDOWS)
    response = laptop.get(SESSIONS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    laptop.post(SESSIONS, {"scope": "everywhere"})
    assert Session.objects.count() == 1
    assert not AuditEvent.objects.filter(action__startswith="user.signed_out").exists()


def test_the_sessions_page_needs_sign_in(client, db):
    assert client.get(SESSIONS)["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (FIREFOX_ON_WINDOWS, ("Firefox", "Windows")),
        (SAFARI_ON_IPHONE, ("Safari", "iOS")),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36",
            ("Chrome", "Android"),
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/126.0 Safari/537.36 Edg/126.0",
            ("Edge", "macOS"),
        ),
        ("curl/8.5.0", ("", "")),
        ("", ("", "")),
    ],
)
def test_a_user_agent_is_summarised_as_browser_and_system(user_agent, expected):
    assert user_agent_summary(user_agent) == expected


def test_signed_cookie_sessions_fail_the_system_checks(settings):
    """They cannot be ended from the server, so deactivation would not sign anyone out."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    with pytest.raises(SystemCheckError, match="answerable.accounts.E001"):
        call_command("check")

"""The footer's own pages: accessibility statement, privacy notice and cookies.

Anyone can read them without signing in, every page links to them, and the cookies page names
exactly the cookies the service really sets.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from answerable.core.testing import sign_in

PAGES = [
    ("info:accessibility", "Accessibility statement for Answerable"),
    ("info:privacy", "Privacy notice"),
    ("info:cookies", "Cookies"),
]
PASSWORD = "correct horse battery"  # the user factory's password


def _h1s(page: str) -> list[str]:
    return [h.strip() for h in re.findall(r"<h1[^>]*>(.*?)</h1>", page, re.DOTALL)]


def _footer(page: str) -> str:
    match = re.search(r'<footer class="govuk-footer">.*?</footer>', page, re.DOTALL)
    assert match, "the page has no footer"
    return match.group(0)


@pytest.mark.parametrize(("name", "heading"), PAGES)
def test_each_page_opens_without_signing_in_with_its_heading(client, name, heading):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert _h1s(response.content.decode()) == [heading]


@pytest.mark.parametrize(("name", "heading"), PAGES)
def test_each_page_opens_for_someone_signed_in(client, force_lead, name, heading):
    sign_in(client, force_lead)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert _h1s(response.content.decode()) == [heading]


@pytest.mark.parametrize("name", [name for name, _ in PAGES])
def test_the_footer_links_to_each_page_signed_out_and_signed_in(client, force_lead, name):
    href = f'href="{reverse(name)}"'
    signed_out = client.get(reverse("publishing:summary_list"))
    assert href in _footer(signed_out.content.decode())
    sign_in_page = client.get(reverse("accounts:sign_in"))
    assert href in _footer(sign_in_page.content.decode())

    sign_in(client, force_lead)
    signed_in = client.get(reverse("recommendations:dashboard"))
    assert signed_in.status_code == 200
    assert href in _footer(signed_in.content.decode())


def test_the_footer_keeps_the_service_link_and_licence(client):
    footer = _footer(client.get(reverse("info:cookies")).content.decode())
    assert f'href="{reverse("home")}">Answerable</a>' in footer
    assert "Open Government Licence v3.0" in footer


def _listed_cookie_names(client: Client) -> set[str]:
    page = client.get(reverse("info:cookies")).content.decode()
    table = re.search(r'<table[^>]*id="essential-cookies".*?</table>', page, re.DOTALL)
    assert table, "the cookies page has no table of essential cookies"
    return {
        name.strip()
        for name in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', table.group(0), re.DOTALL)
    }


def test_the_cookies_page_lists_exactly_the_cookies_the_service_sets(force_lead):
    """Sign in through the real form (CSRF checked), use the service and sign out: the cookie
    names set on those responses are the names the cookies page lists."""
    client = Client(enforce_csrf_checks=True)
    set_names: set[str] = set()

    def record(response):  # type: ignore[no-untyped-def]
        set_names.update(response.cookies.keys())
        return response

    # Signed out: the public pages, the footer's pages and the sign-in form.
    for name in ["publishing:summary_list", *(name for name, _ in PAGES)]:
        assert record(client.get(reverse(name))).status_code == 200
    assert record(client.get(reverse("accounts:sign_in"))).status_code == 200
    token = client.cookies["csrftoken"].value

    # Sign in through the form and use the service.
    response = record(
        client.post(
            reverse("accounts:sign_in"),
            {"email": force_lead.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
    )
    assert response.status_code == 302
    for url in [
        reverse("home"),
        reverse("recommendations:dashboard"),
        reverse("recommendations:recommendation_list"),
        reverse("recommendations:action_list"),
        reverse("meetings:forward_plan"),
        reverse("workforce:index"),
        *(reverse(name) for name, _ in PAGES),
    ]:
        assert record(client.get(url)).status_code in (200, 302), url
    assert record(client.get(reverse("accounts:sign_out"))).status_code == 200

    # Sign out: the confirmation is carried to the next page.
    token = client.cookies["csrftoken"].value
    response = record(client.post(reverse("accounts:sign_out"), {"csrfmiddlewaretoken": token}))
    assert response.status_code == 302
    signed_out = record(client.get(response.url))
    assert "You have signed out" in signed_out.content.decode()

    assert set_names, "no response set a cookie"
    assert _listed_cookie_names(client) == set_names


def test_the_cookies_page_follows_the_cookie_settings(client, settings):
    settings.SESSION_COOKIE_NAME = "__Host-answerable-session"
    settings.CSRF_USE_SESSIONS = True
    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
    assert _listed_cookie_names(client) == {"__Host-answerable-session"}


def test_the_cookies_page_gives_each_cookie_its_lifetime(client, settings):
    settings.SESSION_COOKIE_AGE = 8 * 60 * 60
    settings.SESSION_IDLE_SECONDS = 30 * 60
    settings.CSRF_COOKIE_AGE = 60 * 60 * 24 * 7 * 52
    page = client.get(reverse("info:cookies")).content.decode()
    assert "8 hours" in page
    assert "make no request for 30 minutes" in page
    assert "1 year" in page
    assert "no other organisation sets cookies" in page


def test_the_privacy_notice_names_the_lawful_basis_and_the_regulator(client):
    page = client.get(reverse("info:privacy")).content.decode()
    assert "Article 6(1)(e)" in page
    assert "https://ico.org.uk/make-a-complaint/" in page
    assert f'href="{reverse("info:cookies")}"' in page


def test_the_accessibility_statement_gives_status_and_enforcement(client):
    page = client.get(reverse("info:accessibility")).content.decode()
    assert "partially compliant" in page
    assert "Web Content Accessibility Guidelines version 2.2" in page
    assert "Equality Advisory and Support Service" in page
    assert "5 December 2026" in page


def test_someone_still_to_set_up_two_factor_can_read_the_privacy_notice(client, scrutiny_officer):
    client.force_login(scrutiny_officer)  # signed in, no authenticator yet
    assert client.get(reverse("recommendations:dashboard")).status_code == 302
    assert client.get(reverse("info:privacy")).status_code == 200

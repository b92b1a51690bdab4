"""People sign in through their organisation's own sign-in service, in a real browser (#18).

The service is a real OpenID Connect provider (django-oauth-toolkit) on loopback, which signs
in whoever the test names. Someone without an Answerable account is refused and told why;
an administrator whose provider used a second factor lands on their dashboard without
Answerable's authenticator code. Without JavaScript, an address whose organisation has no
provider is sent to the password form. Every page is checked with axe-core.
"""

import pytest
from playwright.sync_api import expect

from answerable.organisations.models import Membership, SignInProvider
from answerable.organisations.tests.factories import member
from tests.journeys.helpers import check_page, visit_and_check

pytestmark = pytest.mark.browser

SECRET_VARIABLE = "OIDC_SECRET_SHIRE_POLICE"


@pytest.fixture
def sign_in_provider(force, oidc_provider, settings, live_server):
    settings.OIDC_CLIENT_SECRETS = {SECRET_VARIABLE: oidc_provider.client_secret}
    oidc_provider.scenario(
        redirect_uris=[f"{live_server.url}/account/sign-in/organisation/callback/"]
    )
    return SignInProvider.objects.create(
        organisation=force,
        issuer=oidc_provider.issuer,
        client_id=oidc_provider.client_id,
        client_secret_variable=SECRET_VARIABLE,
        email_domains="shire.police.uk",
    )


def _continue_with(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Work email address").fill(email)
    page.get_by_role("button", name="Continue").click()


def test_people_sign_in_through_their_organisation(
    page,
    browser,
    live_server,
    force,
    sign_in_provider,
    oidc_provider,
):
    base = live_server.url
    member(force, Membership.Role.ADMINISTRATOR, email="ada@shire.police.uk")

    # Someone the force's provider knows, but who has no Answerable account.
    oidc_provider.scenario(email="newcomer@shire.police.uk")
    visit_and_check(page, f"{base}/account/sign-in/")
    page.get_by_role("link", name="Sign in with your organisation's account").click()
    expect(page.locator("h1")).to_have_text("Sign in with your organisation")
    check_page(page)
    _continue_with(page, "")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your work email address")
    check_page(page)
    _continue_with(page, "newcomer@shire.police.uk")
    expect(page.locator("h1")).to_have_text("You cannot sign in")
    expect(page.locator("main")).to_contain_text(
        "There is no Answerable account for newcomer@shire.police.uk"
    )
    check_page(page)

    # An administrator whose provider asked for a second factor, in a browser that keeps
    # the site's Content-Security-Policy (the `page` fixture bypasses it to run axe-core):
    # its form-action must let the sign-in form lead to the provider.
    oidc_provider.scenario(email="ada@shire.police.uk", amr=["pwd", "mfa"])
    context = browser.new_context()
    strict = context.new_page()
    strict.goto(f"{base}/account/sign-in/organisation/")
    _continue_with(strict, "ada@shire.police.uk")
    expect(strict.locator("h1")).to_have_text("Dashboard")
    context.close()


def test_an_organisation_without_a_provider_signs_in_with_a_password_without_javascript(
    page_without_javascript, live_server, sign_in_provider
):
    page = page_without_javascript
    page.goto(f"{live_server.url}/account/sign-in/organisation/")
    _continue_with(page, "sam@shire.gov.uk")
    expect(page.locator("h1")).to_have_text("Sign in")
    expect(page.get_by_label("Email address")).to_have_value("sam@shire.gov.uk")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Answerable password")

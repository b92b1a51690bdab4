"""Single sign-on through an organisation's provider (issue #18), against a real OpenID Connect
provider (django-oauth-toolkit) running on loopback: tests/oidc_provider/."""

import html
import re

import pytest
import requests
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in
from answerable.organisations.models import Membership, SignInProvider
from answerable.organisations.services_sign_in import sign_in_provider_save
from answerable.organisations.tests.factories import OrganisationFactory, UserFactory, member
from tests.oidc_provider.fixtures import Provider

SECRET_VARIABLE = "OIDC_SECRET_SHIRE_POLICE"
CALLBACK = "http://testserver/account/sign-in/organisation/callback/"
START = "/account/sign-in/organisation/"
REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


@pytest.fixture
def provider(force, oidc_provider, settings) -> SignInProvider:
    settings.OIDC_CLIENT_SECRETS = {SECRET_VARIABLE: oidc_provider.client_secret}
    return SignInProvider.objects.create(
        organisation=force,
        issuer=oidc_provider.issuer,
        client_id=oidc_provider.client_id,
        client_secret_variable=SECRET_VARIABLE,
        email_domains="shire.police.uk",
    )


def sign_in_through_provider(client: Client, oidc: Provider, entered: str, **scenario: object):  # type: ignore[no-untyped-def]
    """Enter `entered` on the organisation sign-in page, let the provider sign in the
    scenario's person, and return Answerable's answer to the provider's redirect."""
    oidc.scenario(redirect_uris=[CALLBACK], **scenario)
    start = client.post(START, {"email": entered})
    assert start.status_code == 200
    authorization_url = html.unescape(REFRESH.search(start.content.decode()).group(1))
    assert authorization_url.startswith(f"{oidc.issuer}/authorize/")
    answer = requests.get(authorization_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"].startswith(CALLBACK)
    return client.get(answer.headers["Location"].removeprefix("http://testserver"))


def signed_in_user_id(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="sign_in_provider.refused"))


def test_a_person_signs_in_through_their_organisation_and_it_is_audited(
    client,
    provider,
    oidc_provider,
    force,
):
    viewer = member(force, Membership.Role.VIEWER, email="val@shire.police.uk")

    response = sign_in_through_provider(
        client, oidc_provider, "val@shire.police.uk", email="val@shire.police.uk"
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == viewer.pk
    assert client.get(reverse("recommendations:dashboard")).status_code == 200
    event = AuditEvent.objects.get(action="user.signed_in_with_provider")
    assert (event.actor, event.organisation, event.target_id) == (viewer, force, str(viewer.pk))
    assert refusals() == []


def test_someone_without_an_account_is_refused_and_told_why(
    client,
    provider,
    oidc_provider,
):
    response = sign_in_through_provider(
        client, oidc_provider, "new@shire.police.uk", email="new@shire.police.uk"
    )

    assert response.status_code == 403
    assert "There is no Answerable account for new@shire.police.uk" in response.content.decode()
    assert signed_in_user_id(client) is None
    [refusal] = refusals()
    assert refusal.note == "no_account"
    assert refusal.changes == {"email": [None, "new@shire.police.uk"]}
    from answerable.accounts.models import User

    assert not User.objects.filter(email="new@shire.police.uk").exists()  # no self-registration


def test_an_address_outside_the_organisations_domains_is_refused(
    client,
    provider,
    oidc_provider,
    force,
):
    # The account exists; only the domain is wrong for this provider.
    member(force, Membership.Role.VIEWER, email="val@elsewhere.example")

    response = sign_in_through_provider(
        client, oidc_provider, "val@shire.police.uk", email="val@elsewhere.example"
    )

    assert response.status_code == 403
    assert "val@elsewhere.example is not an address" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert [event.note for event in refusals()] == ["domain_not_allowed"]


def test_a_tampered_id_token_is_refused(client, provider, oidc_provider, force):
    """Someone changes the email in their own signed ID token to a chief officer's."""
    member(force, Membership.Role.VIEWER, email="mallory@shire.police.uk")
    member(force, Membership.Role.ADMINISTRATOR, email="chief@shire.police.uk")

    response = sign_in_through_provider(
        client,
        oidc_provider,
        "mallory@shire.police.uk",
        email="mallory@shire.police.uk",
        id_token="tampered",
        tampered_email="chief@shire.police.uk",
    )

    assert response.status_code == 403
    assert "could not be checked" in response.content.decode()
    assert signed_in_user_id(client) is None
    [refusal] = refusals()
    assert refusal.note.startswith("answer_refused: BadSignatureError")
    assert not AuditEvent.objects.filter(action="user.signed_in_with_provider").exists()


def test_an_expired_id_token_is_refused(client, provider, oidc_provider, force):
    member(force, Membership.Role.VIEWER, email="val@shire.police.uk")

    response = sign_in_through_provider(
        client,
        oidc_provider,
        "val@shire.police.uk",
        email="val@shire.police.uk",
        id_token="expired",
    )

    assert response.status_code == 403
    assert signed_in_user_id(client) is None
    [refusal] = refusals()
    assert refusal.note.startswith("answer_refused: ExpiredTokenError")


def test_an_address_the_provider_has_not_verified_is_refused(
    client,
    provider,
    oidc_provider,
    force,
):
    member(force, Membership.Role.VIEWER, email="val@shire.police.uk")

    response = sign_in_through_provider(
        client,
        oidc_provider,
        "val@shire.police.uk",
        email="val@shire.police.uk",
        email_verified=False,
    )

    assert response.status_code == 403
    assert "has not confirmed that val@shire.police.uk" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert [event.note for event in refusals()] == ["email_unverified"]


def test_the_providers_second_factor_counts_for_a_role_that_needs_two_factor(
    client,
    provider,
    oidc_provider,
    force,
):
    member(force, Membership.Role.ADMINISTRATOR, email="ada@shire.police.uk")

    sign_in_through_provider(
        client,
        oidc_provider,
        "ada@shire.police.uk",
        email="ada@shire.police.uk",
        amr=["pwd", "mfa"],
    )

    assert client.get(reverse("recommendations:dashboard")).status_code == 200
    assert client.get(reverse("accounts:session_list")).status_code == 200


def test_a_password_alone_at_the_provider_still_needs_answerables_two_factor(
    client,
    provider,
    oidc_provider,
    force,
):
    member(force, Membership.Role.ADMINISTRATOR, email="ada@shire.police.uk")

    sign_in_through_provider(
        client, oidc_provider, "ada@shire.police.uk", email="ada@shire.police.uk", amr=["pwd"]
    )

    response = client.get(reverse("recommendations:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_setup")


def test_an_organisation_can_refuse_its_providers_second_factor(
    client,
    provider,
    oidc_provider,
    force,
):
    provider.accepts_provider_two_factor = False
    provider.save()
    member(force, Membership.Role.ADMINISTRATOR, email="ada@shire.police.uk")

    sign_in_through_provider(
        client, oidc_provider, "ada@shire.police.uk", email="ada@shire.police.uk", amr=["mfa"]
    )

    assert client.get(reverse("recommendations:dashboard")).status_code == 302


def test_an_address_whose_organisation_has_no_provider_goes_to_the_password_form(
    client,
    provider,
):
    response = client.post(START, {"email": "Sam@Shire.gov.uk"}, follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:sign_in"))
    assert 'value="sam@shire.gov.uk"' in page
    assert "Sign in with your Answerable password" in page


def test_a_disabled_provider_is_not_offered(client, provider):
    provider.is_enabled = False
    provider.save()

    response = client.post(START, {"email": "val@shire.police.uk"})

    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_an_answer_to_a_sign_in_this_browser_did_not_start_is_refused(client, provider):
    response = client.get(reverse("organisation_sign_in:callback") + "?code=abc&state=forged")

    assert response.status_code == 403
    assert "not started in this browser" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_a_provider_that_does_not_answer_is_reported_and_audited(client, provider):
    provider.issuer = "http://127.0.0.1:9/o"  # the discard port: nothing listens
    provider.save()

    response = client.post(START, {"email": "val@shire.police.uk"})

    assert response.status_code == 503
    assert "is not answering" in response.content.decode()
    assert [event.note.split(":")[0] for event in refusals()] == ["provider_unavailable"]


def test_the_email_page_asks_for_an_address(client, db):
    response = client.post(START, {"email": ""})

    assert response.status_code == 200
    assert "Enter your work email address" in response.content.decode()


# --- setting a provider up ------------------------------------------------------------------


def test_a_system_administrator_sets_up_a_provider_and_it_is_audited(force):
    administrator = UserFactory(is_system_administrator=True)
    provider = SignInProvider(
        organisation=force,
        issuer="https://login.shire.police.uk",
        client_id="answerable",
        client_secret_variable="OIDC_SECRET_SHIRE",
        email_domains="Shire.Police.uk, shire-police.org.uk",
    )

    sign_in_provider_save(actor=administrator, provider=provider)

    assert provider.domains == ["shire-police.org.uk", "shire.police.uk"]
    event = AuditEvent.objects.get(action="sign_in_provider.created")
    assert event.actor == administrator
    assert event.changes["client_secret_variable"] == [None, "OIDC_SECRET_SHIRE"]


def test_a_domain_belongs_to_one_provider_only(provider, office):
    administrator = UserFactory(is_system_administrator=True)
    other = SignInProvider(
        organisation=OrganisationFactory(office=office),
        issuer="https://login.example.org",
        client_id="answerable",
        client_secret_variable="OIDC_SECRET_OTHER",
        email_domains="shire.police.uk",
    )

    with pytest.raises(ValidationError, match="shire.police.uk already belongs to Shire Police"):
        sign_in_provider_save(actor=administrator, provider=other)
    assert SignInProvider.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("issuer", "http://login.example.org"),  # secrets and tokens over plain http
        ("client_secret_variable", "SECRET"),
        ("email_domains", "not a domain!"),
    ],
)
def test_a_provider_set_up_wrongly_is_refused(force, field, value):
    administrator = UserFactory(is_system_administrator=True)
    provider = SignInProvider(
        organisation=force,
        issuer="https://login.example.org",
        client_id="answerable",
        client_secret_variable="OIDC_SECRET_OK",
        email_domains="shire.police.uk",
    )
    setattr(provider, field, value)

    with pytest.raises(ValidationError) as error:
        sign_in_provider_save(actor=administrator, provider=provider)
    assert field in error.value.message_dict
    assert not SignInProvider.objects.exists()


def test_only_a_system_administrator_sets_up_a_provider(force):
    administrator = member(force, Membership.Role.ADMINISTRATOR)
    provider = SignInProvider(
        organisation=force,
        issuer="https://login.example.org",
        client_id="answerable",
        client_secret_variable="OIDC_SECRET_OK",
        email_domains="shire.police.uk",
    )

    with pytest.raises(PermissionDenied):
        sign_in_provider_save(actor=administrator, provider=provider)


def test_the_admin_site_sets_up_a_provider_through_the_audited_service(client, force, provider):
    administrator = UserFactory(is_system_administrator=True, is_staff=True)
    sign_in(client, administrator)
    form = {
        "organisation": force.pk,
        "issuer": "https://login.shire.police.uk",
        "client_id": "answerable",
        "client_secret_variable": "OIDC_SECRET_SHIRE_POLICE",
        "email_domains": "shire.police.uk",
        "accepts_provider_two_factor": "on",
        "is_enabled": "on",
    }
    url = reverse("admin:organisations_signinprovider_change", args=[provider.pk])

    response = client.post(url, {**form, "email_domains": "shire.police.uk shire-police.org.uk"})

    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.domains == ["shire-police.org.uk", "shire.police.uk"]
    event = AuditEvent.objects.get(action="sign_in_provider.changed")
    assert event.changes["email_domains"] == [
        "shire.police.uk",
        "shire-police.org.uk shire.police.uk",
    ]


def test_the_admin_site_refuses_a_domain_another_provider_has(client, office, provider):
    administrator = UserFactory(is_system_administrator=True, is_staff=True)
    sign_in(client, administrator)
    council = OrganisationFactory(office=office, name="Shire Council")

    response = client.post(
        reverse("admin:organisations_signinprovider_add"),
        {
            "organisation": council.pk,
            "issuer": "https://login.shire.gov.uk",
            "client_id": "answerable",
            "client_secret_variable": "OIDC_SECRET_SHIRE_COUNCIL",
            "email_domains": "shire.police.uk",
        },
    )

    assert response.status_code == 200
    assert "shire.police.uk already belongs to Shire Police" in response.content.decode()
    assert SignInProvider.objects.count() == 1


def test_only_system_administrators_see_providers_in_the_admin_site(client, provider):
    sign_in(client, UserFactory(is_staff=True))

    response = client.get(reverse("admin:organisations_signinprovider_changelist"))

    assert response.status_code == 403

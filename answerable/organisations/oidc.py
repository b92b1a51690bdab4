"""OpenID Connect with an organisation's own sign-in service, through Authlib (ADR 0016).

Authlib checks what the provider sends back: the state (against this browser's session), the
ID token's signature (against the provider's published keys), its issuer, audience, expiry
and nonce. A client is built for each sign-in from the organisation's SignInProvider, so
every organisation has its own issuer, client and keys, and a rotated key is picked up at
the next sign-in.
"""

import logging
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import DjangoOAuth2App
from authlib.integrations.django_client.integration import DjangoIntegration
from django.conf import settings
from django.http import HttpRequest
from joserfc.errors import JoseError

from answerable.organisations.models import SignInProvider

log = logging.getLogger(__name__)

SCOPE = "openid email profile"
# Asymmetric only: an HS256 token would be checked with the client secret, which the
# provider is not the only one to know.
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]
# Clocks on two machines differ a little; an hour-old token is still refused.
LEEWAY_SECONDS = 60
TIMEOUT_SECONDS = 10
# One name for every provider's pending sign-ins in the session; the provider's id is kept
# with the state, so the callback knows whose answer it is.
_PENDING = DjangoIntegration("answerable_sso")


class ProviderUnavailable(Exception):
    """The provider could not be reached, or is not set up as its record says."""


class ProviderAnswerRefused(Exception):
    """The provider's answer failed a check (state, token, signature, expiry) or was a
    refusal of its own (the person cancelled)."""


def _client(provider: SignInProvider) -> DjangoOAuth2App:
    secret = settings.OIDC_CLIENT_SECRETS.get(provider.client_secret_variable)
    if not secret:
        raise ProviderUnavailable(f"{provider.client_secret_variable} is not set")
    client = DjangoOAuth2App(
        _PENDING,
        name=_PENDING.name,
        client_id=provider.client_id,
        client_secret=secret,
        server_metadata_url=provider.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": SCOPE,
            "code_challenge_method": "S256",
            "default_timeout": TIMEOUT_SECONDS,
        },
    )
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"discovery failed: {error}") from error
    # OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was asked of.
    if metadata.get("issuer") != provider.issuer:
        raise ProviderUnavailable(f"discovery names issuer {metadata.get('issuer')!r}")
    advertised = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [name for name in advertised if name in SIGNING_ALGORITHMS]
    if not algorithms:
        raise ProviderUnavailable(f"no asymmetric signing algorithm among {advertised}")
    metadata["id_token_signing_alg_values_supported"] = algorithms
    return client


def authorization_url(
    *, request: HttpRequest, provider: SignInProvider, redirect_uri: str, email: str, next_url: str
) -> str:
    """Where to send the browser to sign in at the provider; remembers the attempt in the
    session (state, nonce, PKCE verifier, provider and where to go afterwards)."""
    client = _client(provider)
    try:
        answer = client.create_authorization_url(redirect_uri, login_hint=email)
    except (requests.RequestException, AuthlibBaseError, RuntimeError) as error:
        raise ProviderUnavailable(str(error)) from error
    client.save_authorize_data(
        request, redirect_uri=redirect_uri, provider=provider.pk, next=next_url, **answer
    )
    return str(answer["url"])


def pending_sign_in(request: HttpRequest) -> dict[str, Any] | None:
    """The attempt the provider's answer is for ("provider", "next"), or None if this
    browser's session started none with that state."""
    state = request.GET.get("state") or ""
    data = _PENDING.get_state_data(request.session, state) if state else None
    return data if data and "provider" in data else None


def verified_claims(*, request: HttpRequest, provider: SignInProvider) -> dict[str, Any]:
    """The claims of the ID token the provider gave for this callback, once checked.

    Claims come from the signed ID token only, not the userinfo endpoint: `amr` decides
    two-factor and must be signed.
    """
    client = _client(provider)
    try:
        token = client.authorize_access_token(request, leeway=LEEWAY_SECONDS)
    except requests.RequestException as error:
        raise ProviderUnavailable(f"token request failed: {error}") from error
    except (AuthlibBaseError, JoseError, ValueError) as error:
        raise ProviderAnswerRefused(f"{type(error).__name__}: {error}") from error
    claims = token.get("userinfo")
    if not claims:
        raise ProviderAnswerRefused("no ID token in the token response")
    return dict(claims)

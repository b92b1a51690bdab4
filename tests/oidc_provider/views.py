"""The test provider's behaviour: who signs in, and what ID token they get.

The test sets a scenario over HTTP (`POST /test/scenario`); the provider then signs in
as that person at its authorize endpoint without asking (a real provider would show its
own sign-in page here) and answers the token request with an ID token that is valid,
expired, or tampered with after signing.
"""

import base64
import json
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model, login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import get_application_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import TokenView

from tests.oidc_provider import CLIENT_ID

DEFAULT_SCENARIO: dict[str, Any] = {
    "email": "",
    "email_verified": True,
    "name": "Test Person",
    "amr": ["pwd"],
    # "valid", "expired" (exp an hour ago) or "tampered" (email changed after signing)
    "id_token": "valid",
    "tampered_email": "",
}
scenario: dict[str, Any] = dict(DEFAULT_SCENARIO)


@csrf_exempt
def scenario_set(request: HttpRequest) -> JsonResponse:
    """Set who signs in next and how, and which redirect URIs the client may use."""
    data = json.loads(request.body or b"{}")
    redirect_uris = data.pop("redirect_uris", None)
    scenario.clear()
    scenario.update(DEFAULT_SCENARIO, **data)
    if redirect_uris is not None:
        get_application_model().objects.filter(client_id=CLIENT_ID).update(
            redirect_uris=" ".join(redirect_uris)
        )
    return JsonResponse(scenario)


class SignInAsScenarioUserMiddleware:
    """Sign the scenario's person in at the authorize endpoint, as if they had just done so."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/o/authorize") and scenario["email"]:
            user, _created = get_user_model().objects.get_or_create(
                username=scenario["email"], defaults={"email": scenario["email"]}
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return self.get_response(request)


class ScenarioValidator(OAuth2Validator):
    """Claims come from the scenario; `amr` is put in the ID token with the openid scope."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "amr": "openid"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        return {
            "email": scenario["email"],
            "email_verified": scenario["email_verified"],
            "name": scenario["name"],
            "amr": scenario["amr"],
        }

    def get_id_token_dictionary(self, token: Any, token_handler: Any, request: Any) -> Any:
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        if scenario["id_token"] == "expired":
            an_hour_ago = int(timezone.now().timestamp()) - 3600
            claims.update(exp=an_hour_ago, auth_time=an_hour_ago - 60)
        return claims, expiration_time


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@csrf_exempt
def token(request: HttpRequest) -> HttpResponse:
    """django-oauth-toolkit's token endpoint; in the "tampered" scenario the ID token's email
    is changed after it was signed, as by someone between the provider and Answerable."""
    response = TokenView.as_view()(request)
    if scenario["id_token"] != "tampered" or response.status_code != 200:
        return response
    body = json.loads(response.content)
    header, payload, signature = body["id_token"].split(".")
    claims = json.loads(_unb64(payload))
    claims["email"] = scenario["tampered_email"]
    body["id_token"] = ".".join([header, _b64(json.dumps(claims).encode()), signature])
    return JsonResponse(body)

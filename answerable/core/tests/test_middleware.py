"""Every response carries the content security policy, with a fresh nonce when the page has
inline script, however the policy is built (issue #12 builds it once)."""

import re

import pytest
from csp.exceptions import CSPNonceError
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from answerable.core.middleware import ContentSecurityPolicyMiddleware

HEADER = "Content-Security-Policy"


def _nonce(response) -> str:
    return re.search(r"'nonce-([^']+)'", response[HEADER]).group(1)


def test_each_page_s_policy_allows_only_its_own_inline_script(client, db):
    first, second = client.get("/account/sign-in/"), client.get("/account/sign-in/")
    for response in (first, second):
        assert f'<script nonce="{_nonce(response)}">' in response.content.decode()
    assert _nonce(first) != _nonce(second)
    policy = first[HEADER].replace(_nonce(first), "N")
    assert set(policy.split("; ")) == {
        "default-src 'self'",
        "script-src 'self' 'nonce-N'",
        "object-src 'none'",
        "style-src 'self'",
        "font-src 'self'",
        "img-src 'self' data:",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    }


def test_a_response_without_inline_script_has_no_nonce_and_cannot_ask_for_one_late():
    request = RequestFactory().get("/")
    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("plain"))
    response = middleware(request)
    assert "nonce" not in response[HEADER]
    assert "script-src 'self'" in response[HEADER]
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_a_changed_policy_setting_is_followed():
    directives = {"DIRECTIVES": {"default-src": ["'none'"]}}
    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("plain"))
    with override_settings(CONTENT_SECURITY_POLICY=directives):
        assert middleware(RequestFactory().get("/"))[HEADER] == "default-src 'none'"
    assert "default-src 'self'" in middleware(RequestFactory().get("/"))[HEADER]


def test_a_response_with_its_own_policy_keeps_it():
    def view(request):
        response = HttpResponse("framed")
        response._csp_update = {"frame-ancestors": ["https://example.org"]}
        return response

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))
    assert "frame-ancestors 'none' https://example.org" in response[HEADER]

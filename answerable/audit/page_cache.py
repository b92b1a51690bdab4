"""Pages drawn once per change of the data, for each viewer and address (ADR 0008).

A signed-in page read again before anything changes is served as the markup drawn last time:
its selectors, forms and templates run only when the audit chain has moved (ADR 0007). What
differs between two requests for the same page, the CSRF field and the CSP nonce, is left as
a hole in the stored markup and filled in for each response.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.backends.utils import csrf_input
from django.template.loader import get_template
from django.utils import timezone
from markupsafe import Markup

from answerable.audit.caching import cached_until_next_change
from answerable.organisations.selectors import access_for

# HTML comments: escaped text can never contain "<", so only a template can write a hole.
CSRF_HOLE = Markup("<!--answerable:csrf-input-->")
TOKEN_HOLE = Markup("<!--answerable:csrf-token-->")
NONCE_HOLE = Markup("<!--answerable:csp-nonce-->")


def render_cached_page(
    request: HttpRequest, template_name: str, build: Callable[[], dict[str, Any]]
) -> HttpResponse:
    """Render `template_name` with the context `build()` returns, built and drawn again only
    after an audited write, or for another viewer, memberships, address or day.

    `build` must read only what those name: the signed-in user, their memberships, the
    request's path and query string, and data that changes only through the services.
    """
    if len(get_messages(request)):  # a banner shows once, so this page is drawn as it is
        return render(request, template_name, build())
    parts = ("page", template_name, *viewer_and_address(request), timezone.localdate())
    markup = cached_until_next_change(parts, lambda: _draw(request, template_name, build()))
    return HttpResponse(_fill_holes(request, markup))


def viewer_and_address(request: HttpRequest) -> tuple[Any, ...]:
    """What a kept response depends on besides the data: who asks, with which memberships,
    and the whole address (a link can hold the host; the query string the filters)."""
    user = request.user
    return (user.pk, access_for(user).key, request.build_absolute_uri())  # type: ignore[arg-type]


def _draw(request: HttpRequest, template_name: str, context: dict[str, Any]) -> str:
    """The page as render() draws it, with holes where the request's own values go."""
    template = get_template(template_name)
    full: dict[str, Any] = {"request": request}
    for processor in template.backend.template_context_processors:  # type: ignore[attr-defined]
        full.update(processor(request))
    full.update(context)
    full.update(csrf_input=CSRF_HOLE, csrf_token=TOKEN_HOLE, page_csp_nonce=NONCE_HOLE)
    return template.template.render(full)  # type: ignore[attr-defined]


def _fill_holes(request: HttpRequest, markup: str) -> str:
    if CSRF_HOLE in markup:
        markup = markup.replace(CSRF_HOLE, csrf_input(request))
    if TOKEN_HOLE in markup:
        markup = markup.replace(TOKEN_HOLE, get_token(request))
    if NONCE_HOLE in markup:
        markup = markup.replace(NONCE_HOLE, str(request.csp_nonce))  # type: ignore[attr-defined]
    return markup

"""Helpers the meeting views share."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"meetings/{template}", page_context(context))


def page_context(context: dict[str, Any]) -> dict[str, Any]:
    """A meeting page's context with what every meeting template uses."""
    return {"active_nav": "meetings", **context}


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied

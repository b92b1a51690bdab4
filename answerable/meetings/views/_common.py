"""Helpers the meeting views share."""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from answerable.core.forms_render import field_params


def render_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"meetings/{template}", page_context(context))


def page_context(context: dict[str, Any]) -> dict[str, Any]:
    """A meeting page's context with what every meeting template uses."""
    return {"active_nav": "meetings", "checkbox_params": checkbox_params, **context}


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def checkbox_params(bf: forms.BoundField, options: dict[str, Any] | None = None) -> Any:
    """govukCheckboxes parameters for a multiple-choice checkbox field; None for other fields.

    core.forms_render tests RadioSelect before CheckboxSelectMultiple (a RadioSelect subclass
    since Django 4), so it would draw these as radios with nothing ticked.
    """
    if not isinstance(bf.field.widget, forms.CheckboxSelectMultiple):
        return None
    _, params = field_params(bf, options)
    selected = {str(value) for value in (bf.value() or [])}
    for item in params["items"]:
        item["checked"] = item["value"] in selected
    return params

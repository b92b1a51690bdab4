"""The page with one form and one button (simple_form.html) that many register changes use:
core.views_edit.edit_page, drawn the register's way."""

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_edit import edit_page
from answerable.recommendations.picker import Finder, register_picker


class HasPage(Protocol):
    def get_absolute_url(self) -> str: ...


def simple_form_page(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    service: Callable[..., Any],
    *,
    subject: dict[str, Any],
    done: str | Callable[[Any], str],
    then: HasPage,
    title: str,
    button: str,
    active_nav: str,
    subject_text: str | None = None,
    finders: Mapping[str, Finder] | None = None,
) -> HttpResponse:
    """Show `form`, or, when it is valid, call `service` and go back to `then`.

    The service gets `actor`, the `subject` keywords (what it changes) and the form's cleaned
    data. When it saves, `done` (a message, or a function of what it returned) is shown and
    the page redirects to `then`, where its Back link also leads. `subject_text`, the text of
    what the form is about, is shown above it; `finders` name the form's register fields to
    list with a picker (recommendations.picker).
    """

    def page(form: forms.Form) -> HttpResponse:
        context: dict[str, Any] = {
            "title": title,
            "form": form,
            "page_forms": [form],
            "back": then.get_absolute_url(),
            "button": button,
            "active_nav": active_nav,
        }
        if subject_text is not None:
            context["subject_text"] = subject_text
        if finders:
            context["picker"] = register_picker(request, form, finders)
        return render(request, "recommendations/simple_form.html", context)

    return edit_page(
        request, form, service, page=page, done=done, then=lambda saved: redirect(then), **subject
    )

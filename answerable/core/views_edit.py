"""The page most edit views are: a form that calls one service when it is submitted.

A view says what is its own (the row, the form, the service, the message, where to go next,
how the page looks) and `edit_page` does the rest: it shows the form on GET, calls the
service on a valid POST, and on success shows the message and redirects. A refused save
(the service's ValidationError) draws the page again with the errors on the form; for a
versioned form (core.forms.VersionedForm), a save from an older version draws the form again
from the row as saved now, through `redraw` (core.views_helpers.run_edit_service).
"""

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from answerable.core.forms import VersionedForm
from answerable.core.views_helpers import run_edit_service, run_service

PageForm = TypeVar("PageForm", bound=forms.Form)


def edit_page(
    request: HttpRequest,
    form: PageForm,
    service: Callable[..., Any],
    *,
    page: Callable[[PageForm], HttpResponse],
    done: str | Callable[[Any], str],
    redraw: Callable[[], PageForm] | None = None,
    then: Callable[[Any], HttpResponse] = redirect,
    arguments: Callable[[PageForm], dict[str, Any]] | None = None,
    **subject: Any,
) -> HttpResponse:
    """Answer with `page(form)`; or, when the form is valid and `service` saves, redirect.

    The service is called with `actor` (the person signed in), the `subject` keywords (the
    row it changes) and the form's cleaned data, or `arguments(form)` instead. If it returns
    a row (anything true), `done` is shown as the success message (a string, or a function
    of what the service returned) and `then` of it answers: by default, a redirect to it.
    `redraw` draws the form again from the row as saved now; a VersionedForm needs it, and
    no other form takes it.
    """
    if isinstance(form, VersionedForm) != (redraw is not None):
        raise TypeError("Give redraw with a VersionedForm, and only with one")
    if form.is_valid():
        data = arguments(form) if arguments else form.cleaned_data
        kwargs = {"actor": request.user, **subject, **data}
        if redraw is None:
            saved = run_service(form, service, **kwargs)
        else:
            saved, drawn = run_edit_service(
                cast(VersionedForm, form),
                service,
                redraw=cast(Callable[[], VersionedForm], redraw),
                **kwargs,
            )
            form = cast(PageForm, drawn)
        if saved:
            messages.success(request, done(saved) if callable(done) else done)
            return then(saved)
    return page(form)

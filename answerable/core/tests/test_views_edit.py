from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory

from answerable.core.forms import VersionedForm
from answerable.core.views_edit import edit_page

ACTOR = object()


class _Form(forms.Form):
    title = forms.CharField(label="Title")


class _Edit(VersionedForm):
    title = forms.CharField(label="Title")


class _Row:
    def get_absolute_url(self) -> str:
        return "/rows/1/"


def _request(data: dict[str, str] | None = None) -> Any:
    request = RequestFactory().post("/edit/", data) if data else RequestFactory().get("/edit/")
    request.user = ACTOR
    request._messages = CookieStorage(request)
    return request


def _page(form: forms.Form) -> HttpResponse:
    return HttpResponse(f"page with {len(form.errors)} errors")


def test_a_get_draws_the_page_and_calls_no_service():
    calls = []
    response = edit_page(
        _request(), _Form(None), lambda **kwargs: calls.append(kwargs), page=_page, done="Saved"
    )
    assert response.content == b"page with 0 errors"
    assert calls == []


def test_a_valid_form_calls_the_service_with_the_actor_row_and_data_then_redirects():
    calls = []
    row = _Row()
    request = _request({"title": "New"})

    def service(**kwargs: Any) -> _Row:
        calls.append(kwargs)
        return row

    response = edit_page(request, _Form(request.POST), service, row=row, page=_page, done="Saved")
    assert calls == [{"actor": ACTOR, "row": row, "title": "New"}]
    assert (response.status_code, response["Location"]) == (302, "/rows/1/")
    assert [str(m) for m in get_messages(request)] == ["Saved"]


def test_a_refused_save_draws_the_page_with_the_services_error():
    request = _request({"title": "New"})

    def service(**kwargs: Any) -> None:
        raise ValidationError({"title": "That title is taken"})

    response = edit_page(request, _Form(request.POST), service, page=_page, done="Saved")
    assert response.content == b"page with 1 errors"
    assert list(get_messages(request)) == []


def test_a_versioned_form_needs_redraw_and_no_other_form_takes_it():
    with pytest.raises(TypeError):
        edit_page(_request(), _Edit(None, version=1), print, page=_page, done="Saved")
    with pytest.raises(TypeError):
        edit_page(_request(), _Form(None), print, page=_page, done="Saved", redraw=lambda: None)

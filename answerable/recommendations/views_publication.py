"""The office puts a source on the public site, or takes it off (issue #14)."""

from collections.abc import Callable

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_edit import edit_page
from answerable.core.views_helpers import post_data
from answerable.recommendations import selectors, services
from answerable.recommendations.models import Source


class PublishForm(forms.Form):
    """Nothing to fill in: the page says what will become public, the button confirms."""


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is it coming off the public site?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        error_messages={"required": gettext_lazy("Enter why it is coming off the public site")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = _managed_source(request, pk)
    return _ask(
        request,
        source,
        PublishForm(post_data(request)),
        services.source_publish,
        done=lambda published: (
            _("Publication asked for: another scrutiny officer of your office must publish it")
            if published.public_since is None
            else _("%(title)s is on the public site") % {"title": source.title}
        ),
        title=_("Publish %(title)s on the public site") % {"title": source.title},
        button=_("Publish"),
        explanation=_(
            "Anyone will be able to see its recommendations, which organisations act on "
            "each, their target dates and delivery status, and your assurance decisions. "
            "Updates, evidence and action descriptions stay internal."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = _managed_source(request, pk)
    return _ask(
        request,
        source,
        WithdrawForm(post_data(request)),
        services.source_withdraw,
        done=_("%(title)s is off the public site") % {"title": source.title},
        title=_("Take %(title)s off the public site") % {"title": source.title},
        button=_("Take off the public site"),
    )


def _managed_source(request: AuthenticatedHttpRequest, pk: int) -> Source:
    source = selectors.source_get_for_user(user=request.user, pk=pk)
    if not selectors.can_manage_register(user=request.user, source=source):
        raise PermissionDenied
    return source


def _ask(
    request: AuthenticatedHttpRequest,
    source: Source,
    form: forms.Form,
    service: Callable[..., Source],
    *,
    done: str | Callable[[Source], str],
    title: str,
    button: str,
    explanation: str = "",
) -> HttpResponse:
    """The page that asks to confirm a change to what is public; success returns to the
    source."""
    return edit_page(
        request,
        form,
        service,
        source=source,
        done=done,
        then=lambda _source: redirect(source),
        page=lambda form: render(
            request,
            "recommendations/simple_form.html",
            {
                "title": title,
                "subject_text": explanation,
                "form": form,
                "page_forms": [form],
                "back": source.get_absolute_url(),
                "button": button,
                "active_nav": "sources",
            },
        ),
    )

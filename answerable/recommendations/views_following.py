"""Follow a source, recommendation or action, stop, and list what one follows (issue #17)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.recommendations import selectors, services
from answerable.recommendations.models import Action, Follow, Recommendation, Source

_GETTERS = {
    "source": selectors.source_get_for_user,
    "recommendation": selectors.recommendation_get_for_user,
    "action": selectors.action_get_for_user,
}


@login_required
@require_POST
def follow_change(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    """Start (`follow=yes`) or stop following the thing, then go back to its page."""
    if kind not in _GETTERS:
        raise Http404("Nothing of that kind can be followed")
    found: Source | Recommendation | Action = _GETTERS[kind](user=request.user, pk=pk)  # type: ignore[assignment]
    target = {kind: found}
    if request.POST.get("follow") == "yes":
        services.follow_create(user=request.user, **target)  # type: ignore[arg-type]
        messages.success(
            request, _("You are following this. You will get a daily email when it changes.")
        )
    else:
        follow = selectors.follow_get(user=request.user, **target)  # type: ignore[arg-type]
        if follow is not None:
            services.follow_delete(user=request.user, follow=follow)
        messages.success(request, _("You have stopped following this."))
    return redirect(found)


@login_required
@require_POST
def follow_stop(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Stop following from the list, even something the person can no longer see."""
    follow = get_object_or_404(Follow, pk=pk, user=request.user)
    try:
        services.follow_delete(user=request.user, follow=follow)
    except PermissionDenied:
        raise Http404("No such follow") from None
    messages.success(request, _("You have stopped following it."))
    return redirect("recommendations:following_list")


@login_required
@require_GET
def following_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "recommendations/following_list.html",
        {
            "title": _("What you follow"),
            "items": selectors.follow_list(user=request.user),
        },
    )

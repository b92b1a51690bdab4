"""The office reviews the public text owners propose for their updates (issue #14)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_helpers import post_data, run_service
from answerable.recommendations import selectors, services


class NarrativeReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Can this text go on the public site?"),
        choices=[
            ("approve", gettext_lazy("Yes, approve it")),
            ("reject", gettext_lazy("No, keep it off the public site")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Select whether the text can go on the public site")
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("If not, why (the owner sees this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", gettext_lazy("Enter why the text is not approved"))
        return cleaned


@login_required
@require_GET
def narrative_review_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "recommendations/narrative_review_list.html",
        {
            "title": _("Public text to review"),
            "narratives": selectors.narrative_review_queue(user=request.user),
            "active_nav": "queue",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def narrative_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    narrative = selectors.narrative_get_for_review(user=request.user, pk=pk)
    form = NarrativeReviewForm(post_data(request))
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        done = (
            run_service(
                form, services.public_narrative_approve, actor=request.user, narrative=narrative
            )
            if approve
            else run_service(
                form,
                services.public_narrative_reject,
                actor=request.user,
                narrative=narrative,
                reason=form.cleaned_data["reason"],
            )
        )
        if done:
            messages.success(
                request,
                _("Approved for the public site") if approve else _("Kept off the public site"),
            )
            return redirect("recommendations:narrative_review_list")
    return render(
        request,
        "recommendations/narrative_review.html",
        {
            "title": _("Review public text"),
            "narrative": narrative,
            "action": narrative.update.action,
            "form": form,
            "page_forms": [form],
            "active_nav": "queue",
        },
    )

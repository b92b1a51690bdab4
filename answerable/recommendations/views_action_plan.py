"""Pages that change an action's plan: its lead and its target date. Each form carries the
version of the action it was drawn from, so a change made while someone else's landed is
refused and the page drawn again showing theirs (issue #11)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_edit import edit_page
from answerable.core.views_helpers import post_data
from answerable.recommendations import selectors, services
from answerable.recommendations.forms_lifecycle import LeadForm, TargetDateForm
from answerable.recommendations.models import Action
from answerable.recommendations.views_lifecycle import form_page


def _planned_action(request: AuthenticatedHttpRequest, pk: int) -> Action:
    """The action, if the person may change its plan: the owner's lead officers and the
    source office's scrutiny officers."""
    action = selectors.action_get_for_user(user=request.user, pk=pk)
    if not selectors.can_change_target_date(user=request.user, action=action):
        raise PermissionDenied
    return action


def _plan_page(
    request: AuthenticatedHttpRequest, action: Action, form: Any, *, title: str, button: str
) -> HttpResponse:
    return form_page(
        request,
        title=title,
        form=form,
        back=action.get_absolute_url(),
        button=button,
        subject_text=action.description,
        active_nav="actions",
    )


def _lead_form(action: Action, data: Any = None) -> LeadForm:
    return LeadForm(
        data,
        version=action.version,
        initial={"lead": action.lead_id},
        leads=selectors.lead_officer_list(organisation_id=action.owner_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_lead(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _planned_action(request, pk)
    return edit_page(
        request,
        _lead_form(action, post_data(request)),
        services.action_lead_assign,
        action=action,
        redraw=lambda: _lead_form(_planned_action(request, pk)),
        done=_("Lead assigned"),
        page=lambda form: _plan_page(
            request, action, form, title=_("Assign a lead"), button=_("Assign lead")
        ),
    )


def _target_date_form(action: Action, data: Any = None) -> TargetDateForm:
    return TargetDateForm(data, version=action.version, initial=TargetDateForm.initial_from(action))


@login_required
@require_http_methods(["GET", "POST"])
def action_target_date(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _planned_action(request, pk)
    return edit_page(
        request,
        _target_date_form(action, post_data(request)),
        services.action_target_date_change,
        action=action,
        redraw=lambda: _target_date_form(_planned_action(request, pk)),
        done=_("Target date changed"),
        page=lambda form: _plan_page(
            request,
            action,
            form,
            title=_("Change the target date"),
            button=_("Change target date"),
        ),
    )

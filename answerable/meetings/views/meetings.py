"""Pages for meetings as a whole: forward plan, planning, the meeting record, action tracker."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.panels import AGENDA_ITEM, panels_render
from answerable.core.views_helpers import paginate, pagination_params, post_data, run_service
from answerable.meetings import selectors, services
from answerable.meetings.forms import AttendeeForm, CloseActionForm, MeetingForm, StatusForm
from answerable.meetings.models import AccountabilityMeeting
from answerable.meetings.views._common import render_page, require
from answerable.organisations.models import Membership
from answerable.organisations.selectors import access_for, scrutiny_office_for


@login_required
@require_GET
def forward_plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    past = request.GET.get("show") == "past"
    page = paginate(request, selectors.forward_plan(user=request.user, past=past), per_page=25)
    return render_page(
        request,
        "forward_plan.html",
        {
            "title": _("Past meetings") if past else _("Forward plan"),
            "past": past,
            "page": page,
            "pagination": pagination_params(request, page),
            "can_plan": selectors.can_plan_meetings(user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    office = scrutiny_office_for(user=request.user)
    require(office is not None)
    form = MeetingForm(post_data(request))
    if form.is_valid():
        meeting = run_service(
            form,
            services.meeting_create,
            actor=request.user,
            office=office,
            **form.service_kwargs(),
        )
        if meeting:
            messages.success(request, _("Meeting planned: %(title)s") % {"title": meeting.title})
            return redirect(meeting)
    return render_page(
        request,
        "form.html",
        {
            "title": _("Plan a meeting"),
            "form": form,
            "page_forms": [form],
            "back": reverse("meetings:forward_plan"),
            "button": _("Plan meeting"),
        },
    )


@login_required
@require_GET
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    access = access_for(request.user)
    can_plan = selectors.can_plan_meetings(user=request.user, office_id=meeting.office_id)
    before_meeting = meeting.status in (
        AccountabilityMeeting.Status.PLANNED,
        AccountabilityMeeting.Status.PAPERS_RECEIVED,
    )
    page = selectors.meeting_page(meeting=meeting, user=request.user)
    return render_page(
        request,
        "meeting_detail.html",
        {
            "title": meeting.title,
            "meeting": meeting,
            "items": page.items,
            "review": page.review,
            "attendees": page.attendees,
            "raised": page.raised,
            "raised_on_item": page.raised_on_item,
            "can_plan": can_plan,
            "can_upload": selectors.can_upload_paper(
                user=request.user, meeting=meeting, attendees=page.attendees
            ),
            "respond_org_ids": (
                access.organisations_with_role(Membership.Role.LEAD_OFFICER)
                if before_meeting
                else frozenset()
            ),
            "today": timezone.localdate(),
            # What apps above meetings show under each item, such as workforce coverage and
            # indicators' figures.
            "item_panels": panels_render(
                slot=AGENDA_ITEM,
                user=request.user,
                object_ids=[item.pk for item in page.items],
                heading_level=4,
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    require(selectors.can_plan_meetings(user=request.user, office_id=meeting.office_id))
    allowed = [
        (status.value, status.label)
        for status in AccountabilityMeeting.Status
        if status in services.ALLOWED_TRANSITIONS[meeting.status]
        and status != AccountabilityMeeting.Status.SUMMARY_PUBLISHED
    ]
    form = StatusForm(post_data(request), allowed=allowed)
    if form.is_valid() and run_service(
        form,
        services.meeting_status_change,
        actor=request.user,
        meeting=meeting,
        **form.cleaned_data,
    ):
        messages.success(request, _("Meeting status updated"))
        return redirect(meeting)
    return render_page(
        request,
        "form.html",
        {
            "title": _("Update the status of %(title)s") % {"title": meeting.title},
            "caption": _("Currently: %(status)s") % {"status": meeting.get_status_display()},
            "form": form,
            "page_forms": [form],
            "back": meeting.get_absolute_url(),
            "button": _("Update status"),
            "allowed": allowed,
            "empty_text": _("This meeting's status can only change by publishing its summary.")
            if not allowed
            else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendee_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    require(selectors.can_plan_meetings(user=request.user, office_id=meeting.office_id))
    form = AttendeeForm(post_data(request))
    if form.is_valid() and run_service(
        form, services.attendee_add, actor=request.user, meeting=meeting, **form.cleaned_data
    ):
        messages.success(
            request, _("%(name)s added to the attendees") % {"name": form.cleaned_data["name"]}
        )
        return redirect(meeting)
    return render_page(
        request,
        "form.html",
        {
            "title": _("Add an attendee"),
            "caption": meeting.title,
            "form": form,
            "page_forms": [form],
            "back": meeting.get_absolute_url(),
            "button": _("Add attendee"),
        },
    )


@login_required
@require_GET
def action_tracker(request: AuthenticatedHttpRequest) -> HttpResponse:
    include_closed = request.GET.get("show") == "all"
    actions = selectors.meeting_action_list(user=request.user, include_closed=include_closed)
    page = paginate(request, actions)
    return render_page(
        request,
        "action_tracker.html",
        {
            "title": _("Action tracker"),
            "page": page,
            "pagination": pagination_params(request, page),
            "include_closed": include_closed,
            "today": timezone.localdate(),
            "planner_office_ids": access_for(request.user).organisations_with_role(
                Membership.Role.SCRUTINY_OFFICER
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_action_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = selectors.meeting_action_get_for_user(user=request.user, pk=pk)
    require(selectors.can_plan_meetings(user=request.user, office_id=action.meeting.office_id))
    form = CloseActionForm(post_data(request))
    if form.is_valid() and run_service(
        form, services.meeting_action_close, actor=request.user, action=action, **form.cleaned_data
    ):
        messages.success(
            request, _("Action %(reference)s closed") % {"reference": action.reference}
        )
        return redirect("meetings:action_tracker")
    return render_page(
        request,
        "form.html",
        {
            "title": _("Close action %(reference)s") % {"reference": action.reference},
            "caption": _("%(name)s, from %(title)s")
            % {"name": action.owner.name, "title": action.meeting.title},
            "subject_text": action.description,
            "form": form,
            "page_forms": [form],
            "back": action.meeting.get_absolute_url(),
            "button": _("Close action"),
        },
    )

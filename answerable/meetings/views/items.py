"""Pages for what is recorded on an agenda item: papers, questions, responses, verdicts, actions."""

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.panels import AGENDA_ITEM, panels_for_one
from answerable.core.views_edit import edit_page
from answerable.core.views_helpers import post_data, stored_file_download
from answerable.meetings import selectors, services
from answerable.meetings.forms import (
    AgendaItemForm,
    AgendaItemUpdateForm,
    AssessmentOfferForm,
    MeetingActionForm,
    PaperForm,
    QuestionForm,
    ResponseForm,
    VerdictForm,
)
from answerable.meetings.models import AccountabilityMeeting, AgendaItem, Question
from answerable.meetings.selectors_agenda import agenda_actions_found, agenda_register_choices
from answerable.meetings.views._common import render_page, require
from answerable.recommendations.picker import (
    BySource,
    Finder,
    recommendations_found,
    register_picker,
)
from answerable.recommendations.selectors import source_order_list


def _register_choices(
    request: AuthenticatedHttpRequest, meeting: AccountabilityMeeting
) -> dict[str, QuerySet[Any]]:
    """The register an item of the meeting may consider: the form is checked against all of
    it, and the page lists part (`_picker`)."""
    return agenda_register_choices(user=request.user, office_id=meeting.office_id)


def _picker(
    request: AuthenticatedHttpRequest, form: Any, meeting: AccountabilityMeeting
) -> dict[str, Any]:
    """The picker's search box (a GET form above the item's form, so it works without
    JavaScript), after narrowing the form's register boxes to what the page lists: the
    first ones read a few of the office's sources at a time (both kinds sort by source)."""
    finders: dict[str, Finder] = {
        "recommendations": recommendations_found,
        "actions": partial(
            agenda_actions_found, recommendations=form.fields["recommendations"].queryset
        ),
    }
    sources = source_order_list(user=request.user, owner_id=meeting.office_id)
    by_source = {name: BySource("source_id", sources) for name in finders}
    return {"picker": register_picker(request, form, finders, by_source)}


def _item_update_form(
    request: AuthenticatedHttpRequest, item: AgendaItem, data: Any = None
) -> AgendaItemUpdateForm:
    """The form to change an item, drawn from the item as saved."""
    return AgendaItemUpdateForm(
        data,
        version=item.version,
        initial={
            "title": item.title,
            "theme": item.theme.name if item.theme else "",
            "description": item.description,
            "is_sensitive": item.is_sensitive,
            "recommendations": list(item.recommendations.values_list("pk", flat=True)),
            "actions": list(item.actions.values_list("pk", flat=True)),
        },
        **_register_choices(request, item.meeting),
    )


def _form_page(
    request: HttpRequest, title: str, form: Any, item: AgendaItem, **extra: Any
) -> HttpResponse:
    return render_page(
        request,
        "form.html",
        {
            "title": title,
            "caption": _("%(meeting)s, item %(position)s: %(title)s")
            % {
                "meeting": item.meeting.title,
                "position": item.position,
                "title": item.title,
            },
            "form": form,
            "page_forms": [form],
            "back": item.get_absolute_url(),
            **extra,
        },
    )


def _item_form_page(
    request: AuthenticatedHttpRequest,
    item: AgendaItem,
    form: Any,
    service: Callable[..., Any],
    *,
    done: str | Callable[[Any], str],
    title: str,
    button: str,
    arguments: Callable[[Any], dict[str, Any]] | None = None,
    **extra: Any,
) -> HttpResponse:
    """A page with a form whose service records something on the item: success returns to
    the item."""
    return edit_page(
        request,
        form,
        service,
        item=item,
        arguments=arguments,
        done=done,
        then=lambda _saved: _to_item(item),
        page=lambda form: _form_page(request, title, form, item, button=button, **extra),
    )


def _to_item(item: AgendaItem) -> HttpResponse:
    return redirect(item.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    require(selectors.can_plan_meetings(user=request.user, office_id=meeting.office_id))
    return edit_page(
        request,
        AgendaItemForm(post_data(request), **_register_choices(request, meeting)),
        services.agenda_item_add,
        meeting=meeting,
        done=lambda item: (
            _("Item %(position)s added: %(title)s")
            % {"position": item.position, "title": item.title}
        ),
        then=_to_item,
        page=lambda form: render_page(
            request,
            "form.html",
            {
                "title": _("Add an agenda item"),
                "caption": meeting.title,
                "form": form,
                "page_forms": [form],
                "back": meeting.get_absolute_url(),
                "button": _("Add item"),
                **_picker(request, form, meeting),
            },
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.agenda_item_get_for_user(user=request.user, pk=pk)
    require(selectors.can_plan_meetings(user=request.user, office_id=item.meeting.office_id))
    return edit_page(
        request,
        _item_update_form(request, item, post_data(request)),
        services.agenda_item_update,
        item=item,
        redraw=lambda: _item_update_form(
            request, selectors.agenda_item_get_for_user(user=request.user, pk=pk)
        ),
        done=lambda updated: _("Item %(position)s updated") % {"position": updated.position},
        then=_to_item,
        page=lambda form: _form_page(
            request,
            _("Change the agenda item"),
            form,
            item,
            button=_("Save changes"),
            **_picker(request, form, item.meeting),
        ),
    )


@login_required
@require_POST
def agenda_item_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.agenda_item_get_for_user(user=request.user, pk=pk)
    require(selectors.can_plan_meetings(user=request.user, office_id=item.meeting.office_id))
    try:
        services.agenda_item_move(
            actor=request.user, item=item, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(item.meeting)


@login_required
@require_http_methods(["GET", "POST"])
def paper_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.agenda_item_get_for_user(user=request.user, pk=pk)
    require(selectors.can_upload_paper(user=request.user, meeting=item.meeting))
    return _item_form_page(
        request,
        item,
        PaperForm(post_data(request), request.FILES or None),
        services.paper_upload,
        done=lambda paper: _("Paper tabled: %(title)s") % {"title": paper.title},
        title=_("Table a paper"),
        button=_("Upload paper"),
        multipart=True,
    )


@login_required
@require_POST
def paper_publication(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    paper = selectors.paper_get_for_user(user=request.user, pk=pk)
    require(selectors.can_plan_meetings(user=request.user, office_id=paper.item.meeting.office_id))
    publish = request.POST.get("publish") == "yes"
    try:
        services.paper_publication_set(actor=request.user, paper=paper, is_published=publish)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        message = (
            _("Paper marked for publication: %(title)s")
            if publish
            else _("Paper withheld from publication: %(title)s")
        )
        messages.success(request, message % {"title": paper.title})
    return redirect(paper.item.get_absolute_url())


@login_required
@require_GET
def paper_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    paper = selectors.paper_get_for_user(user=request.user, pk=pk)
    return stored_file_download(paper.file, title=paper.title, kind=paper.file_kind)


@login_required
@require_http_methods(["GET", "POST"])
def question_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.agenda_item_get_for_user(user=request.user, pk=pk)
    require(selectors.can_plan_meetings(user=request.user, office_id=item.meeting.office_id))
    return _item_form_page(
        request,
        item,
        QuestionForm(post_data(request)),
        services.question_add,
        arguments=QuestionForm.service_kwargs,
        done=_("Question added"),
        title=_("Add a question"),
        button=_("Add question"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def response_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = selectors.question_get_for_user(user=request.user, pk=pk)
    require(selectors.can_respond(user=request.user, question=question))
    in_meeting = selectors.can_plan_meetings(
        user=request.user, office_id=question.item.meeting.office_id
    )
    return edit_page(
        request,
        ResponseForm(post_data(request), for_organisation=in_meeting),
        services.response_record,
        question=question,
        done=_("Response recorded"),
        then=lambda _response: redirect(question.item.get_absolute_url()),
        page=lambda form: _form_page(
            request,
            _response_title(question, in_meeting=in_meeting),
            form,
            question.item,
            button=_("Save response"),
            subject_text=question.text,
            # The figures linked to the item, as the meeting saw them (core/panels.py).
            panels=panels_for_one(slot=AGENDA_ITEM, user=request.user, object_id=question.item_id),
        ),
    )


def _response_title(question: Question, *, in_meeting: bool) -> str:
    if in_meeting:
        return _("Record the response")
    if question.addressed_to:
        return _("Prepare a response for %(name)s") % {"name": question.addressed_to.name}
    return _("Prepare a response")


def _verdict_form(item: AgendaItem, data: Any = None) -> VerdictForm:
    """The verdict form, drawn from the item's verdict as saved (version 0 if it has none)."""
    current = getattr(item, "verdict", None)
    return VerdictForm(
        data,
        version=current.version if current else 0,
        initial={"verdict": current.verdict, "rationale": current.rationale} if current else None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_verdict_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.agenda_item_get_for_user(user=request.user, pk=pk)
    require(selectors.can_plan_meetings(user=request.user, office_id=item.meeting.office_id))
    return edit_page(
        request,
        _verdict_form(item, post_data(request)),
        services.item_verdict_record,
        item=item,
        redraw=lambda: _verdict_form(selectors.agenda_item_get_for_user(user=request.user, pk=pk)),
        done=_("Verdict recorded"),
        then=lambda _verdict: _after_verdict(request, pk),
        page=lambda form: _form_page(
            request, _("Record the verdict"), form, item, button=_("Record verdict")
        ),
    )


def _after_verdict(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """On to record the verdict as an assessment, if it covers recommendations; else back."""
    item = selectors.agenda_item_get_for_user(user=request.user, pk=pk)
    if selectors.verdict_assessment_offer(user=request.user, item=item).exists():
        return redirect("meetings:verdict_assessments", pk=item.pk)
    return _to_item(item)


@login_required
@require_http_methods(["GET", "POST"])
def verdict_assessments(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.agenda_item_get_for_user(user=request.user, pk=pk)
    require(selectors.can_plan_meetings(user=request.user, office_id=item.meeting.office_id))
    offered = selectors.verdict_assessment_offer(user=request.user, item=item)
    form = AssessmentOfferForm(post_data(request), offered=offered)
    return edit_page(
        request,
        form,
        services.item_verdict_assessments_confirm,
        item=item,
        done=lambda _saved: _assessed_text(len(form.cleaned_data["recommendations"])),
        then=lambda _saved: _to_item(item),
        page=lambda form: render_page(
            request,
            "verdict_assessments.html",
            {
                "title": _("Record the verdict as an assessment"),
                "item": item,
                "verdict": getattr(item, "verdict", None),
                "offered": list(offered),
                "form": form,
                "page_forms": [form],
            },
        ),
    )


def _assessed_text(count: int) -> str:
    return ngettext(
        "Assessment recorded for %(count)s recommendation",
        "Assessment recorded for %(count)s recommendations",
        count,
    ) % {"count": count}


@login_required
@require_http_methods(["GET", "POST"])
def meeting_action_raise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.agenda_item_get_for_user(user=request.user, pk=pk)
    require(selectors.can_plan_meetings(user=request.user, office_id=item.meeting.office_id))
    return edit_page(
        request,
        MeetingActionForm(post_data(request)),
        services.meeting_action_raise,
        meeting=item.meeting,
        item=item,
        done=lambda action: (
            _("Action %(reference)s raised for %(name)s")
            % {"reference": action.reference, "name": action.owner.name}
        ),
        then=lambda _action: _to_item(item),
        page=lambda form: _form_page(
            request, _("Raise an action"), form, item, button=_("Raise action")
        ),
    )

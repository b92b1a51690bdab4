"""Signed-in pages: draft a meeting's summary, review exactly what will go out, publish it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.accounts.models import User
from answerable.core.files import DOCX, PDF
from answerable.core.views_helpers import document_download
from answerable.meetings import selectors as meeting_selectors
from answerable.meetings.models import AccountabilityMeeting, Marking
from answerable.publishing import selectors, services
from answerable.publishing.documents import summary_html
from answerable.publishing.models import Publication
from answerable.publishing.views import minutes_filename, published_document


def _meeting_for_planner(user: User, meeting_pk: int) -> AccountabilityMeeting:
    meeting = meeting_selectors.meeting_get_for_user(user=user, pk=meeting_pk)
    if not meeting_selectors.can_plan_meetings(user=user, office_id=meeting.office_id):
        raise PermissionDenied
    return meeting


def _withheld(meeting: AccountabilityMeeting) -> list[str]:
    """What the record holds that the summary leaves out, so the reviewer can check it."""
    withheld = []
    for item in meeting_selectors.meeting_agenda(meeting=meeting):
        if item.is_sensitive:
            withheld.append(
                _("Agenda item '%(title)s' (marked sensitive), with everything on it")
                % {"title": item.title}
            )
            continue
        for paper in item.papers.all():
            if paper.marking == Marking.OFFICIAL_SENSITIVE:
                withheld.append(
                    _("Paper '%(title)s' (OFFICIAL-SENSITIVE)") % {"title": paper.title}
                )
            elif not paper.is_published:
                withheld.append(
                    _("Paper '%(title)s' (not marked for publication)") % {"title": paper.title}
                )
    return withheld


@login_required
@require_GET
def publication_review(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = _meeting_for_planner(request.user, meeting_pk)
    publication = selectors.publication_for_meeting(meeting=meeting)
    preview = None
    if publication is not None:
        preview = mark_safe(  # noqa: S308 - our own autoescaping template
            summary_html(
                content=publication.content,
                paper_url=lambda pk: reverse("meetings:paper_download", args=[pk]),
            )
        )
    return render(
        request,
        "publishing/publication_review.html",
        {
            "title": _("Public summary of %(meeting)s") % {"meeting": meeting.title},
            "meeting": meeting,
            "publication": publication,
            "preview": preview,
            "withheld": _withheld(meeting),
            "can_draft": meeting.status == AccountabilityMeeting.Status.HELD
            and (publication is None or not publication.is_published),
            "active_nav": "meetings",
        },
    )


def _step(request: AuthenticatedHttpRequest, meeting_pk: int, step: str) -> HttpResponse:
    meeting = _meeting_for_planner(request.user, meeting_pk)
    publication = selectors.publication_for_meeting(meeting=meeting)
    try:
        if step == "draft":
            services.publication_draft(actor=request.user, meeting=meeting)
            messages.success(request, _("Summary drafted from the meeting record"))
        elif publication is None:
            raise ValidationError(_("Draft the summary first"))
        elif step == "submit":
            services.publication_submit(actor=request.user, publication=publication)
            messages.success(request, _("Summary sent for redaction review"))
        else:
            services.publication_publish(
                actor=request.user,
                publication=publication,
                reviewed_digest=request.POST.get("reviewed", ""),
            )
            messages.success(request, _("Summary published"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("meetings:publication:review", meeting_pk=meeting.pk)


@login_required
@require_POST
def publication_draft(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    return _step(request, meeting_pk, "draft")


@login_required
@require_POST
def publication_submit(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    return _step(request, meeting_pk, "submit")


@login_required
@require_POST
def publication_publish(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    return _step(request, meeting_pk, "publish")


def _publication(user: User, meeting_pk: int) -> Publication:
    meeting = _meeting_for_planner(user, meeting_pk)
    publication = selectors.publication_for_meeting(meeting=meeting)
    if publication is None:
        raise Http404("No summary has been drafted")
    return publication


@login_required
@require_GET
def publication_docx(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    publication = _publication(request.user, meeting_pk)
    return document_download(
        published_document(publication, DOCX), DOCX, minutes_filename(publication, DOCX)
    )


@login_required
@require_GET
def publication_pdf(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    publication = _publication(request.user, meeting_pk)
    return document_download(
        published_document(publication, PDF), PDF, minutes_filename(publication, PDF)
    )

"""Public pages (no sign-in): published summaries, their minutes and papers, calendar and feed.

The calendar and the feed are answered conditionally (ETag, 304 Not Modified): feed readers
and calendar apps poll them. The HTML pages are not: each carries its request's CSP nonce.
"""

from collections.abc import Callable
from typing import cast

from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from answerable.core.conditional import conditional_body
from answerable.core.files import DOCX, PDF
from answerable.core.views_helpers import (
    document_download,
    paginate,
    pagination_params,
    stored_file_download,
)
from answerable.meetings import selectors as meeting_selectors
from answerable.publishing import feeds, selectors
from answerable.publishing.documents import minutes_docx, minutes_pdf
from answerable.publishing.models import Publication


def minutes_filename(publication: Publication, kind: str) -> str:
    return f"{slugify(publication.meeting.title)[:80] or 'meeting'}-minutes.{kind}"


def published_document(publication: Publication, kind: str) -> bytes:
    """The minutes of a published summary, made once: a published snapshot never changes."""
    build: Callable[..., bytes] = minutes_pdf if kind == PDF else minutes_docx
    if not publication.is_published:
        return build(content=publication.content)
    key = f"publishing:{publication.pk}:{int(publication.published_at.timestamp())}:{kind}"  # type: ignore[union-attr]
    return cast(
        bytes, cache.get_or_set(key, lambda: build(content=publication.content), timeout=None)
    )


@require_GET
def summary_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.published_list(), per_page=20)
    upcoming = meeting_selectors.public_meeting_list().filter(starts_at__gte=timezone.now())
    return render(
        request,
        "publishing/summary_list.html",
        {
            "title": _("Accountability meetings"),
            "page": page,
            "pagination": pagination_params(request, page),
            "upcoming": list(upcoming[:20]),
            "active_nav": "public",
        },
    )


@require_GET
def summary_detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = selectors.publication_get_public(pk=pk)
    return render(
        request,
        "publishing/summary_detail.html",
        {
            "title": publication.content["meeting"]["title"],
            "publication": publication,
            # Rendered by our own autoescaping template at publish time, from the snapshot.
            "body": mark_safe(publication.html),  # noqa: S308
            "considered": selectors.published_summary_recommendations(publication=publication),
            "active_nav": "public",
        },
    )


@require_GET
def summary_docx(request: HttpRequest, pk: int) -> HttpResponse:
    publication = selectors.publication_get_public(pk=pk)
    return document_download(
        published_document(publication, DOCX), DOCX, minutes_filename(publication, DOCX)
    )


@require_GET
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    publication = selectors.publication_get_public(pk=pk)
    return document_download(
        published_document(publication, PDF), PDF, minutes_filename(publication, PDF)
    )


@require_GET
def summary_paper(request: HttpRequest, pk: int, paper_pk: int) -> FileResponse:
    publication = selectors.publication_get_public(pk=pk)
    if paper_pk not in selectors.published_paper_ids(publication=publication):
        raise Http404("No such paper")
    paper = meeting_selectors.paper_get_public(pk=paper_pk)
    if paper.item.meeting_id != publication.meeting_id:
        raise Http404("No such paper")
    return stored_file_download(paper.file, title=paper.title, kind=paper.file_kind)


@require_safe
def meetings_calendar(request: HttpRequest) -> HttpResponseBase:
    meetings = list(meeting_selectors.public_meeting_list())
    summaries = selectors.published_by_meeting(meeting_ids=[m.pk for m in meetings])
    body = feeds.meetings_calendar(
        meetings=meetings, summaries=summaries, absolute=request.build_absolute_uri
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    return conditional_body(request, response)


@require_safe
def summaries_feed(request: HttpRequest) -> HttpResponseBase:
    body = feeds.summaries_atom(
        publications=selectors.published_list()[:50],
        absolute=request.build_absolute_uri,
        feed_url=request.build_absolute_uri(reverse("publishing:summaries_feed")),
    )
    return conditional_body(
        request, HttpResponse(body, content_type="application/atom+xml; charset=utf-8")
    )

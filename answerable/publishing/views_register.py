"""The public register (no sign-in): each published report, its recommendations and what each
partner has done, read only through the register's public selectors (issue #14)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from answerable.core.conditional import conditional_body
from answerable.core.keyset import keyset_page, keyset_pagination_params, ordered
from answerable.core.views_helpers import paginate, pagination_params, stored_file_download
from answerable.publishing import feeds
from answerable.publishing import selectors as publishing
from answerable.publishing.charts import assurance_chart
from answerable.publishing.forms import PublicSourceFilterForm
from answerable.recommendations import selectors as register
from answerable.recommendations.models import AssuranceStatus, DeliveryStatus

RECOMMENDATIONS_PER_PAGE = 50
SOURCES_PER_PAGE = 20
DELIVERY = DeliveryStatus.choices
ASSURANCE = AssuranceStatus.choices


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The public home for visitors; the signed-in go to their dashboard. A page of the
    published reports at a time, newest first, so a national site's hundreds cost what 20 do."""
    if request.user.is_authenticated:
        return redirect("recommendations:dashboard")
    page = paginate(request, register.public_source_list(), per_page=SOURCES_PER_PAGE)
    sources = list(page.object_list)
    summaries = register.public_summaries(sources=sources)
    return render(
        request,
        "publishing/register/home.html",
        {
            "title": _("Recommendations and what each partner has done"),
            "active_nav": "public_register",
            "sources": sources,
            "page": page,
            "pagination": pagination_params(request, page),
            "summaries": summaries,
            "chart": assurance_chart(sources=sources, summaries=summaries),
            "delivery": DELIVERY,
            "assurance": ASSURANCE,
        },
    )


@require_GET
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A published report: each partner's progress, and its recommendations, filtered.

    A filter value the form does not offer answers 400 with the error named, rather than a
    list that silently ignores it. The list is paged, so a report of 500 recommendations costs
    what one of 50 does.
    """
    source = register.public_source_get(pk=pk)
    overview = register.public_source_overview(source=source)
    form = PublicSourceFilterForm(
        request.GET or None,
        organisations=overview.owner_choices,
        themes=register.public_source_themes(source=source),
    )
    valid = not form.is_bound or form.is_valid()
    page = (
        paginate(
            request,
            register.public_source_recommendations(
                source=source, **(form.filters if form.is_bound else {})
            ),
            per_page=RECOMMENDATIONS_PER_PAGE,
        )
        if valid
        else None
    )
    if page is not None:
        page.object_list = register.with_public_actions(page.object_list)
    return render(
        request,
        "publishing/register/source.html",
        {
            "title": source.title,
            "active_nav": "public_register",
            "source": source,
            "summary": overview.summary,
            "owners": overview.owners,
            "form": form,
            "page_forms": [form],
            "is_filtered": valid and form.is_bound and form.is_filtered,
            "page": page,
            "pagination": pagination_params(request, page) if page else None,
            "delivery": DELIVERY,
            "assurance": ASSURANCE,
        },
        status=200 if valid else 400,
    )


@require_GET
def source_history(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed on a published report, newest first: the public changes its feed carries."""
    source = register.public_source_get(pk=pk)
    return render(
        request,
        "publishing/register/source_history.html",
        {
            "title": _("What changed: %(title)s") % {"title": source.title},
            "active_nav": "public_register",
            "source": source,
            "changes": register.public_changes(source=source),
        },
    )


@require_GET
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A published recommendation: each organisation's action, its target date changes, approved
    progress and published evidence; the assurance verdict and where it was given; history."""
    recommendation = register.public_recommendation_get(pk=pk)
    actions = register.public_actions(recommendation_ids=[recommendation.pk])[recommendation.pk]
    action_ids = [a.pk for a in actions]
    assessment = register.public_assurance(recommendation=recommendation)
    return render(
        request,
        "publishing/register/recommendation.html",
        {
            "title": f"{recommendation.reference}: {recommendation.source.title}",
            "active_nav": "public_register",
            "recommendation": recommendation,
            "actions": actions,
            "narratives": register.public_narratives(action_ids=action_ids),
            "evidence": register.public_evidence(action_ids=action_ids),
            "date_changes": register.public_date_changes(action_ids=action_ids),
            "assessment": assessment,
            "assurance_meeting": publishing.assurance_meeting(assessment=assessment),
            "successor": register.public_successor(recommendation=recommendation),
            "considerations": publishing.published_considerations(recommendation=recommendation),
            "changes": register.public_recommendation_changes(
                recommendation=recommendation, actions=actions
            ),
        },
    )


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A published evidence file, as an attachment. Evidence that is a link is not served
    here: the recommendation page links to it directly."""
    evidence = register.public_evidence_get(pk=pk)
    if not evidence.file:
        raise Http404("This evidence is a link")
    return stored_file_download(evidence.file, title=evidence.title, kind=evidence.file_kind)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Published recommendations matching the words asked for, a page at a time."""
    query = request.GET.get("q", "")[:200]
    results = register.public_search(query=query)
    keys = register.recommendation_sort()
    page = keyset_page(
        request, ordered(results, keys), keys, count=results.count(), related=("source",)
    )
    return render(
        request,
        "publishing/register/search.html",
        {
            "title": _("Search published recommendations"),
            "active_nav": "public_register",
            "query": query,
            "page": page,
            "pagination": keyset_pagination_params(page),
        },
    )


@require_safe
def changes_feed(request: HttpRequest, pk: int | None = None) -> HttpResponseBase:
    """An Atom feed of what changed on every published source, or on one; 304 Not Modified
    for a reader that has it already (its ETag is a digest of the feed)."""
    source = register.public_source_get(pk=pk) if pk is not None else None
    if source is None:
        title, link = _("Answerable: what changed on published recommendations"), reverse("home")
        feed_url = reverse("publishing:changes_feed")
    else:
        title = _("What changed: %(title)s") % {"title": source.title}
        link = reverse("publishing:public_source", args=[source.pk])
        feed_url = reverse("publishing:source_changes_feed", args=[source.pk])
    body = feeds.changes_atom(
        changes=register.public_changes(source=source),
        title=title,
        absolute=request.build_absolute_uri,
        link=link,
        feed_url=request.build_absolute_uri(feed_url),
    )
    return conditional_body(
        request, HttpResponse(body, content_type="application/atom+xml; charset=utf-8")
    )

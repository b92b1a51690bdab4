"""The pages run.py measures, whom each is measured as and the rows it shows from the data set."""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

API_LIST = "/api/v1/recommendations/"
# Recommendations with an off-track action, of one finding type, by deadline.
FILTERED = {"delivery_status": "off_track", "finding_type": "recommendation", "sort": "deadline"}
SEARCH = "missing children"
THEME_PAGE = "/indicators/themes/victims/"
# Issue #12: a page of someone who sees the whole register is held to 60 ms at p95, c1.
NATIONAL_VIEWER_MS = 60.0


@dataclass
class Page:
    key: str
    title: str
    persona: str
    path: str = ""
    skipped: str = ""  # why the page is not measured, when it is not
    stress: bool = False  # a worst case reported beside the targets, not one of them
    target_ms: float = 30.0  # the c1 p95 the page is held to (issues #5 and #12; #14's public)
    queries: int | None = None
    sql_ms: float | None = None  # the queries' own time in this process, as the page ran them
    raw_sql_ms: float | None = None  # median time to replay them with a plain cursor
    results: dict[str, dict[str, float]] = field(default_factory=dict)


def plan_pages(accounts: dict) -> list[Page]:  # type: ignore[type-arg]
    """The pages to measure, with the rows they show picked from the data set."""
    from django.db.models import Count
    from django.urls import reverse

    from answerable.accounts.models import User
    from answerable.recommendations import selectors

    personas = accounts["personas"]
    lead = User.objects.get(email=personas["lead"]["email"])
    register = reverse("recommendations:recommendation_list")
    actions = reverse("recommendations:action_list")
    dashboard = reverse("recommendations:dashboard")
    # The lead's busiest recommendation and action: the longest timelines they can open.
    recommendation = (
        selectors.recommendation_list(user=lead)
        .annotate(actions_count=Count("actions", distinct=True))
        .order_by("-actions_count", "-pk")
        .first()
    )
    action = (
        selectors.action_list(user=lead)
        .annotate(updates_count=Count("updates"))
        .order_by("-updates_count", "pk")
        .first()
    )
    search = f"{register}?{urlencode({'q': SEARCH})}"
    pages = [
        Page("dashboard", "Dashboard", "lead", dashboard),
        Page("dashboard_office", "Dashboard", "scrutiny", dashboard),
        Page("register_p1", "Register list, page 1", "lead", register),
        Page(
            "register_p1000",
            "Register list, page 1000",
            "national",
            page_1000(accounts),
            target_ms=NATIONAL_VIEWER_MS,
        ),
        Page(
            "register_filtered",
            "Register filtered and sorted",
            "lead",
            f"{register}?{urlencode(FILTERED)}",
        ),
        Page("search", "Full-text search", "lead", search),
        Page(
            "recommendation_detail",
            "Recommendation with timeline",
            "lead",
            recommendation.get_absolute_url() if recommendation else "",
        ),
        Page(
            "action_detail",
            "Action with timeline",
            "lead",
            action.get_absolute_url() if action else "",
        ),
        Page("action_list", "Action list", "lead", actions),
        api_page(),
    ]
    pages.append(meeting_page(accounts))
    pages.append(coverage_page(accounts, lead))
    pages += public_pages()
    pages += indicator_pages(lead)
    # The same pages for someone who sees the whole register: the worst case, not a target.
    pages += [
        Page("dashboard_national", "Dashboard", "national", dashboard, stress=True),
        Page("register_national_p1", "Register list, page 1", "national", register, stress=True),
        Page("search_national", "Full-text search", "national", search, stress=True),
        Page("action_list_national", "Action list", "national", actions, stress=True),
        Page(
            "indicator_theme_national",
            "Indicator theme page",
            "national",
            THEME_PAGE,
            stress=True,
            target_ms=80.0,
        ),
    ]
    for page in pages:
        if not page.path and not page.skipped:
            page.skipped = "nothing to show in this data set"
    return pages


def page_1000(accounts: dict[str, Any]) -> str:
    """The national viewer's register list from its 1,000th page: the link the 999th page's
    "next" gives (keyset paging, so the address names the row the page starts after)."""
    from django.urls import reverse

    from answerable.accounts.models import User
    from answerable.core.keyset import encode_position
    from answerable.recommendations import selectors

    viewer = User.objects.get(email=accounts["personas"]["national"]["email"])
    keys = selectors.recommendation_sort()
    listed = selectors.recommendation_filter(
        selectors.recommendation_list(user=viewer), user=viewer
    )
    row = listed.values_list(*(key.field for key in keys))[999 * 50 - 1 : 999 * 50]
    query = urlencode({"after": encode_position(row[0]), "page": 1000}) if row else "page=1000"
    return f"{reverse('recommendations:recommendation_list')}?{query}"


def api_page() -> Page:
    """The JSON API's recommendation list, 100 to a page, once the API exists."""
    from django.urls import Resolver404, resolve

    page = Page("api_list", "JSON API list of 100", "lead")
    try:
        resolve(API_LIST)
    except Resolver404:
        page.skipped = "not built"
    else:
        page.path = f"{API_LIST}?page_size=100"
    return page


def meeting_page(accounts: dict) -> Page:  # type: ignore[type-arg]
    """The office's most recent held meeting with the longest agenda, for its scrutiny officer."""
    from django.apps import apps
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    page = Page("meeting", "Meeting page", "scrutiny")
    try:
        reverse("meetings:meeting_detail", args=[1])
    except NoReverseMatch:
        page.skipped = "meetings app not built yet"
        return page
    if not apps.is_installed("answerable.meetings"):
        page.skipped = "meetings app not installed"
        return page
    from answerable.meetings.models import AccountabilityMeeting

    office = accounts["offices"][0]["office"]
    meeting = (
        AccountabilityMeeting.objects.filter(office__name=office, starts_at__lt=timezone.now())
        .annotate(items_count=Count("items"))
        .order_by("-items_count", "-starts_at")
        .first()
    )
    if meeting is not None:
        page.path = meeting.get_absolute_url()
    return page


def coverage_page(accounts: dict, lead) -> Page:  # type: ignore[no-untyped-def, type-arg]
    """A course's coverage page for the force's lead officer, once the workforce app has one."""
    from django.urls import NoReverseMatch, reverse

    page = Page("coverage", "Coverage page", "lead")
    try:
        reverse("workforce:course_coverage", args=[1])
    except NoReverseMatch:
        page.skipped = "workforce coverage page not built yet"
        return page
    from answerable.workforce.models import Course, Snapshot

    organisation_ids = lead.memberships.values("organisation_id")
    course = (
        Course.objects.filter(owner_id__in=organisation_ids, is_archived=False)
        .filter(owner__workforce_snapshots__isnull=False)
        .order_by("pk")
        .first()
    )
    if course is None or not Snapshot.objects.filter(organisation=course.owner).exists():
        page.skipped = "no workforce data (bench/workforce.py not run)"
        return page
    page.path = reverse("workforce:course_coverage", args=[course.pk])
    return page


# The public site's pages (issue #14), for a visitor who is not signed in: p95 within 50 ms, and
# a 500-recommendation report's CSV within 500 ms.
PUBLIC = "public"
PUBLIC_PAGE_MS = 50.0
PUBLIC_CSV_MS = 500.0


def public_pages() -> list[Page]:
    """The public home, the largest published report's page and CSV, its recommendation with
    the most to show, and the public API's first page of 100."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from answerable.recommendations import selectors

    pages = [Page("public_home", "Public home", PUBLIC, "/", target_ms=PUBLIC_PAGE_MS)]
    source = (
        selectors.public_source_list()
        .annotate(size=Count("recommendations", filter=Q(recommendations__is_archived=False)))
        .order_by("-size", "pk")
        .first()
    )
    if source is None:
        return [Page("public_home", "Public pages", PUBLIC, skipped="no source is published")]
    size = f"{source.size:,} recommendations"  # type: ignore[attr-defined]
    # The recommendation with the most to show: its assurance verdict given at a meeting
    # where one is, then the most approved text and target date changes.
    from answerable.meetings.models import ItemVerdict
    from answerable.recommendations.models import Assessment

    assessed = ItemVerdict.recorded_as.through.objects.values("assessment_id")
    at_meetings = Assessment.objects.filter(pk__in=assessed).values("recommendation_id")
    candidates = selectors.public_recommendation_filter().filter(pk__in=at_meetings)
    if not candidates.exists():
        candidates = selectors.public_recommendation_filter(source_id=source.pk)
    recommendation = (
        candidates.annotate(
            narrated=Count("actions__updates__public_narrative", distinct=True),
            evidenced=Count(
                "actions__evidence",
                filter=Q(actions__evidence__is_published=True),
                distinct=True,
            ),
            changed=Count("actions__date_changes", distinct=True),
        )
        .order_by("-narrated", "-evidenced", "-changed", "pk")
        .first()
    )
    pages += [
        Page(
            "public_source",
            f"Public report page ({size})",
            PUBLIC,
            reverse("publishing:public_source", args=[source.pk]),
            target_ms=PUBLIC_PAGE_MS,
        ),
        Page(
            "public_recommendation",
            "Public recommendation page",
            PUBLIC,
            reverse("publishing:public_recommendation", args=[recommendation.pk])
            if recommendation
            else "",
            target_ms=PUBLIC_PAGE_MS,
        ),
        Page(
            "public_csv",
            f"Public report CSV ({size})",
            PUBLIC,
            reverse("publishing:public_source_data", args=[source.pk, "csv"]),
            target_ms=PUBLIC_CSV_MS,
        ),
        Page(
            "public_api",
            "Public API list of 100",
            PUBLIC,
            f"{reverse('public_api:recommendations')}?page_size=100",
            target_ms=PUBLIC_PAGE_MS,
        ),
    ]
    return pages


def indicator_pages(lead) -> list[Page]:  # type: ignore[no-untyped-def]
    """Issue #16: the lead's indicator with the most category figures, as it opens and with
    one category chosen (p95 ≤ 50 ms), and the office's theme page (≤ 80 ms)."""
    from django.db.models import Count

    from answerable.indicators import selectors

    pages = [
        Page("indicator", "Indicator page with its breakdown", "lead", target_ms=50.0),
        Page("indicator_category", "Indicator page, one category chosen", "lead", target_ms=50.0),
        Page("indicator_theme", "Indicator theme page", "scrutiny", THEME_PAGE, target_ms=80.0),
    ]
    indicator = (
        selectors.indicator_list(user=lead)
        .annotate(figures=Count("breakdowns__categories__values"))
        .order_by("-figures", "pk")
        .first()
    )
    if indicator is None:
        for page in pages:
            page.skipped = "no indicators (generate.py --add-indicators)"
        return pages
    category = (
        indicator.breakdowns.order_by("pk").first().categories.order_by("position").first()
        if indicator.breakdowns.exists()
        else None
    )
    pages[0].path = indicator.get_absolute_url()
    if category is not None:
        pages[1].path = f"{indicator.get_absolute_url()}?category={category.pk}"
    return pages

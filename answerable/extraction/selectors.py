"""Who may review a report PDF's items, and the reads the review page needs."""

import re
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from answerable.accounts.models import User
from answerable.extraction.models import ExtractedItem, ExtractedReport, RecommendationOrigin
from answerable.organisations.models import Membership
from answerable.organisations.selectors import access_for

# Characters of the page shown either side of an item.
CONTEXT = 300


def can_review(*, user: User, report: ExtractedReport) -> bool:
    """The office's scrutiny officers, who import, review its reports."""
    return access_for(user).has_role(Membership.Role.SCRUTINY_OFFICER, report.organisation_id)


def extracted_report_get_for_user(*, user: User, pk: int) -> ExtractedReport:
    """The report if the user may review it; Http404 otherwise, so another office cannot
    tell it exists."""
    report = ExtractedReport.objects.select_related("organisation").filter(pk=pk).first()
    if report is None or not can_review(user=user, report=report):
        raise Http404
    return report


def extracted_item_get(*, report: ExtractedReport, pk: int) -> ExtractedItem:
    """One of the report's items; Http404 for another report's."""
    item = report.items.filter(pk=pk).first()
    if item is None:
        raise Http404
    item.report = report
    return item


def extracted_item_list(*, report: ExtractedReport) -> QuerySet[ExtractedItem]:
    return report.items.order_by("position", "pk")


@dataclass(frozen=True)
class Excerpt:
    """The page's text around an item: `marked` is the item as the page prints it, or empty
    when the page's text does not hold it (an item the office rewrote or added)."""

    before: str
    marked: str
    after: str


def page_excerpt(*, report: ExtractedReport, item: ExtractedItem) -> Excerpt | None:
    """The item's text within its page's text, with some of the page either side."""
    page = " ".join(str(report.page_texts.get(str(item.page), "")).split())
    if not page:
        return None
    start, length = _find(page, " ".join(item.text.split()))
    if start < 0:
        return Excerpt(before="", marked="", after=_clip(page[: CONTEXT * 2], end=True))
    before = page[max(0, start - CONTEXT) : start]
    after = page[start + length : start + length + CONTEXT]
    return Excerpt(
        before=("…" if start > CONTEXT else "") + before,
        marked=page[start : start + length],
        after=after + ("…" if start + length + CONTEXT < len(page) else ""),
    )


def _find(page: str, text: str) -> tuple[int, int]:
    """Where the item starts on the page and how much of the page it covers. The item's
    text joins words the page hyphenates at a line's end, and may run on to the next page,
    so its opening words are sought, then as much of it as the page holds."""
    if not text:
        return -1, 0
    lowered = page.lower()
    start = lowered.find(text.lower())
    if start >= 0:
        return start, len(text)
    words = text.split()
    for count in (12, 8, 5, 3):
        head = " ".join(words[:count])
        if len(words) >= count and (start := lowered.find(head.lower())) >= 0:
            break
    else:
        return -1, 0
    # Follow the item word by word, allowing a hyphen and space where a word was broken,
    # until the page ends or differs.
    end = start
    for word in words:
        pattern = r"\s*" + r"(?:-\s?)?".join(re.escape(ch) for ch in word)
        match = re.compile(pattern, re.IGNORECASE).match(page, end)
        if match is None:
            break
        end = match.end()
    return start, end - start


def _clip(text: str, *, end: bool) -> str:
    return text + "…" if end and len(text) >= CONTEXT * 2 else text


def extracted_report_recommendations(*, report: ExtractedReport) -> list[RecommendationOrigin]:
    """The recommendations imported from the report, in the register's order, with their
    pages."""
    return list(
        RecommendationOrigin.objects.filter(report=report)
        .select_related("recommendation__source")
        .order_by("recommendation__position", "recommendation__pk")
    )

"""Reads for publishing: the snapshot of what may go out, and what has gone out.

The snapshot is built here and nowhere else. It leaves out every item marked sensitive (with its
questions, papers, verdict and actions), every paper that is OFFICIAL-SENSITIVE or not marked for
publication, and renumbers what is left so gaps do not show where something was withheld.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from answerable.core.prepared import prepared_list
from answerable.indicators.meeting_snapshots import (
    public_agenda_item_figures,
    unpublishable_indicator_names,
)
from answerable.meetings import selectors as meeting_selectors
from answerable.meetings.models import (
    AccountabilityMeeting,
    Marking,
    MeetingAction,
)
from answerable.meetings.selectors_verdicts import verdict_items_of_assessments
from answerable.publishing.models import Publication
from answerable.recommendations import selectors as register
from answerable.recommendations.models import Assessment, Recommendation


def _when(value: Any) -> str:
    """GOV.UK style: '31 March 2023 at 10am', '11 December 2023 at 10:30am'."""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{date_format(local, 'j F Y')} at {hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def _day(value: Any) -> str:
    return date_format(value, "j F Y") if value else ""


def _action(action: MeetingAction, today: Any) -> dict[str, Any]:
    return {
        "reference": action.reference,
        "description": action.description,
        "owner": action.owner.name,
        "owner_person": action.owner_person,
        "due_on": action.due_on.isoformat() if action.due_on else None,
        "due_text": _day(action.due_on) or "No date set",
        "status": action.get_status_display(),
        "is_overdue": action.is_overdue_on(today),
        "meeting": action.meeting.title,
    }


def summary_content(*, meeting: AccountabilityMeeting) -> dict[str, Any]:
    """Build the public snapshot of the meeting from its structured record."""
    today = timezone.localdate()
    sensitive_ids: set[int] = set()
    items: list[dict[str, Any]] = []
    agenda = list(meeting_selectors.meeting_agenda(meeting=meeting))
    # Only recommendations of reports on the public site are named: the summary must not be
    # the way an unpublished report's title or text gets out (issue #14).
    considered = [r.pk for item in agenda for r in item.recommendations.all()]
    public_ids = set(
        register.public_recommendations_among(pks=considered).values_list("pk", flat=True)
    )
    # Only indicators on the public site, as fixed for the meeting, small counts withheld.
    figures = public_agenda_item_figures(item_ids=[i.pk for i in agenda if not i.is_sensitive])
    for item in agenda:
        if item.is_sensitive:
            sensitive_ids.add(item.pk)
            continue
        verdict = getattr(item, "verdict", None)
        entry: dict[str, Any] = {
            "id": item.pk,
            "number": len(items) + 1,
            "title": item.title,
            "theme": item.theme.name if item.theme else "",
            "description": item.description,
            "is_action_review": item.is_action_review,
            "recommendations": [
                {"reference": r.reference, "source": r.source.title, "text": r.text}
                for r in item.recommendations.all()
                if r.pk in public_ids
            ],
            "papers": [
                {"id": p.pk, "title": p.title, "kind": p.file_kind, "size": p.size}
                for p in item.papers.all()
                if p.is_published and p.marking == Marking.OFFICIAL
            ],
            "questions": [
                {
                    "text": q.text,
                    "asked_by": q.asked_by,
                    "is_prepared": q.is_prepared,
                    "responses": [
                        {
                            "text": r.text,
                            "given_by": r.given_by_name
                            + (
                                f", {r.given_by_organisation.name}"
                                if r.given_by_organisation
                                else ""
                            ),
                        }
                        for r in q.responses.all()
                    ],
                }
                for q in item.questions.all()
            ],
            "verdict": (
                {
                    "verdict": verdict.verdict,
                    "label": verdict.get_verdict_display(),
                    "rationale": verdict.rationale,
                }
                if verdict
                else None
            ),
            "actions": [_action(a, today) for a in item.meeting_actions.all()],
            "figures": figures.get(item.pk, []),
            "review": [],
        }
        if item.is_action_review:
            entry["review"] = [
                _action(a, today)
                for a in meeting_selectors.action_review_list(meeting=meeting)
                if a.item is None or not a.item.is_sensitive
            ]
        items.append(entry)
    actions = [
        _action(a, today)
        for a in meeting_selectors.meeting_actions_raised(meeting=meeting)
        if a.item_id not in sensitive_ids
    ]
    return {
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "kind": meeting.get_kind_display(),
            "starts_at": meeting.starts_at.isoformat(),
            "when": _when(meeting.starts_at),
            "venue": meeting.venue,
            "online_url": meeting.online_url,
            "chair": meeting.chair_display,
            "office": meeting.office.name,
        },
        "attendees": [
            {
                "name": a.name,
                "organisation": a.organisation.name if a.organisation else "",
                "role": a.role,
            }
            for a in meeting_selectors.meeting_attendees(meeting=meeting)
        ],
        "items": items,
        "actions": actions,
        "built_at": timezone.now().isoformat(),
    }


def snapshot_problems(*, content: dict[str, Any]) -> list[str]:
    """What in a reviewed snapshot has since become unpublishable, in words for the officer."""
    item_ids = [item["id"] for item in content.get("items", [])]
    paper_ids = [p["id"] for item in content.get("items", []) for p in item["papers"]]
    problems = [
        _("Agenda item '%(title)s' is now marked sensitive") % {"title": title}
        for title in meeting_selectors.agenda_item_titles_sensitive(item_ids=item_ids)
    ]
    problems += [
        _("Paper '%(title)s' is no longer publishable") % {"title": title}
        for title in meeting_selectors.paper_titles_unpublishable(paper_ids=paper_ids)
    ]
    indicator_ids = [
        f["indicator_id"] for item in content.get("items", []) for f in item.get("figures", [])
    ]
    problems += [
        _("Indicator '%(name)s' is no longer published") % {"name": name}
        for name in unpublishable_indicator_names(indicator_ids=indicator_ids)
    ]
    return problems


# --- publications --------------------------------------------------------------------------


def publication_for_meeting(*, meeting: AccountabilityMeeting) -> Publication | None:
    """Return the meeting's publication in whatever state, or None if none was drafted."""
    return Publication.objects.filter(meeting=meeting).first()


def published_list() -> QuerySet[Publication]:
    """Published summaries, newest first: everything the public may read."""
    return (
        Publication.objects.filter(status=Publication.Status.PUBLISHED)
        .select_related("meeting", "meeting__office")
        .order_by("-published_at", "-id")
    )


def publication_get_public(*, pk: int) -> Publication:
    """Return a published summary; drafts and summaries in review are 404 to everyone."""
    try:
        return published_list().get(pk=pk)
    except Publication.DoesNotExist:
        raise Http404("No such summary") from None


def published_paper_ids(*, publication: Publication) -> set[int]:
    """The papers listed in a published snapshot."""
    return {p["id"] for item in publication.content.get("items", []) for p in item["papers"]}


def published_by_meeting(*, meeting_ids: list[int]) -> dict[int, Publication]:
    """Published summaries keyed by meeting, for linking to them from the calendar."""
    return {p.meeting_id: p for p in published_list().filter(meeting_id__in=meeting_ids)}


# --- published summaries and the public register ---------------------------------------------
#
# Both directions read the agenda items from the published snapshot, so a link appears only for
# an item the public can already read in the summary, and the recommendations through the public
# register, so only those of published reports are linked. An item marked sensitive since its
# summary was published is left out too.


@dataclass(frozen=True)
class Consideration:
    """A published summary's agenda item that considered a recommendation, as published."""

    publication: Publication
    number: int
    title: str
    verdict: str  # the verdict's label as published; empty where none was given


def published_considerations(*, recommendation: Recommendation) -> list[Consideration]:
    """The published summaries whose public items considered a public recommendation, newest
    first. The caller has read the recommendation through the public register."""
    items = meeting_selectors.public_agenda_items_considering(recommendation_id=recommendation.pk)
    item_ids = {pk for pk, _meeting in items}
    found: list[Consideration] = []
    meeting_ids = {m for _pk, m in items}
    for publication in prepared_list(
        "published_of_meetings", Publication, _published_of, meeting_ids
    ):
        for item in publication.content.get("items", []):
            if item["id"] in item_ids:
                verdict = (item.get("verdict") or {}).get("label", "")
                found.append(Consideration(publication, item["number"], item["title"], verdict))
    return found


def _published_of(meeting_ids: frozenset[int]) -> QuerySet[Publication]:
    # Its SQL built once per process (core.prepared): every public recommendation page asks.
    return published_list().filter(meeting_id__in=meeting_ids).defer("html")


def assurance_meeting(*, assessment: Assessment | None) -> Consideration | None:
    """The published summary's item whose verdict a public recommendation's assessment was
    recorded from, or None when the verdict was not given at a meeting, or the meeting's
    summary is not published, or the summary leaves that item out. The caller has read the
    assessment through the public register."""
    if assessment is None:
        return None
    found = verdict_items_of_assessments(assessment_ids=[assessment.pk]).get(assessment.pk)
    if found is None:
        return None
    item_id, meeting_id = found
    published = prepared_list("published_of_meetings", Publication, _published_of, {meeting_id})
    if not published:
        return None
    publication = published[0]
    for item in publication.content.get("items", []):
        if item["id"] == item_id:
            verdict = (item.get("verdict") or {}).get("label", "")
            return Consideration(publication, item["number"], item["title"], verdict)
    return None


@dataclass(frozen=True)
class ConsideredItem:
    """A published summary's agenda item and the public recommendations it considered."""

    number: int
    title: str
    verdict: str
    recommendations: list[Recommendation]


def published_summary_recommendations(*, publication: Publication) -> list[ConsideredItem]:
    """The public recommendations each public item of a published summary considered, in the
    summary's order; items that considered none are left out."""
    if not publication.is_published:
        return []
    items = {item["id"]: item for item in publication.content.get("items", [])}
    links = meeting_selectors.public_agenda_item_recommendation_ids(
        item_ids=list(items), meeting_id=publication.meeting_id
    )
    public = register.public_recommendations_among(pks=[r for _item, r in links])
    items_of: dict[int, list[int]] = {}
    for item_id, recommendation_id in links:
        items_of.setdefault(recommendation_id, []).append(item_id)
    by_item: dict[int, list[Recommendation]] = {}
    for recommendation in public:
        for item_id in items_of[recommendation.pk]:
            by_item.setdefault(item_id, []).append(recommendation)
    return [
        ConsideredItem(
            item["number"],
            item["title"],
            (item.get("verdict") or {}).get("label", ""),
            by_item[item_id],
        )
        for item_id, item in items.items()
        if item_id in by_item
    ]

"""What the public site may show of the register: only sources their office has published.

Every public page, download and feed reads through here, so publishing a source, or taking it
off, changes all of them at once. Only the fields named here leave the register: an action's
owner, target date and statuses, never its internal description, updates or evidence.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from answerable.recommendations.models import (
    OPEN_STATUSES,
    Action,
    Assessment,
    DeliveryStatus,
    PublicNarrative,
    Recommendation,
    Source,
    Update,
)
from answerable.recommendations.search import recommendation_search

# An action's fields the public may see: read alone, so a page has nothing else to show.
PUBLIC_ACTION_FIELDS = (
    "id",
    "recommendation_id",
    "owner__name",
    "target_on",
    "delivery_status",
    "assurance_status",
)


@dataclass
class PublicSummary:
    """A published source's progress: its recommendations and actions counted."""

    recommendations: int = 0
    by_assurance: dict[str, int] = field(default_factory=dict)  # recommendations
    by_delivery: dict[str, int] = field(default_factory=dict)  # actions
    overdue: int = 0  # open actions past their target date


def public_source_list() -> QuerySet[Source]:
    """The sources on the public site, newest report first."""
    return (
        Source.objects.filter(public_since__isnull=False, is_archived=False)
        .select_related("owner")
        .order_by("-published_on", "title", "id")
    )


def public_source_get(*, pk: int) -> Source:
    """The source if it is on the public site; raise Http404 otherwise."""
    try:
        return public_source_list().get(pk=pk)
    except Source.DoesNotExist:
        raise Http404("No such report") from None


def _published_recommendations() -> QuerySet[Recommendation]:
    """Every recommendation the public may see: live, under a public source."""
    return Recommendation.objects.filter(
        is_archived=False, source__public_since__isnull=False, source__is_archived=False
    )


def public_recommendation_filter(
    *,
    source_id: int | None = None,
    organisation_id: int | None = None,
    delivery_status: str | None = None,
    assurance_status: str | None = None,
) -> QuerySet[Recommendation]:
    """Public recommendations with a source, or with an action of an organisation or in a
    delivery status, or in an assurance status; each filter narrows the last. Their public
    actions come prefetched."""
    recommendations = _published_recommendations()
    if source_id is not None:
        recommendations = recommendations.filter(source_id=source_id)
    if assurance_status is not None:
        recommendations = recommendations.filter(assurance_status=assurance_status)
    actions = Action.objects.filter(is_archived=False)
    if organisation_id is not None:
        actions = actions.filter(owner_id=organisation_id)
    if delivery_status is not None:
        actions = actions.filter(delivery_status=delivery_status)
    if organisation_id is not None or delivery_status is not None:
        recommendations = recommendations.filter(pk__in=actions.values("recommendation_id"))
    public_fields = Action.objects.filter(is_archived=False).select_related("owner")
    return recommendations.select_related("source").prefetch_related(
        Prefetch(
            "actions",
            queryset=public_fields.only(*PUBLIC_ACTION_FIELDS, "updated_at").order_by(
                "owner__name", "id"
            ),
            to_attr="public_actions",
        )
    )


def public_source_recommendations(
    *,
    source: Source,
    organisation_id: int | None = None,
    delivery_status: str | None = None,
    assurance_status: str | None = None,
) -> QuerySet[Recommendation]:
    """A public source's recommendations matching the filters, in the report's order, each
    with all its public actions prefetched (as `public_actions`)."""
    return public_recommendation_filter(
        source_id=public_source_get(pk=source.pk).pk,
        organisation_id=organisation_id,
        delivery_status=delivery_status,
        assurance_status=assurance_status,
    ).order_by("position", "id")


def public_source_owners(*, source: Source) -> list[tuple[int, str]]:
    """The organisations with a live action on a public source, as (id, name) by name."""
    return list(
        Action.objects.filter(
            recommendation__in=_published_recommendations().filter(source_id=source.pk),
            is_archived=False,
        )
        .order_by("owner__name", "owner_id")
        .values_list("owner_id", "owner__name")
        .distinct()
    )


def public_recommendation_get(*, pk: int) -> Recommendation:
    """The recommendation if its source is on the public site; raise Http404 otherwise."""
    try:
        return _published_recommendations().select_related("source", "source__owner").get(pk=pk)
    except Recommendation.DoesNotExist:
        raise Http404("No such recommendation") from None


def public_recommendations_among(*, pks: list[int]) -> QuerySet[Recommendation]:
    """Those of the given recommendations the public may see, by report and position."""
    return (
        _published_recommendations()
        .filter(pk__in=pks)
        .select_related("source")
        .order_by("source__title", "source_id", "position", "id")
    )


def public_successor(*, recommendation: Recommendation) -> Recommendation | None:
    """The recommendation that supersedes this one, if the public may see it too."""
    if recommendation.superseded_by_id is None:
        return None
    return (
        _published_recommendations()
        .select_related("source")
        .filter(pk=recommendation.superseded_by_id)
        .first()
    )


def public_actions(*, recommendation_ids: list[int]) -> dict[int, list[Action]]:
    """Each public recommendation's actions, by owner name, as the public may see them."""
    rows = (
        Action.objects.filter(
            recommendation__in=_published_recommendations().filter(pk__in=recommendation_ids),
            is_archived=False,
        )
        .select_related("owner")
        .only(*PUBLIC_ACTION_FIELDS)
        .order_by("owner__name", "id")
    )
    actions: dict[int, list[Action]] = {pk: [] for pk in recommendation_ids}
    for action in rows:
        actions[action.recommendation_id].append(action)
    return actions


def public_narratives(*, action_ids: list[int]) -> dict[int, PublicNarrative]:
    """The latest approved public narrative of each public action, by action id."""
    approved = (
        PublicNarrative.objects.filter(
            status=PublicNarrative.Status.APPROVED,
            update__action_id__in=action_ids,
            update__action__recommendation__in=_published_recommendations(),
        )
        .annotate(action_id=F("update__action_id"))
        .only("text", "reviewed_at", "update_id")
        .order_by("reviewed_at", "pk")
    )
    return {narrative.action_id: narrative for narrative in approved}


def public_assurance(*, recommendation: Recommendation) -> Assessment | None:
    """The latest assurance verdict on a public recommendation, for its verdict and date."""
    public_recommendation_get(pk=recommendation.pk)
    return (
        Assessment.objects.filter(recommendation=recommendation)
        .only("verdict", "created_at")
        .order_by("-created_at", "-id")
        .first()
    )


def public_summaries(
    *, sources: list[Source], today: datetime.date | None = None
) -> dict[int, PublicSummary]:
    """Each public source's recommendations by assurance and actions by delivery status."""
    today = today or timezone.localdate()
    ids = list(
        public_source_list().filter(pk__in=[s.pk for s in sources]).values_list("pk", flat=True)
    )
    summaries = {pk: PublicSummary() for pk in ids}
    recommendations = (
        Recommendation.objects.filter(source_id__in=ids, is_archived=False)
        .order_by()
        .values_list("source_id", "assurance_status")
        .annotate(Count("id"))
    )
    for source_id, status, count in recommendations:
        summaries[source_id].by_assurance[status] = count
        summaries[source_id].recommendations += count
    overdue = Q(delivery_status__in=OPEN_STATUSES, is_superseded=False, target_on__lt=today)
    actions = (
        Action.objects.filter(source_id__in=ids, is_archived=False)
        .order_by()
        .values_list("source_id", "delivery_status")
        .annotate(Count("id"), overdue=Count("id", filter=overdue))
    )
    for source_id, status, count, late in actions:
        summaries[source_id].by_delivery[status] = count
        summaries[source_id].overdue += late
    return summaries


def public_owner_summary(*, source: Source) -> list[tuple[str, dict[str, int]]]:
    """A public source's actions counted by owner and delivery status, owners by name."""
    rows = (
        Action.objects.filter(source_id=public_source_get(pk=source.pk).pk, is_archived=False)
        .order_by("owner__name")
        .values_list("owner__name", "delivery_status")
        .annotate(Count("id"))
    )
    owners: dict[str, dict[str, int]] = {}
    for name, status, count in rows:
        owners.setdefault(name, {})[status] = count
    return list(owners.items())


# The open data's columns, in order, each with what it holds (the data dictionary page).
OPEN_DATA_COLUMNS = (
    ("report_id", _("The report's identifier here; it never changes.")),
    ("report", _("The report's title.")),
    ("publisher", _("Who published the report.")),
    ("recommendation_id", _("The recommendation's identifier here; it never changes.")),
    ("reference", _("The recommendation's number or reference in the report.")),
    ("recommendation", _("The recommendation's text, as the report words it.")),
    ("finding_type", _("Recommendation, cause of concern or area for improvement.")),
    ("recommendation_assurance", _("Whether the office is assured the recommendation is met.")),
    (
        "superseded_by_id",
        _("The identifier of the later recommendation that replaces it; empty if none."),
    ),
    ("action_id", _("The action's identifier here; empty where no organisation has one yet.")),
    ("organisation", _("The organisation responsible for the action.")),
    ("target_date", _("When the organisation plans to finish (YYYY-MM-DD); may be empty.")),
    ("delivery_status", _("What the organisation reports of its progress.")),
    ("action_assurance", _("Whether the office is assured the organisation's action is done.")),
    ("last_updated", _("The day the recommendation or action last changed (YYYY-MM-DD).")),
)


def public_open_data_rows(*, source: Source | None = None) -> list[tuple[Any, ...]]:
    """One row an action (or a recommendation with none) of every public source, or of one,
    with only the columns in OPEN_DATA_COLUMNS."""
    sources = public_source_list()
    if source is not None:
        sources = sources.filter(pk=source.pk)
    recommendations = list(
        Recommendation.objects.filter(source__in=sources, is_archived=False)
        .order_by("source__title", "source_id", "position", "id")
        .values_list(
            "id",
            "source_id",
            "source__title",
            "source__publisher",
            "reference",
            "text",
            "finding_type",
            "assurance_status",
            "superseded_by_id",
            "updated_at",
        )
    )
    actions: dict[int, list[tuple[Any, ...]]] = {}
    for recommendation_id, *action in (
        Action.objects.filter(source__in=sources, is_archived=False)
        .order_by("owner__name", "id")
        .values_list(
            "recommendation_id",
            "id",
            "owner__name",
            "target_on",
            "delivery_status",
            "assurance_status",
            "updated_at",
        )
    ):
        actions.setdefault(recommendation_id, []).append(tuple(action))
    rows: list[tuple[Any, ...]] = []
    for pk, *recommendation, updated in recommendations:
        shared = (*recommendation[:3], pk, *recommendation[3:])
        for *action, changed in actions.get(pk, [(None, "", None, "", "", updated)]):
            last_updated = timezone.localdate(max(updated, changed))
            rows.append((*shared, *action, last_updated))
    return rows


def public_search(*, query: str) -> QuerySet[Recommendation]:
    """Published recommendations matching every word of the query in their text, reference,
    addressees or report's title (the register's full-text search)."""
    return recommendation_search(_published_recommendations(), query).select_related("source")


@dataclass(frozen=True)
class PublicChange:
    """One dated change to a public recommendation, worded for the public."""

    at: datetime.datetime
    key: str  # stable across reads, for a feed entry's id
    recommendation_id: int
    reference: str
    report: str
    title: str
    text: str


def public_changes(*, source: Source | None = None, limit: int = 50) -> list[PublicChange]:
    """The newest changes the public may see: approved progress text, delivery status moves
    and assurance verdicts on published recommendations, of every public source or of one.

    An update's own narrative is internal: a status move says only what moved.
    """
    recommendations = _published_recommendations()
    if source is not None:
        recommendations = recommendations.filter(source_id=public_source_get(pk=source.pk).pk)
    actions = Action.objects.filter(recommendation__in=recommendations, is_archived=False)
    related = ("action__owner", "action__recommendation__source")
    changes: list[PublicChange] = []
    for narrative in (
        PublicNarrative.objects.filter(
            status=PublicNarrative.Status.APPROVED, update__action__in=actions
        )
        .select_related(*(f"update__{r}" for r in related))
        .order_by("-reviewed_at", "-pk")[:limit]
    ):
        action = narrative.update.action
        changes.append(
            _change(
                narrative.reviewed_at or narrative.created_at, f"narrative-{narrative.pk}",
                action.recommendation,
                _("Progress from %(owner)s") % {"owner": action.owner.name}, narrative.text,
            )
        )  # fmt: skip
    labels = dict(DeliveryStatus.choices)
    for update in (
        Update.objects.filter(action__in=actions)
        .exclude(status_before=F("status_after"))
        .select_related(*related)
        .order_by("-created_at", "-pk")[:limit]
    ):
        action = update.action
        before, after = labels[update.status_before], labels[update.status_after]
        changes.append(
            _change(
                update.created_at, f"status-{update.pk}", action.recommendation,
                _("%(owner)s: %(status)s") % {"owner": action.owner.name, "status": after},
                _("Delivery status moved from %(before)s to %(after)s.")
                % {"before": before, "after": after},
            )
        )  # fmt: skip
    verdicts = dict(Assessment.Verdict.choices)
    for assessment in (
        Assessment.objects.filter(recommendation__in=recommendations)
        .select_related("recommendation__source")
        .order_by("-created_at", "-pk")[:limit]
    ):
        changes.append(
            _change(
                assessment.created_at, f"verdict-{assessment.pk}", assessment.recommendation,
                _("Assurance: %(verdict)s") % {"verdict": verdicts[assessment.verdict]},
                _("The office's assurance verdict on the recommendation is now: %(verdict)s.")
                % {"verdict": verdicts[assessment.verdict]},
            )
        )  # fmt: skip
    return sorted(changes, key=lambda change: (change.at, change.key), reverse=True)[:limit]


def _change(
    at: datetime.datetime, key: str, recommendation: Any, title: str, text: str
) -> PublicChange:
    return PublicChange(
        at=at,
        key=key,
        recommendation_id=recommendation.pk,
        reference=recommendation.reference,
        report=recommendation.source.title,
        title=f"{recommendation.reference}: {title}",
        text=text,
    )

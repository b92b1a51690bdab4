"""What a public recommendation's page shows beyond its statuses (issue #14): each action's
target date changes with their reasons and the evidence published with its approved progress,
and the themes a public report's filter offers. Read only through `public`'s rule.

Evidence is public only when all of these hold: it is marked OFFICIAL (OFFICIAL-SENSITIVE
evidence can never be marked for publication: a database rule), its uploader marked it for
publication, the update it came with has public text the office approved, and its action and
recommendation are live under a published source.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from answerable.core.prepared import prepared_list
from answerable.core.prepared_rows import prepared_rows
from answerable.recommendations.models import (
    Evidence,
    PublicNarrative,
    Recommendation,
    Source,
    TargetDateChange,
    Theme,
)
from answerable.recommendations.selectors.public import published_q

# Evidence's fields the public may see: never who uploaded it, nor its stored file name.
PUBLIC_EVIDENCE_FIELDS = ("id", "action_id", "title", "file_kind", "size", "link", "created_at")


def _of_public_actions() -> Q:
    """The row's action is live, on a public recommendation."""
    return Q(action__is_archived=False) & published_q("action__recommendation__")


def _public_evidence() -> QuerySet[Evidence]:
    return Evidence.objects.filter(
        _of_public_actions(),
        marking=Evidence.Marking.OFFICIAL,
        is_published=True,
        update__public_narrative__status=PublicNarrative.Status.APPROVED,
    )


def public_evidence(*, action_ids: list[int]) -> dict[int, list[Evidence]]:
    """The evidence published with each public action's approved progress, oldest first."""
    found: dict[int, list[Evidence]] = {pk: [] for pk in action_ids}
    for evidence in prepared_list("public_evidence", Evidence, _evidence_of, action_ids):
        found[evidence.action_id].append(evidence)
    return found


def _evidence_of(action_ids: frozenset[int]) -> QuerySet[Evidence]:
    return (
        _public_evidence()
        .filter(action_id__in=action_ids)
        .only(*PUBLIC_EVIDENCE_FIELDS)
        .order_by("created_at", "id")
    )


def public_evidence_get(*, pk: int) -> Evidence:
    """Published evidence the public may download; raise Http404 for any other."""
    try:
        return _public_evidence().get(pk=pk)
    except Evidence.DoesNotExist:
        raise Http404("No such evidence") from None


def public_date_changes(*, action_ids: list[int]) -> dict[int, list[TargetDateChange]]:
    """Every change of each public action's target date with its reason, oldest first."""
    found: dict[int, list[TargetDateChange]] = {pk: [] for pk in action_ids}
    for change in prepared_list(
        "public_date_changes", TargetDateChange, _date_changes_of, action_ids
    ):
        found[change.action_id].append(change)
    return found


def _date_changes_of(action_ids: frozenset[int]) -> QuerySet[TargetDateChange]:
    return (
        TargetDateChange.objects.filter(_of_public_actions(), action_id__in=action_ids)
        .only("action_id", "previous_on", "new_on", "reason", "created_at")
        .order_by("created_at", "id")
    )


def public_source_themes(*, source: Source) -> list[tuple[int, str]]:
    """The themes of a public source's live recommendations, as (id, name) by name. Its SQL
    is built once per process (core.prepared): every public report page reads it."""
    rows = prepared_rows("public_source_themes", Theme, _themes_of, source.pk)
    return [(pk, name) for pk, name in rows]


def _themes_of(source_id: int) -> QuerySet[Any, Any]:
    return (
        Theme.objects.filter(
            pk__in=Recommendation.themes.through.objects.filter(
                published_q("recommendation__"), recommendation__source_id=source_id
            ).values("theme_id")
        )
        .order_by("name", "id")
        .values_list("id", "name")
    )

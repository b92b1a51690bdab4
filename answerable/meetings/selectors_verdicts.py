"""Which meeting gave an assurance verdict: the agenda items whose verdicts were recorded as
assessments of the register (issue #14), for the publishing app."""

from typing import Any

from django.db.models import QuerySet

from answerable.core.prepared_rows import prepared_rows
from answerable.meetings.models import ItemVerdict


def verdict_items_of_assessments(*, assessment_ids: list[int]) -> dict[int, tuple[int, int]]:
    """For each assessment recorded from an item's verdict, that item's id and its meeting's,
    by assessment id. Items marked sensitive are left out: they never name a meeting publicly."""
    rows = prepared_rows("verdict_items", ItemVerdict, _verdict_items, assessment_ids)
    return {assessment_id: (item_id, meeting_id) for assessment_id, item_id, meeting_id in rows}


def _verdict_items(assessment_ids: frozenset[int]) -> QuerySet[Any, Any]:
    # Its SQL built once per process (core.prepared): every public recommendation page asks.
    return ItemVerdict.recorded_as.through.objects.filter(
        assessment_id__in=assessment_ids, itemverdict__item__is_sensitive=False
    ).values_list("assessment_id", "itemverdict__item_id", "itemverdict__item__meeting_id")

"""Which meeting gave an assurance verdict: the agenda items whose verdicts were recorded as
assessments of the register (issue #14), for the publishing app."""

from answerable.meetings.models import ItemVerdict


def verdict_items_of_assessments(*, assessment_ids: list[int]) -> dict[int, tuple[int, int]]:
    """For each assessment recorded from an item's verdict, that item's id and its meeting's,
    by assessment id. Items marked sensitive are left out: they never name a meeting publicly."""
    rows = ItemVerdict.recorded_as.through.objects.filter(
        assessment_id__in=assessment_ids, itemverdict__item__is_sensitive=False
    ).values_list("assessment_id", "itemverdict__item_id", "itemverdict__item__meeting_id")
    return {assessment_id: (item_id, meeting_id) for assessment_id, item_id, meeting_id in rows}

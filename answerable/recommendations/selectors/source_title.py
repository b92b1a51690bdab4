"""Recommendations read by the title of the source they are in, for another app's importer
(extraction) to find what an import under that title created."""

from django.db.models import QuerySet

from answerable.organisations.models import Organisation
from answerable.recommendations.models import Recommendation


def recommendation_list_by_source_title(
    *, owner: Organisation, title: str
) -> QuerySet[Recommendation]:
    """The owner's recommendations in its source titled `title`, case aside (as the importer
    matches a source by title); not scoped to a user: the caller has checked who may read."""
    return Recommendation.objects.filter(source__owner=owner, source__title__iexact=title)

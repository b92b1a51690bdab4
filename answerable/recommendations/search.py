"""Full-text search over recommendations, one service whatever the database.

TODO(#2): SQLite FTS5 and PostgreSQL search; this first version matches words with icontains.
"""

from django.db.models import Q, QuerySet

from answerable.recommendations.models import Recommendation


def recommendation_search(queryset: QuerySet[Recommendation], query: str) -> QuerySet[Recommendation]:
    """Return the recommendations whose reference or text contain every word of the query."""
    for word in query.split():
        queryset = queryset.filter(Q(reference__icontains=word) | Q(text__icontains=word))
    return queryset

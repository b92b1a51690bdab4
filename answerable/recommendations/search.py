"""Full-text search over recommendations, one service whatever the database (ADR 0005).

SQLite uses the FTS5 index `recommendations_recommendation_fts` (migration
0002_recommendation_search); PostgreSQL uses its own text search over the stored column
`search_document`, with a GIN index (migration 0004_recommendation_search_column). Neither
is a model field: each exists on one database only.
"""

from django.db import connections
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from answerable.recommendations.models import Recommendation

FTS_TABLE = "recommendations_recommendation_fts"
# The column's configuration, in migration 0004; websearch_to_tsquery must use the same one.
SEARCH_CONFIG = "english"


def search_words(query: str) -> list[str]:
    """Split the query into words that contain at least one letter or digit."""
    # NUL cannot be sent to PostgreSQL and ends an FTS5 string early.
    query = query.replace("\x00", " ")
    return [word for word in query.split() if any(char.isalnum() for char in word)]


def fts5_query(words: list[str]) -> str:
    """Build an FTS5 query that matches every word, the last one as a prefix.

    Each word becomes a quoted string, so FTS5 operators and syntax in user input
    (AND, NEAR, *, ^, column filters, stray quotes) are read as plain text.
    """
    phrases = ['"{}"'.format(word.replace('"', '""')) for word in words]
    phrases[-1] += "*"
    return " AND ".join(phrases)


def recommendation_search(
    queryset: QuerySet[Recommendation], query: str
) -> QuerySet[Recommendation]:
    """Return the recommendations in the queryset that match every word of the query.

    Words are stemmed ("train" finds "training") and searched in the reference, text and
    addressees. A query with no letters or digits matches nothing.
    """
    words = search_words(query)
    if not words:
        return queryset.none()
    vendor = connections[queryset.db].vendor
    if vendor == "sqlite":
        # The table name is a constant; the user's words travel only as a parameter.
        matches = RawSQL(  # noqa: S611
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
            [fts5_query(words)],
        )
        return queryset.filter(pk__in=matches)
    if vendor == "postgresql":
        # On the listed rows themselves, not `id IN (matches)`: the planner then reads the
        # matches from the GIN index and combines them with the visibility rule, where it
        # otherwise probed every visible row (93 ms for a national viewer, issue #12). The
        # column is named by its table, so use the result as a query, not inside another.
        table = Recommendation._meta.db_table
        matched = RawSQL(  # noqa: S611 - constants; the user's words travel as a parameter
            f'"{table}"."search_document" @@ websearch_to_tsquery(\'{SEARCH_CONFIG}\', %s)',
            [" ".join(words)],
            output_field=BooleanField(),
        )
        return queryset.alias(matches_search=matched).filter(matches_search=True)
    for word in words:
        queryset = queryset.filter(
            Q(reference__icontains=word) | Q(text__icontains=word) | Q(addressees__icontains=word)
        )
    return queryset

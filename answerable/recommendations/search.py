"""Full-text search over recommendations, one service whatever the database (ADR 0005).

SQLite uses the FTS5 index `recommendations_recommendation_fts` (migration
0002_recommendation_search); PostgreSQL uses its own text search over the stored column
`search_document`, with a GIN index (migration 0004_recommendation_search_column). Neither
is a model field: each exists on one database only.
"""

from django.db import connections
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from answerable.recommendations.models import Recommendation, Source

FTS_TABLE = "recommendations_recommendation_fts"
# The column's configuration, in migration 0004; websearch_to_tsquery must use the same one.
SEARCH_CONFIG = "english"


def search_words(query: str) -> list[str]:
    """Split the query into words that contain at least one letter or digit."""
    # NUL cannot be sent to PostgreSQL and ends an FTS5 string early.
    query = query.replace("\x00", " ")
    return [word for word in query.split() if any(char.isalnum() for char in word)]


def fts5_query(words: list[str], *, prefix: bool = True) -> str:
    """Build an FTS5 query that matches every word, the last one as a prefix if asked.

    Each word becomes a quoted string, so FTS5 operators and syntax in user input
    (AND, NEAR, *, ^, column filters, stray quotes) are read as plain text.
    """
    phrases = ['"{}"'.format(word.replace('"', '""')) for word in words]
    if prefix:
        phrases[-1] += "*"
    return " AND ".join(phrases)


def recommendation_search(
    queryset: QuerySet[Recommendation], query: str
) -> QuerySet[Recommendation]:
    """Return the recommendations in the queryset that match every word of the query.

    Words are stemmed ("train" finds "training") and searched in the reference, text and
    addressees; a word may instead be in the title of the recommendation's source, so
    "telford" finds every recommendation of the Telford inquiry. A query with no letters or
    digits matches nothing.
    """
    words = search_words(query)
    if not words:
        return queryset.none()
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        words = _postgresql_searchable(words, queryset.db)
        if not words:
            return queryset
    last = len(words) - 1
    for position, word in enumerate(words):
        in_title = Q(source_id__in=Source.objects.filter(title__icontains=word).values("pk"))
        if vendor == "sqlite":
            # The table name is a constant; the user's word travels only as a parameter.
            matches = RawSQL(  # noqa: S611
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608 - our own table and column names
                [fts5_query([word], prefix=position == last)],
            )
            queryset = queryset.filter(Q(pk__in=matches) | in_title)
        elif vendor == "postgresql":
            queryset = _postgresql_word_filter(queryset, word, position)
        else:
            queryset = queryset.filter(
                Q(reference__icontains=word)
                | Q(text__icontains=word)
                | Q(addressees__icontains=word)
                | in_title
            )
    return queryset


def _postgresql_searchable(words: list[str], database: str) -> list[str]:
    """Drop stop words ("the"): their query is empty and would match nothing."""
    with connections[database].cursor() as cursor:
        cursor.execute(
            f"SELECT word FROM unnest(%s::text[]) AS word "  # noqa: S608 - a constant
            f"WHERE numnode(plainto_tsquery('{SEARCH_CONFIG}', word)) > 0",
            [words],
        )
        return [row[0] for row in cursor.fetchall()]


def _postgresql_word_filter(
    queryset: QuerySet[Recommendation], word: str, position: int
) -> QuerySet[Recommendation]:
    """The word in the stored document or in the source's title.

    Both sides are indexed (GIN; source_id = ANY(ARRAY(...))), so the planner ORs two bitmaps;
    `source_id IN (subquery)` would make it read every visible row. Named by its table, so use
    the result as a query, not inside another.
    """
    table = Recommendation._meta.db_table
    sources = Source._meta.db_table
    pattern = "%{}%".format(word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"))
    matched = RawSQL(  # noqa: S611 - constants; the user's word travels as a parameter
        f'("{table}"."search_document" @@ plainto_tsquery(\'{SEARCH_CONFIG}\', %s) '  # noqa: S608 - our own table and column names
        f'OR "{table}"."source_id" = ANY(ARRAY(SELECT "id" FROM "{sources}" '
        f'WHERE "title" ILIKE %s)))',
        [word, pattern],
        output_field=BooleanField(),
    )
    return queryset.alias(**{f"matches_word_{position}": matched}).filter(
        **{f"matches_word_{position}": True}
    )

"""Full-text search over recommendations, one service whatever the database (ADR 0005).

SQLite uses the FTS5 index `recommendations_recommendation_fts` (migration
0002_recommendation_search); PostgreSQL uses its own text search over the stored column
`search_document`, with a GIN index (migration 0004_recommendation_search_column). Neither
is a model field: each exists on one database only.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from answerable.recommendations.models import Recommendation, Source

FTS_TABLE = "recommendations_recommendation_fts"
# The column's configuration, in migration 0004; websearch_to_tsquery must use the same one.
SEARCH_CONFIG = "english"
# Up to this many sources given, only their titles are searched; beyond it, picking them out
# first cost more than searching every title (a national viewer's 2,495: 8 → 13 ms).
TITLES_AMONG_AT_MOST = 1_000


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
    queryset: QuerySet[Recommendation], query: str, *, among_sources: Sequence[int] | None = None
) -> QuerySet[Recommendation]:
    """Return the recommendations in the queryset that match every word of the query.

    Words are stemmed ("train" finds "training") and searched in the reference, text and
    addressees; a word may instead be in the title of the recommendation's source, so
    "telford" finds every recommendation of the Telford inquiry. A query with no letters or
    digits matches nothing.

    On PostgreSQL the sources whose titles hold each word are looked up once, with the stop
    words, and travel as lists of ids: a list's count and each of its reads then use them as
    they are, where each read searched every title again (issue #12), and the planner sees
    how many rows they cover. SQLite reads a list in one query, which searches them once.

    `among_sources`, every source the queryset's rows may lie under where the caller has
    read them (the sources a user may see): only those titles are searched (up to
    TITLES_AMONG_AT_MOST of them) on PostgreSQL, which then reads a few hundred titles for a
    force's lead officer, not all 2,500 (about 9 → 2 ms, issue #12). The rows found are the
    same.
    """
    words = search_words(query)
    if not words:
        return queryset.none()
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        titles = _postgresql_words_and_titles(words, queryset.db, among_sources)
        for position, (word, titled) in enumerate(titles):
            queryset = _postgresql_word_filter(queryset, word, titled, position)
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
        else:
            queryset = queryset.filter(
                Q(reference__icontains=word)
                | Q(text__icontains=word)
                | Q(addressees__icontains=word)
                | in_title
            )
    return queryset


def _postgresql_words_and_titles(
    words: list[str], database: str, among: Sequence[int] | None
) -> list[tuple[str, list[int]]]:
    """The words worth searching for, each with the ids of the sources (`among` these, if
    given) whose title holds it, in one query. Stop words ("the") are dropped: their query
    is empty and would match nothing."""
    sources = Source._meta.db_table
    patterns = [
        "%{}%".format(word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"))
        for word in words
    ]
    # Given `among`, those titles are read first (MATERIALIZED), then matched: in one WHERE,
    # PostgreSQL ran the ILIKE on every title before testing its id.
    titles, prefix = f'"{sources}"', ""
    params: list[list[Any]] = [words, patterns]
    if among is not None and len(among) <= TITLES_AMONG_AT_MOST:
        titles, params = "titles", [list(among), *params]
        prefix = (
            "WITH titles AS MATERIALIZED "  # noqa: S608 - our own table and column names
            f'(SELECT id, title FROM "{sources}" WHERE id = ANY(%s::bigint[])) '
        )
    with connections[database].cursor() as cursor:
        cursor.execute(
            f"{prefix}SELECT word, ARRAY("  # noqa: S608 - our own table and column names
            f"SELECT id FROM {titles} WHERE title ILIKE pattern ORDER BY id) "
            f"FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS w(word, pattern, n) "
            f"WHERE numnode(plainto_tsquery('{SEARCH_CONFIG}', word)) > 0 ORDER BY n",
            params,
        )
        return [(word, list(titled)) for word, titled in cursor.fetchall()]


def _postgresql_word_filter(
    queryset: QuerySet[Recommendation], word: str, titled: list[int], position: int
) -> QuerySet[Recommendation]:
    """The word in the stored document, or the row under one of the `titled` sources.

    Both sides are indexed (GIN; the source index), so the planner ORs two bitmaps. Named by
    its table, so use the result as a query, not inside another.
    """
    table = Recommendation._meta.db_table
    document = f'"{table}"."search_document" @@ plainto_tsquery(\'{SEARCH_CONFIG}\', %s)'
    if titled:
        sql, params = f'({document} OR "{table}"."source_id" = ANY(%s))', [word, titled]
    else:
        sql, params = document, [word]
    matched = RawSQL(sql, params, output_field=BooleanField())  # noqa: S611 - constants; the user's word travels as a parameter
    return queryset.alias(**{f"matches_word_{position}": matched}).filter(
        **{f"matches_word_{position}": True}
    )

"""Changes in recurrence: the stored vectors and themes (`vectors`), the themes counted for
the themes page (`themes`), both derived data like the register's tallies and so not
audited, and the office's decisions on suggested pairs (`pairs`, audited)."""

from answerable.recurrence.services.pairs import pair_confirm, pair_dismiss
from answerable.recurrence.services.themes import themes_count
from answerable.recurrence.services.vectors import (
    index_rebuild,
    refresh_vectors,
    themes_place,
    themes_rebuild,
)

__all__ = [
    "index_rebuild",
    "pair_confirm",
    "pair_dismiss",
    "refresh_vectors",
    "themes_count",
    "themes_place",
    "themes_rebuild",
]

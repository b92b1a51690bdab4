"""Reads of recurrence: recommendations like this one (`similar`), and the recurring themes
(`themes`), as a user may see them. Who sees which recommendation is decided by the
register's own selectors (`recommendations.selectors`), never here."""

from answerable.recurrence.selectors.similar import (
    FIRST_LOOK,
    LIKELY,
    SIMILAR,
    THEME,
    VERY_SIMILAR,
    Similar,
    SimilarPage,
    active_backend,
    index_current,
    scores_for,
    similar_list,
)
from answerable.recurrence.selectors.themes import (
    SOURCES_SHOWN,
    Theme,
    ThemeRow,
    theme_counted_at,
    theme_details,
    theme_list,
)

__all__ = [
    "FIRST_LOOK",
    "LIKELY",
    "SIMILAR",
    "SOURCES_SHOWN",
    "THEME",
    "VERY_SIMILAR",
    "Similar",
    "SimilarPage",
    "Theme",
    "ThemeRow",
    "active_backend",
    "index_current",
    "scores_for",
    "similar_list",
    "theme_counted_at",
    "theme_details",
    "theme_list",
]

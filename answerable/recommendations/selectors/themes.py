"""Each office's themes, and every recommendation on a theme across its sources (issue #17),
as a user may see them: read through `recommendation_list` and `action_list`, never a
visibility rule of their own."""

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from answerable.accounts.models import User
from answerable.organisations.models import Organisation
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import DeliveryStatus, Recommendation, Theme
from answerable.recommendations.selectors.compiled import rows_for_organisations
from answerable.recommendations.selectors.register import action_list, recommendation_list


def theme_key(name: str) -> str:
    """What a theme's name is matched by: case, spacing and "&" for "and" do not count, so
    "Training & Development" is the theme "training and development"."""
    return " ".join(re.sub(r"\s*&\s*", " and ", name).casefold().split())


def theme_lookup(*, office: Organisation) -> dict[str, Theme]:
    """The office's themes by `theme_key`; an archived theme's name leads to the theme it was
    merged into, so a name written before a merge still finds its theme."""
    themes = list(Theme.objects.filter(office=office).select_related("merged_into"))
    found: dict[str, Theme] = {}
    for theme in themes:
        if theme.is_archived and theme.merged_into is not None:
            found.setdefault(theme_key(theme.name), theme.merged_into)
    for theme in themes:
        if not theme.is_archived:
            found[theme_key(theme.name)] = theme
    return found


def _visible_tags(user: User) -> QuerySet[Any]:
    """The theme links of the live recommendations the user may see."""
    return Recommendation.themes.through.objects.filter(
        recommendation_id__in=recommendation_list(user=user).values("pk")
    )


def _visible_themes(user: User) -> QuerySet[Theme]:
    """Themes of the user's own organisations, and those on a recommendation they may see."""
    return Theme.objects.filter(
        Q(office_id__in=access_for(user).organisation_ids)
        | Q(pk__in=_visible_tags(user).values("theme_id"))
    )


def theme_list(*, user: User) -> QuerySet[Theme]:
    """The live themes the user may see, by name, each with how many of the live
    recommendations the user may see are on it (`recommendation_count`)."""
    return (
        _visible_themes(user)
        .filter(is_archived=False)
        .select_related("office")
        .annotate(
            recommendation_count=Count(
                "recommendations",
                filter=Q(recommendations__in=recommendation_list(user=user).values("pk")),
                distinct=True,
            )
        )
        .order_by("name", "pk")
    )


def theme_choice_list(*, user: User) -> QuerySet[Theme]:
    """The live themes of the user's own offices, by name: what the list's filter offers."""
    return _live_themes_of(access_for(user).organisation_ids).only("pk", "name")


def theme_option_pairs(*, user: User) -> list[tuple[int, str]]:
    """`theme_choice_list` as (id, name) pairs for the filter's options, its SQL built once
    per process for each number of offices (issue #12)."""
    organisations = access_for(user).organisation_ids
    return [
        (pk, name)
        for pk, name in rows_for_organisations("theme_options", Theme, organisations, _themes_of)
    ]


def _themes_of(organisations: frozenset[int]) -> QuerySet[Theme, tuple[int, str]]:
    return _live_themes_of(organisations).values_list("pk", "name")


def _live_themes_of(organisations: frozenset[int]) -> QuerySet[Theme]:
    """The live themes of the user's own offices (their organisations), by name."""
    return Theme.objects.filter(office_id__in=organisations, is_archived=False).order_by(
        "name", "pk"
    )


def theme_get_for_user(*, user: User, pk: int) -> Theme:
    """Return the theme, merged or not, if the user may see it; raise Http404 otherwise."""
    try:
        return _visible_themes(user).select_related("office", "merged_into").get(pk=pk)
    except Theme.DoesNotExist:
        raise Http404("No such theme") from None


def theme_recommendation_list(*, user: User, theme: Theme) -> QuerySet[Recommendation]:
    """The live recommendations on the theme that the user may see, from every source, the
    earliest published source first (undated ones last), each source's in its own order."""
    return (
        recommendation_list(user=user)
        .filter(themes=theme)
        .order_by(
            F("source__published_on").asc(nulls_last=True),
            "source__title",
            "source_id",
            "position",
            "id",
        )
    )


def delivery_summaries(
    *, user: User, recommendations: Iterable[Recommendation]
) -> dict[int, list[tuple[str, str, int]]]:
    """For each recommendation, its live actions the user may see by delivery status, as
    (status, label, count) in the statuses' order: one query for the lot."""
    ids = [r.pk for r in recommendations]
    counts = Counter(
        action_list(user=user)
        .filter(recommendation_id__in=ids)
        .select_related(None)
        .values_list("recommendation_id", "delivery_status")
    )
    summaries: dict[int, list[tuple[str, str, int]]] = {pk: [] for pk in ids}
    for status, label in DeliveryStatus.choices:
        for pk in ids:
            if counts[(pk, status)]:
                summaries[pk].append((status, str(label), counts[(pk, status)]))
    return summaries

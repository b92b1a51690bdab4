"""Indicators as outcome evidence on recommendations: linking them, and the figures a
progress report gives for each recommendation (issues #15 and #16)."""

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.core.prepared import prepared_list
from answerable.indicators import periods, selectors
from answerable.indicators.disclosure import PublicFigure, not_judged_text, public_figure
from answerable.indicators.figures import number_text, series_reading, variation_text
from answerable.indicators.models import Indicator, IndicatorLink
from answerable.indicators.public_breakdowns import totals_withheld
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import Recommendation
from answerable.recommendations.selectors import recommendation_ids_seen, recommendation_list


def linkable_recommendation_list(*, user: User, indicator: Indicator) -> QuerySet[Recommendation]:
    """The office's own recommendations the user may see, not yet linked to the indicator."""
    return (
        recommendation_list(user=user)
        .filter(source__owner_id=indicator.office_id)
        .exclude(pk__in=indicator.links.values("recommendation_id"))
        .order_by("source__title", "position", "pk")
    )


def indicator_link_list(*, user: User, indicator: Indicator) -> list[IndicatorLink]:
    """The recommendations the indicator (already read for the user) is evidence for that the
    user may see: a partner seeing its own indicator is not told of the office's other
    recommendations. The links' SQL is built once per process (issue #12); the register's
    rule is asked only about the recommendations they name."""
    found = prepared_list("indicator_link_list", IndicatorLink, _links_of, indicator.pk)
    if not found:
        return []
    seen = recommendation_ids_seen(user=user, ids={link.recommendation_id for link in found})
    return [link for link in found if link.recommendation_id in seen]


def _links_of(indicator_id: int) -> QuerySet[IndicatorLink]:
    return (
        IndicatorLink.objects.filter(indicator_id=indicator_id)
        .select_related("recommendation__source", "created_by")
        .order_by("created_at", "id")
    )


@transaction.atomic
def indicator_link_create(
    *, actor: User, indicator: Indicator, recommendation: Recommendation, note: str = ""
) -> IndicatorLink:
    """Offer the indicator as evidence on one of its office's recommendations."""
    if not selectors.can_define_indicators(user=actor, office=indicator.office):
        raise PermissionDenied(_("Only the office links its indicators to recommendations"))
    if indicator.is_archived:
        raise ValidationError(_("This indicator is archived: it cannot be linked"))
    if (
        not linkable_recommendation_list(user=actor, indicator=indicator)
        .filter(pk=recommendation.pk)
        .exists()
    ):
        raise ValidationError(
            {"recommendation": _("Select one of your office's recommendations not yet linked")}
        )
    link = IndicatorLink.objects.create(
        indicator=indicator, recommendation=recommendation, note=note.strip(), created_by=actor
    )
    audit_record(
        actor=actor,
        action="indicator_link.created",
        target=link,
        organisation=indicator.office,
        changes={"recommendation": [None, recommendation.reference]},
        note=link.note,
    )
    return link


@dataclass(frozen=True)
class LinkedFigure:
    """A linked indicator's latest figure and judgement, in words."""

    indicator: Indicator
    text: str  # "CSE referrals: 42 in March 2025. Common cause variation: …"


def recommendation_linked_figures(
    *, recommendation_ids: list[int], public: bool, user: User | None = None
) -> dict[int, list[LinkedFigure]]:
    """For each recommendation, its linked indicators' latest figure and judgement, by
    indicator name; archived indicators are left out.

    Public: only indicators on the public site, read as their public page reads them: small
    counts shown as "fewer than N", a total that would give a category's small count back
    withheld, and no judgement while any figure is withheld. With `user`, only indicators the
    user may see. Callers pass recommendations already scoped by the register's selectors.
    Two queries however many links, and three more in public for broken-down indicators.
    Only the current figures are read, as plain values: the words need no revisions, chart
    or table (issue #12).
    """
    if user is not None and not public:  # a page's panel: its SQL built once (core/prepared)
        rows = prepared_list(
            "recommendation_indicator_links_seen",
            IndicatorLink,
            _links_seen,
            recommendation_ids,
            access_for(user).organisation_ids,
        )
    else:
        links = _links(recommendation_ids)
        if public:
            links = links.filter(indicator__in=selectors.public_indicator_list().values("pk"))
        if user is not None:
            links = links.filter(indicator__in=selectors.indicator_list(user=user).values("pk"))
        rows = list(links)
    indicators = {link.indicator_id: link.indicator for link in rows}
    series = selectors.indicator_current_series_map(indicator_ids=list(indicators))
    withheld = (
        totals_withheld(
            {
                pk: (indicator, dict(series[pk]))
                for pk, indicator in indicators.items()
                if pk in series
            }
        )
        if public
        else {}
    )
    read = {
        pk: _latest_words(
            indicator, series.get(pk, []), public=public, withheld=withheld.get(pk, {})
        )
        for pk, indicator in indicators.items()
    }
    figures: dict[int, list[LinkedFigure]] = {}
    for link in rows:
        text = read[link.indicator_id]
        if text:
            figures.setdefault(link.recommendation_id, []).append(
                LinkedFigure(link.indicator, text)
            )
    return figures


def _links(recommendation_ids: Collection[int]) -> QuerySet[IndicatorLink]:
    """The recommendations' links to indicators not archived, by indicator name."""
    return (
        IndicatorLink.objects.filter(
            recommendation_id__in=recommendation_ids, indicator__is_archived=False
        )
        .select_related("indicator__owner")
        .order_by("indicator__name", "pk")
    )


def _links_seen(
    recommendation_ids: Collection[int], organisation_ids: Collection[int]
) -> QuerySet[IndicatorLink]:
    """`_links` to the indicators someone in the organisations may see (`indicator_list`)."""
    seen = selectors.indicators_seen_from(organisation_ids=organisation_ids)
    return _links(recommendation_ids).filter(indicator__in=seen.values("pk"))


def recommendation_indicator_figures(
    *, recommendation_ids: list[int], public: bool
) -> dict[int, list[str]]:
    """`recommendation_linked_figures` in words alone, for a progress report."""
    linked = recommendation_linked_figures(recommendation_ids=recommendation_ids, public=public)
    return {pk: [figure.text for figure in figures] for pk, figures in linked.items()}


def _latest_words(
    indicator: Indicator,
    series: selectors.Series,
    *,
    public: bool,
    withheld: dict[datetime.date, PublicFigure],
) -> str | None:
    """What the indicator's page says of its latest figure and its variation, as the public
    page says it when `public`."""
    if not series:
        return None
    latest_period, latest_value = series[-1]
    shown, variation = number_text(latest_value, indicator.unit), None
    if public:  # as disclosure.public_figures reads them
        seen = [withheld.get(period) or public_figure(value, indicator) for period, value in series]
        shown = seen[-1].text
        count = sum(1 for figure in seen if figure.is_withheld)
        if count:
            variation = not_judged_text(indicator, count=count, others_withheld=bool(withheld))
    if variation is None:
        variation = variation_text(series_reading(indicator=indicator, series=series), indicator)
    return _("%(name)s: %(value)s in %(period)s. %(variation)s") % {
        "name": indicator.name,
        "value": shown,
        "period": periods.period_label(latest_period, indicator.frequency),
        "variation": variation,
    }

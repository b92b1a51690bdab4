"""Indicators as outcome evidence on recommendations: linking them, and the figures a
progress report gives for each recommendation (issues #15 and #16)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.indicators import periods, selectors
from answerable.indicators.disclosure import PublicFigure, public_figures
from answerable.indicators.figures import indicator_figures, number_text
from answerable.indicators.models import Indicator, IndicatorLink
from answerable.indicators.public_breakdowns import totals_withheld
from answerable.recommendations.models import Recommendation
from answerable.recommendations.selectors import recommendation_list


def linkable_recommendation_list(*, user: User, indicator: Indicator) -> QuerySet[Recommendation]:
    """The office's own recommendations the user may see, not yet linked to the indicator."""
    return (
        recommendation_list(user=user)
        .filter(source__owner_id=indicator.office_id)
        .exclude(pk__in=indicator.links.values("recommendation_id"))
        .order_by("source__title", "position", "pk")
    )


def indicator_link_list(*, indicator: Indicator) -> QuerySet[IndicatorLink]:
    """The recommendations the indicator (already read for the user) is evidence for."""
    return indicator.links.select_related("recommendation__source", "created_by")


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
    """
    links = IndicatorLink.objects.filter(
        recommendation_id__in=recommendation_ids, indicator__is_archived=False
    ).select_related("indicator__owner")
    if public:
        links = links.filter(indicator__in=selectors.public_indicator_list().values("pk"))
    if user is not None:
        links = links.filter(indicator__in=selectors.indicator_list(user=user).values("pk"))
    rows = list(links.order_by("indicator__name", "pk"))
    histories = selectors.indicator_value_history_map(
        indicator_ids=list({link.indicator_id for link in rows})
    )
    withheld = (
        totals_withheld(
            {
                pk: (indicator, {p.period_start: p.current.value for p in histories[pk]})
                for pk, indicator in {link.indicator_id: link.indicator for link in rows}.items()
                if pk in histories
            }
        )
        if public
        else {}
    )
    figures: dict[int, list[LinkedFigure]] = {}
    read: dict[int, str | None] = {}
    for link in rows:
        indicator = link.indicator
        if indicator.pk not in read:
            read[indicator.pk] = _latest_words(
                indicator,
                histories.get(indicator.pk, []),
                public=public,
                withheld=withheld.get(indicator.pk, {}),
            )
        text = read[indicator.pk]
        if text:
            figures.setdefault(link.recommendation_id, []).append(LinkedFigure(indicator, text))
    return figures


def recommendation_indicator_figures(
    *, recommendation_ids: list[int], public: bool
) -> dict[int, list[str]]:
    """`recommendation_linked_figures` in words alone, for a progress report."""
    linked = recommendation_linked_figures(recommendation_ids=recommendation_ids, public=public)
    return {pk: [figure.text for figure in figures] for pk, figures in linked.items()}


def _latest_words(
    indicator: Indicator,
    history: list[selectors.PeriodHistory],
    *,
    public: bool,
    withheld: dict[datetime.date, PublicFigure],
) -> str | None:
    if not history:
        return None
    latest = history[-1]
    if public:
        seen = public_figures(indicator=indicator, history=history, withheld=withheld)
        shown, variation = seen.rows[-1].figure.text, seen.variation_text
    else:
        shown = number_text(latest.current.value, indicator.unit)
        variation = indicator_figures(indicator=indicator, history=history).variation_text
    return _("%(name)s: %(value)s in %(period)s. %(variation)s") % {
        "name": indicator.name,
        "value": shown,
        "period": periods.period_label(latest.period_start, indicator.frequency),
        "variation": variation,
    }

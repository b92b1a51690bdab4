"""Indicators as outcome evidence on recommendations: linking them, and the figures a
progress report gives for each recommendation (issues #15 and #16)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.indicators import periods, selectors
from answerable.indicators.figures import indicator_figures, number_text
from answerable.indicators.models import Indicator, IndicatorLink
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


def recommendation_indicator_figures(
    *, recommendation_ids: list[int], public: bool
) -> dict[int, list[str]]:
    """For each recommendation, its linked indicators' latest value and judgement in words.

    Public: only indicators that may be published, with small counts shown as "fewer than N".
    Callers pass recommendations already scoped by the register's selectors.
    """
    links = IndicatorLink.objects.filter(recommendation_id__in=recommendation_ids).select_related(
        "indicator"
    )
    if public:
        links = links.filter(indicator__is_publishable=True)
    figures: dict[int, list[str]] = {}
    read: dict[int, str | None] = {}
    for link in links.order_by("indicator__name", "pk"):
        indicator = link.indicator
        if indicator.pk not in read:
            read[indicator.pk] = _latest_words(indicator, public=public)
        if read[indicator.pk]:
            figures.setdefault(link.recommendation_id, []).append(read[indicator.pk])  # type: ignore[arg-type]
    return figures


def _latest_words(indicator: Indicator, *, public: bool) -> str | None:
    history = selectors.indicator_value_history(indicator=indicator)
    if not history:
        return None
    latest = history[-1]
    value = latest.current.value
    shown = number_text(value, indicator.unit)
    if public and indicator.unit == Indicator.Unit.COUNT and value < indicator.disclosure_threshold:
        shown = _("fewer than %(n)s") % {"n": indicator.disclosure_threshold}
    reading = indicator_figures(indicator=indicator, history=history)
    return _("%(name)s: %(value)s in %(period)s. %(variation)s") % {
        "name": indicator.name,
        "value": shown,
        "period": periods.period_label(latest.period_start, indicator.frequency),
        "variation": reading.variation_text,
    }

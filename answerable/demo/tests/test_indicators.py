import datetime

from answerable.audit.models import AuditEvent
from answerable.demo.indicators import INDICATORS, PUBLISHED, seed_indicators
from answerable.indicators import selectors, spc
from answerable.indicators.figures import indicator_figures
from answerable.indicators.models import Indicator, IndicatorValue

TODAY = datetime.date(2026, 5, 14)


def _seed(office, force, council, scrutiny_officer, force_lead, council_lead) -> int:
    return seed_indicators(
        organisations={"office": office, "police": force, "council": council},
        scrutiny_officer=scrutiny_officer,
        recorders={"police": force_lead, "council": council_lead},
        today=TODAY,
    )


def test_the_demo_set_covers_the_themes_with_figures_from_october_2021(
    office, force, council, scrutiny_officer, force_lead, council_lead
):
    added = _seed(office, force, council, scrutiny_officer, force_lead, council_lead)
    indicators = Indicator.objects.all()
    assert indicators.count() == len(INDICATORS) >= 8
    assert {"intelligence", "victims", "perpetrators", "partners"} <= {i.theme for i in indicators}
    monthly = indicators.filter(frequency="monthly").first()
    periods = list(monthly.values.values_list("period_start", flat=True))
    # More than three years: from October 2021, before the first meeting they are linked to.
    assert (len(periods), periods[0], periods[-1]) == (
        55,
        datetime.date(2021, 10, 1),
        datetime.date(2026, 4, 1),
    )
    assert added == AuditEvent.objects.filter(action__startswith="indicator").count()
    confidence = indicators.get(frequency="quarterly")
    [(period, value)] = PUBLISHED.items()
    assert confidence.values.get(period_start=period).value == value
    assert all("not real data" in i.definition or "published" in i.definition for i in indicators)


def test_some_demo_series_show_special_cause_variation(
    office, force, council, scrutiny_officer, force_lead, council_lead
):
    _seed(office, force, council, scrutiny_officer, force_lead, council_lead)
    variations = {}
    for indicator in Indicator.objects.all():
        history = selectors.indicator_value_history(indicator=indicator)
        variations[indicator.name] = indicator_figures(
            indicator=indicator, history=history
        ).reading.variation
    assert variations["CSE intelligence submissions"] == spc.Variation.IMPROVING
    assert variations["Children missing from home or care"] == spc.Variation.IMPROVING
    assert variations["Charge rate for CSE offences"] == spc.Variation.CONCERNING
    # Eighteen quarters, enough to judge.
    assert variations["Public confidence in West Mercia Police"] == spc.Variation.COMMON_CAUSE
    assert spc.Variation.COMMON_CAUSE in variations.values()


def test_seeding_again_adds_nothing(
    office, force, council, scrutiny_officer, force_lead, council_lead
):
    _seed(office, force, council, scrutiny_officer, force_lead, council_lead)
    counts = (Indicator.objects.count(), IndicatorValue.objects.count(), AuditEvent.objects.count())
    assert _seed(office, force, council, scrutiny_officer, force_lead, council_lead) == 0
    assert (
        Indicator.objects.count(),
        IndicatorValue.objects.count(),
        AuditEvent.objects.count(),
    ) == counts

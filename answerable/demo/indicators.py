"""Demo indicators: a CSE indicator set for West Mercia, monthly figures since October 2021.

Every figure is illustrative, generated from a fixed seed and labelled so on the indicator,
except the one published figure in ../shared/data/aggregate_facts.json that fits: public
confidence in West Mercia Police in Q3 2023/24 (82%, against a target of 88%). Some series
carry a real shift or trend so the charts have something to find. Written through the
services, so every indicator and figure is audited; running it again adds only what is
missing.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from answerable.accounts.models import User
from answerable.indicators import periods, selectors, services
from answerable.indicators.models import Indicator
from answerable.organisations.models import Organisation

ILLUSTRATIVE = "Illustrative figures generated for the demo: not real data."
# At least three years of figures, from October 2021 at the latest: the demo meetings they
# are linked to (demo/indicator_meetings.py), from March 2023 on, then had enough to judge.
MONTHS = 36
SERIES_START = datetime.date(2021, 10, 1)
PUBLIC_CONFIDENCE_URL = (
    "https://www.westmercia-pcc.gov.uk/performance/police-performance-assurance-accountability/"
    "performance-assurance-accountability-minutes-february-2024/"
)
# Q3 of 2023/24 (October to December 2023): "west_mercia.kpi.public_confidence_q3_2023_24".
PUBLISHED = {datetime.date(2023, 10, 1): Decimal(82)}

Unit, Better, Theme = Indicator.Unit, Indicator.Direction, Indicator.Theme


@dataclass(frozen=True)
class DemoIndicator:
    name: str
    definition: str
    owner: str  # demo organisation key
    theme: str
    unit: str
    direction: str
    level: float  # the usual figure
    spread: float  # month-to-month noise (standard deviation)
    shift: float = 0  # added to the last `shift_months` figures
    shift_months: int = 0
    trend: float = 0  # added per month over the last `trend_months` figures
    trend_months: int = 0
    target: Decimal | None = None
    frequency: str = Indicator.Frequency.MONTHLY
    is_publishable: bool = False


INDICATORS = (
    DemoIndicator(
        "CSE intelligence submissions",
        "Intelligence reports about child sexual exploitation submitted by officers and partners.",
        "police",
        Theme.INTELLIGENCE,
        Unit.COUNT,
        Better.HIGHER_IS_BETTER,
        46,
        5,
        shift=14,
        shift_months=9,
    ),
    DemoIndicator(
        "Children missing from home or care",
        "Episodes of children reported missing from home or from care.",
        "police",
        Theme.INTELLIGENCE,
        Unit.COUNT,
        Better.LOWER_IS_BETTER,
        118,
        9,
        trend=-3.5,
        trend_months=8,
    ),
    DemoIndicator(
        "CSE referrals to the safeguarding hub",
        "Referrals about child sexual exploitation received by the multi-agency safeguarding hub.",
        "council",
        Theme.VICTIMS,
        Unit.COUNT,
        Better.HIGHER_IS_BETTER,
        31,
        4,
        target=Decimal(25),
    ),
    DemoIndicator(
        "Victims offered an independent advocate",
        "Child victims of sexual exploitation offered an independent advocate within 5 "
        "working days.",
        "police",
        Theme.VICTIMS,
        Unit.PERCENTAGE,
        Better.HIGHER_IS_BETTER,
        78,
        3,
        trend=1.4,
        trend_months=8,
        target=Decimal(90),
        is_publishable=True,
    ),
    DemoIndicator(
        "CSE-related arrests",
        "Arrests for offences flagged as child sexual exploitation.",
        "police",
        Theme.PERPETRATORS,
        Unit.COUNT,
        Better.HIGHER_IS_BETTER,
        14,
        3,
        is_publishable=True,
    ),
    DemoIndicator(
        "Charge rate for CSE offences",
        "Offences flagged as child sexual exploitation resulting in a charge or summons.",
        "police",
        Theme.PERPETRATORS,
        Unit.PERCENTAGE,
        Better.HIGHER_IS_BETTER,
        21,
        1.5,
        shift=-5,
        shift_months=8,
        target=Decimal(25),
    ),
    DemoIndicator(
        "Disruption notices and orders",
        "Child abduction warning notices, sexual risk orders and sexual harm prevention "
        "orders issued.",
        "police",
        Theme.PERPETRATORS,
        Unit.COUNT,
        Better.HIGHER_IS_BETTER,
        9,
        2.5,
        is_publishable=True,
    ),
    DemoIndicator(
        "Joint visits with the council's CSE team",
        "Visits to children at risk made jointly by police and the council's CSE team.",
        "council",
        Theme.PARTNERS,
        Unit.COUNT,
        Better.HIGHER_IS_BETTER,
        22,
        4,
        shift=7,
        shift_months=10,
    ),
    DemoIndicator(
        "Return home interviews within 72 hours",
        "Children returning from a missing episode offered a return home interview within "
        "72 hours.",
        "council",
        Theme.PARTNERS,
        Unit.PERCENTAGE,
        Better.HIGHER_IS_BETTER,
        86,
        4,
        target=Decimal(95),
    ),
    DemoIndicator(
        "Public confidence in West Mercia Police",
        "People surveyed who agree the police are doing a good or excellent job.",
        "police",
        Theme.PARTNERS,
        Unit.PERCENTAGE,
        Better.HIGHER_IS_BETTER,
        83,
        1.5,
        target=Decimal(88),
        frequency=Indicator.Frequency.QUARTERLY,
        is_publishable=True,
    ),
)


def _figures(spec: DemoIndicator, period_starts: list[datetime.date]) -> list[Decimal]:
    """The series, the same on every run: noise around the level, then the shift and trend."""
    rng = random.Random(spec.name)  # noqa: S311 - demo figures, not security
    count = len(period_starts)
    figures = []
    for n, period_start in enumerate(period_starts):
        if period_start in PUBLISHED and spec.frequency == Indicator.Frequency.QUARTERLY:
            figures.append(PUBLISHED[period_start])
            continue
        value = spec.level + rng.gauss(0, spec.spread)
        if n >= count - spec.shift_months:
            value += spec.shift
        if n >= count - spec.trend_months:
            value += spec.trend * (n - (count - spec.trend_months) + 1)
        if spec.unit == Unit.PERCENTAGE:
            value = min(max(value, 0), 100)
            figures.append(Decimal(f"{value:.1f}"))
        else:
            figures.append(Decimal(max(round(value), 0)))
    return figures


def _definition(spec: DemoIndicator) -> str:
    if spec.frequency == Indicator.Frequency.QUARTERLY:
        return (
            f"{spec.definition} The figure for October to December 2023 (82%) is the one "
            f"published at {PUBLIC_CONFIDENCE_URL}; every other figure is illustrative, "
            "generated for the demo."
        )
    return f"{spec.definition} {ILLUSTRATIVE}"


def _indicator(
    spec: DemoIndicator, owner: Organisation, scrutiny_officer: User
) -> tuple[Indicator, bool]:
    existing = Indicator.objects.filter(owner=owner, name=spec.name).first()
    if existing is not None:
        return existing, False
    indicator = services.indicator_create(
        actor=scrutiny_officer,
        owner=owner,
        name=spec.name,
        definition=_definition(spec),
        counting_rules="",
        unit=spec.unit,
        direction=spec.direction,
        frequency=spec.frequency,
        theme=spec.theme,
        source_system="Illustrative demo data",
        target_value=spec.target,
        target_on=None,
        is_publishable=spec.is_publishable,
        disclosure_threshold=5,
    )
    return indicator, True


@transaction.atomic
def seed_indicators(
    *,
    organisations: dict[str, Organisation],
    scrutiny_officer: User,
    recorders: dict[str, User],
    today: datetime.date,
) -> int:
    """The indicator set and its figures up to last month (or quarter); add what is missing.

    `recorders` holds, for each owning organisation's key, the lead officer who records its
    figures. Returns how many indicators and figures were added.
    """
    added = 0
    for spec in INDICATORS:
        owner = organisations[spec.owner]
        indicator, created = _indicator(spec, owner, scrutiny_officer)
        added += created
        frequency = spec.frequency
        last = periods.add_periods(periods.period_containing(today, frequency), -1, frequency)
        count = MONTHS // periods.MONTHS_IN[frequency]
        first = min(
            periods.add_periods(last, -(count - 1), frequency),
            periods.period_containing(SERIES_START, frequency),
        )
        period_starts = periods.periods_between(first, last, frequency)
        recorded = {p.period_start for p in selectors.indicator_value_history(indicator=indicator)}
        for period_start, value in zip(period_starts, _figures(spec, period_starts), strict=True):
            if period_start in recorded:
                continue
            services.indicator_value_record(
                actor=recorders[spec.owner],
                indicator=indicator,
                period_start=period_start,
                value=value,
            )
            added += 1
    return added

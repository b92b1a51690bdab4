"""Demo evidence: the demo indicators linked to the demo meetings' agenda items and to the
Telford inquiry's recommendations (issue #16).

Which indicator goes with which item is an illustration, chosen by what each item was about;
the meetings are real, the figures illustrative (demo/indicators.py). A link to a meeting
already held fixes its figures as they stood at the meeting at once; the upcoming meeting's
show as they stand. Written through the services, so every link is audited; running it again
adds only what is missing.
"""

from django.db import transaction

from answerable.accounts.models import User
from answerable.indicators import agenda_links, links
from answerable.indicators.models import Indicator, IndicatorAgendaLink, IndicatorLink
from answerable.meetings.models import AgendaItem
from answerable.organisations.models import Organisation
from answerable.recommendations.models import Source

CSE_SET = (
    "CSE intelligence submissions",
    "CSE referrals to the safeguarding hub",
    "Children missing from home or care",
    "Joint visits with the council's CSE team",
)
PERFORMANCE = ("Public confidence in West Mercia Police", "Charge rate for CSE offences")

# (meeting title, the start of the item's title, indicators, why they are evidence)
MEETING_LINKS = (
    (
        "Monthly assurance meeting - Holding to account: Independent Inquiry into Telford "
        "Child Sexual Exploitation (IITCSE)",
        "Holding to account - IITCSE",
        CSE_SET,
        "The figures behind the inquiry's recommendations on intelligence and partnership.",
    ),
    (
        "Assurance & Accountability - Performance (Quarter 2)",
        "Chief Constable assessment on quarterly performance",
        (*PERFORMANCE, "CSE-related arrests"),
        "Quarterly performance: confidence and outcomes for CSE offences.",
    ),
    (
        "Assurance & Accountability - Performance (Quarter 2)",
        "Quarterly HMICFRS update",
        ("Victims offered an independent advocate",),
        "How victims are supported, for the victim service assessment revisit.",
    ),
    (
        "Assurance & Accountability - Quarter 3 performance 2023/24",
        "Chief Constable assessment on quarterly performance",
        PERFORMANCE,
        "Public confidence for October to December 2023 is the published figure of 82%.",
    ),
    (
        "Assurance & Accountability (A&A): Independent Inquiry - Telford Child Sexual Exploitation",
        "",
        (*CSE_SET, "CSE-related arrests", "Disruption notices and orders"),
        "Progress on the inquiry's recommendations, in figures.",
    ),
    (
        "Assurance & Accountability: embedding CSE training (illustrative)",
        "IITCSE: training across the whole workforce",
        ("Victims offered an independent advocate", "CSE referrals to the safeguarding hub"),
        "Whether training is changing what victims are offered.",
    ),
)
# The Telford recommendations (by position) each indicator is outcome evidence for.
RECOMMENDATION_LINKS = (
    (1, "CSE intelligence submissions"),
    (1, "CSE referrals to the safeguarding hub"),
    (2, "Joint visits with the council's CSE team"),
)


def _item(office: Organisation, meeting: str, title: str) -> AgendaItem | None:
    return (
        AgendaItem.objects.filter(
            meeting__office=office,
            meeting__title=meeting,
            title__startswith=title,
            is_action_review=False,
        )
        .order_by("position")
        .first()
    )


@transaction.atomic
def link_demo_indicators(
    *, office: Organisation, scrutiny_officer: User, telford: Source | None = None
) -> int:
    """Link the demo indicators to the demo meetings' items, and to the first Telford
    recommendations; return how many links were added."""
    indicators = {i.name: i for i in Indicator.objects.filter(office=office)}
    added = 0
    for meeting, title, names, note in MEETING_LINKS:
        item = _item(office, meeting, title)
        for name in names:
            indicator = indicators.get(name)
            if item is None or indicator is None:
                continue
            if IndicatorAgendaLink.objects.filter(indicator=indicator, agenda_item=item).exists():
                continue
            agenda_links.indicator_agenda_link_create(
                actor=scrutiny_officer, indicator=indicator, agenda_item=item, note=note
            )
            added += 1
    if telford is None:
        return added
    for position, name in RECOMMENDATION_LINKS:
        recommendation = telford.recommendations.filter(position=position).first()
        indicator = indicators.get(name)
        if (
            recommendation is None
            or indicator is None
            or IndicatorLink.objects.filter(
                indicator=indicator, recommendation=recommendation
            ).exists()
        ):
            continue
        links.indicator_link_create(
            actor=scrutiny_officer, indicator=indicator, recommendation=recommendation
        )
        added += 1
    return added

"""An indicator's figures as they stood at a meeting (issue #16).

Under each agenda item an indicator is linked to, the meeting page, the form for a question's
response and the published summary show the figures for the periods that had ended by the
meeting's date, and what the chart read in them. They are fixed, stored on the link as its
snapshot, when the meeting is marked held, or when the link is made if it already was; the
office may fix them again, which is audited. Until then the meeting page shows them as they
stand, for the meeting to prepare with. A figure revised after they were fixed changes
nothing shown for that meeting.

The snapshot keeps the figures with their periods, the variation and assurance judgements and
the process limits, and the definition they were read with. The public summary shows only
indicators that may be published and are not archived, with disclosure control applied to
the fixed figures by the indicator's threshold at the time the summary is drafted.
"""

import copy
import datetime
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.core.prepared import prepared_list
from answerable.indicators import periods, selectors
from answerable.indicators.disclosure import PublicFigure, public_figures
from answerable.indicators.figures import (
    assurance_text,
    limits_text,
    number_text,
    series_reading,
    variation_text,
)
from answerable.indicators.models import Indicator, IndicatorAgendaLink
from answerable.indicators.public_breakdowns import totals_withheld
from answerable.indicators.selectors import PeriodHistory, Series, Value
from answerable.meetings.models import AccountabilityMeeting
from answerable.organisations.selectors import access_for

# The latest figures before the meeting shown in a table under the judgement.
SHOWN_PERIODS = 12


def meeting_day(meeting: AccountabilityMeeting) -> datetime.date:
    """The meeting's date, where it was held."""
    return timezone.localtime(meeting.starts_at).date()


def _ended_by(series: Series, day: datetime.date, frequency: str) -> Series:
    """The periods that had ended before `day`: a meeting cannot have seen a later figure."""
    return [(p, v) for p, v in series if periods.add_periods(p, 1, frequency) <= day]


def snapshot_build(
    *,
    indicator: Indicator,
    series: Series,
    meeting_on: datetime.date,
    taken_at: datetime.datetime | None = None,
) -> dict[str, Any]:
    """The indicator's figures for a meeting on `meeting_on`, from its current (period,
    figure) pairs now, in period order: read as its page reads them, without the chart or
    table the page draws (issue #12)."""
    ended = _ended_by(series, meeting_on, indicator.frequency)
    reading = series_reading(indicator=indicator, series=ended)
    return {
        "meeting_on": meeting_on.isoformat(),
        "taken_at": taken_at.isoformat() if taken_at else None,
        "definition": {
            "name": indicator.name,
            "unit": indicator.unit,
            "frequency": indicator.frequency,
            "direction": indicator.direction,
            "target_value": None
            if indicator.target_value is None
            else f"{indicator.target_value.normalize():f}",
        },
        "values": [[day.isoformat(), f"{value.normalize():f}"] for day, value in ended],
        "variation": reading.variation.value,
        "variation_text": variation_text(reading, indicator),
        "assurance": reading.assurance.value,
        "assurance_text": assurance_text(reading, indicator),
        "limits": limits_text(reading),
    }


def _values(snapshot: dict[str, Any]) -> list[tuple[datetime.date, Decimal]]:
    return [(datetime.date.fromisoformat(day), Decimal(value)) for day, value in snapshot["values"]]


def latest_text(snapshot: dict[str, Any]) -> str:
    """The snapshot's latest figure and its period in words: "42 in March 2025"."""
    values = _values(snapshot) if snapshot else []
    if not values:
        return ""
    definition = snapshot["definition"]
    period_start, value = values[-1]
    return _("%(value)s in %(period)s") % {
        "value": number_text(value, definition["unit"]),
        "period": periods.period_label(period_start, definition["frequency"]),
    }


@dataclass(frozen=True)
class MeetingFigures:
    """An indicator's figures under an agenda item, as the meeting page shows them."""

    link_id: int
    indicator_id: int
    name: str
    note: str
    is_fixed: bool  # stored for the meeting, rather than as the figures stand now
    meeting_on: datetime.date
    latest_text: str  # "" when no figure was recorded for a period before the meeting
    variation_text: str
    assurance_text: str
    rows: list[tuple[str, str]]  # (period, figure), newest first


def _meeting_figures(link: IndicatorAgendaLink, snapshot: dict[str, Any]) -> MeetingFigures:
    definition = snapshot["definition"]
    values = _values(snapshot)
    return MeetingFigures(
        link_id=link.pk,
        indicator_id=link.indicator_id,
        name=link.indicator.name,
        note=link.note,
        is_fixed=link.snapshot_taken_at is not None,
        meeting_on=datetime.date.fromisoformat(snapshot["meeting_on"]),
        latest_text=latest_text(snapshot),
        variation_text=snapshot["variation_text"],
        assurance_text=snapshot["assurance_text"],
        rows=[
            (
                periods.period_label(day, definition["frequency"]),
                number_text(value, definition["unit"]),
            )
            for day, value in reversed(values[-SHOWN_PERIODS:])
        ],
    )


def _snapshots(links: list[IndicatorAgendaLink]) -> dict[int, dict[str, Any]]:
    """Each link's snapshot: as fixed, or built now from the figures as they stand for a
    link not yet fixed (one query for all of those)."""
    live = [link for link in links if link.snapshot_taken_at is None]
    series = (
        selectors.indicator_current_series_map(indicator_ids=[link.indicator_id for link in live])
        if live
        else {}
    )
    return {
        link.pk: link.snapshot
        if link.snapshot_taken_at is not None
        else snapshot_build(
            indicator=link.indicator,
            series=series.get(link.indicator_id, []),
            meeting_on=meeting_day(link.agenda_item.meeting),
        )
        for link in links
    }


def agenda_item_figures(*, user: User, item_ids: list[int]) -> dict[int, list[MeetingFigures]]:
    """For each agenda item, the figures of the linked indicators the user may see, archived
    ones included, by indicator name. The caller has read the items for the user.

    Two queries, and a third only if a link is not yet fixed, however many links.
    """
    links = prepared_list(
        "agenda_item_indicator_links_seen",
        IndicatorAgendaLink,
        _links_seen,
        item_ids,
        access_for(user).organisation_ids,
    )
    snapshots = _snapshots(links)
    figures: dict[int, list[MeetingFigures]] = {}
    for link in links:
        figures.setdefault(link.agenda_item_id, []).append(
            _meeting_figures(link, snapshots[link.pk])
        )
    return figures


def _links_seen(
    item_ids: Collection[int], organisation_ids: Collection[int]
) -> QuerySet[IndicatorAgendaLink]:
    """The items' links to indicators someone in the organisations may see, archived ones
    included (`indicator_list`), by indicator name."""
    seen = selectors.indicators_seen_from(organisation_ids=organisation_ids)
    return (
        IndicatorAgendaLink.objects.filter(
            agenda_item_id__in=item_ids, indicator__in=seen.values("pk")
        )
        .select_related("indicator", "agenda_item__meeting")
        .order_by("indicator__name", "pk")
    )


def _fixed_definition(indicator: Indicator, snapshot: dict[str, Any]) -> Indicator:
    """The indicator with the definition its snapshot was fixed with."""
    definition = snapshot["definition"]
    fixed = copy.copy(indicator)
    fixed.unit, fixed.frequency = definition["unit"], definition["frequency"]
    fixed.direction = definition["direction"]
    target = definition["target_value"]
    fixed.target_value = None if target is None else Decimal(target)
    return fixed


def _public_figures(
    fixed: Indicator, snapshot: dict[str, Any], withheld: dict[datetime.date, PublicFigure]
) -> dict[str, Any]:
    """The snapshot as the public may see it: read with the definition it was fixed with
    (`fixed`), and disclosure control by the indicator's threshold now, `withheld` adding
    the totals that would give a category's small count back (`disclosure_breakdowns`)."""
    history = [PeriodHistory(day, Value(day, value), []) for day, value in _values(snapshot)]
    shown = public_figures(indicator=fixed, history=history, withheld=withheld)
    rows = shown.rows[-SHOWN_PERIODS:]
    return {
        "indicator_id": fixed.pk,
        "name": fixed.name,
        "owner": fixed.owner.name,
        "latest_text": _("%(value)s in %(period)s")
        % {"value": rows[-1].figure.text, "period": rows[-1].period_label}
        if rows
        else "",
        "variation_text": shown.variation_text,
        "assurance_text": shown.assurance_text,
        "rows": [[row.period_label, row.figure.text] for row in reversed(rows)],
    }


def public_agenda_item_figures(*, item_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """For each agenda item, its linked indicators' figures as fixed for the meeting, for the
    published summary: only indicators on the public site, small counts withheld.

    The caller decides which items may be published.
    """
    links = list(
        IndicatorAgendaLink.objects.filter(
            agenda_item_id__in=item_ids,
            indicator__in=selectors.public_indicator_list().values("pk"),
        )
        .select_related("indicator__owner", "agenda_item__meeting")
        .order_by("indicator__name", "pk")
    )
    snapshots = _snapshots(links)
    fixed = {link.pk: _fixed_definition(link.indicator, snapshots[link.pk]) for link in links}
    withheld = totals_withheld(
        {link.pk: (fixed[link.pk], dict(_values(snapshots[link.pk]))) for link in links}
    )
    figures: dict[int, list[dict[str, Any]]] = {}
    for link in links:
        figures.setdefault(link.agenda_item_id, []).append(
            _public_figures(fixed[link.pk], snapshots[link.pk], withheld.get(link.pk, {}))
        )
    return figures


def unpublishable_indicator_names(*, indicator_ids: list[int]) -> list[str]:
    """The names of those of the indicators no longer on the public site."""
    public = set(
        selectors.public_indicator_list().filter(pk__in=indicator_ids).values_list("pk", flat=True)
    )
    return list(
        Indicator.objects.filter(pk__in=set(indicator_ids) - public)
        .order_by("name")
        .values_list("name", flat=True)
    )

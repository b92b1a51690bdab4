"""The public API's indicators: those on the public site, with their figures, and their
breakdowns' figures, under disclosure control (issue #16). Paged, limited and answered with an
ETag and Last-Modified as the rest of the public API is (api_public.py).

A figure that is a count below the indicator's disclosure threshold is given as null, with
"fewer than N" in its words; so is any figure that would give such a count back from the
total and the other categories (`disclosure_breakdowns`), with "withheld". The figures are
the open data's rows (`open_data_with_breakdowns`), so the API, the downloads and the public
page withhold the same figures.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from answerable.indicators import breakdown_selectors, disclosure, selectors
from answerable.indicators.models import Indicator
from answerable.indicators.public_breakdowns import open_data_with_breakdowns
from answerable.publishing.api_public import PublicListView, query_id


class PublicIndicatorValueSerializer(serializers.Serializer):
    period_start = serializers.DateField(help_text="The first day of the month or quarter.")
    value = serializers.CharField(
        allow_null=True,
        help_text="The figure; null when it is a count too small to publish, or withheld.",
    )
    value_text = serializers.CharField(
        help_text="The figure as the site shows it, “fewer than N” for a small count, or "
        "“withheld” for a figure that would let a small count be worked out from the total."
    )


class PublicIndicatorCategorySerializer(serializers.Serializer):
    name = serializers.CharField()
    values = PublicIndicatorValueSerializer(many=True)


class PublicIndicatorBreakdownSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="What the figures are broken down by.")
    categories = PublicIndicatorCategorySerializer(many=True)


class PublicIndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    definition = serializers.CharField()
    counting_rules = serializers.CharField()
    theme = serializers.ChoiceField(choices=Indicator.Theme.choices)
    unit = serializers.ChoiceField(choices=Indicator.Unit.choices)
    better = serializers.ChoiceField(source="direction", choices=Indicator.Direction.choices)
    frequency = serializers.ChoiceField(choices=Indicator.Frequency.choices)
    organisation_id = serializers.IntegerField(source="owner_id")
    organisation = serializers.CharField(source="owner.name")
    office = serializers.CharField(source="office.name")
    source_system = serializers.CharField()
    target_value = serializers.SerializerMethodField()
    target_date = serializers.DateField(source="target_on", allow_null=True)
    disclosure_threshold = serializers.IntegerField(
        help_text="Counts below this are given as “fewer than N”."
    )
    last_updated = serializers.DateTimeField(source="updated_at")
    values = serializers.SerializerMethodField()
    breakdowns = serializers.SerializerMethodField()

    def get_target_value(self, indicator: Indicator) -> str | None:
        target = indicator.target_value
        return None if target is None else f"{target.normalize():f}"

    @extend_schema_field(PublicIndicatorValueSerializer(many=True))
    def get_values(self, indicator: Indicator) -> list[dict[str, Any]]:
        return self.context["figures"].values.get(indicator.pk, [])

    @extend_schema_field(PublicIndicatorBreakdownSerializer(many=True))
    def get_breakdowns(self, indicator: Indicator) -> list[dict[str, Any]]:
        """Each breakdown's categories, in order, with their figures: the total stays the
        indicator's own figure, entered, not added up from these."""
        return self.context["figures"].breakdowns.get(indicator.pk, [])


Figures = list[dict[str, Any]]  # period_start, value and value_text, in period order
COLUMNS = [column for column, _description in disclosure.OPEN_DATA_COLUMNS]


@dataclass(frozen=True)
class PageFigures:
    """A page's figures: each indicator's own, and each of its breakdowns' categories'."""

    values: dict[int, Figures]
    breakdowns: dict[int, list[dict[str, Any]]]
    last_modified: datetime.datetime | None


def _page_figures(indicators: list[Indicator]) -> PageFigures:
    """The indicators' figures as the open data gives them, withheld alike, and when any of
    them last changed: two queries for a page without breakdowns, five with."""
    ids = [indicator.pk for indicator in indicators]
    rows = list(
        selectors.public_current_value_list()
        .filter(indicator__in=ids)
        .values_list("indicator_id", "period_start", "value", "created_at")
    )
    breakdowns = breakdown_selectors.breakdown_map(indicator_ids=ids) if ids else {}
    category_rows = breakdown_selectors.category_value_rows(indicator_ids=ids) if breakdowns else []
    opened = open_data_with_breakdowns(
        indicators, [row[:3] for row in rows], breakdowns, category_rows
    )
    values: dict[int, Figures] = {}
    by_category: dict[tuple[int, str, str], Figures] = {}
    # By position, not a dict a row: a page of 100 indicators broken down 10 ways has 132,000.
    at_pk, at_period, at_value, at_text, at_breakdown, at_category = (
        COLUMNS.index(column)
        for column in (
            "indicator_id", "period_start", "value", "value_text", "breakdown", "category"
        )
    )  # fmt: skip
    for row in opened:
        figure = {
            "period_start": row[at_period],
            "value": row[at_value],
            "value_text": row[at_text],
        }
        indicator_id = int(str(row[at_pk]))
        if row[at_breakdown]:
            key = (indicator_id, str(row[at_breakdown]), str(row[at_category]))
            by_category.setdefault(key, []).append(figure)
        else:
            values.setdefault(indicator_id, []).append(figure)
    changed = [indicator.updated_at for indicator in indicators] + [row[3] for row in rows]
    if breakdowns:
        last = breakdown_selectors.breakdowns_last_changed(indicator_ids=list(breakdowns))
        changed += [last] if last else []
    return PageFigures(
        values=values,
        breakdowns={
            pk: [
                {
                    "name": breakdown.name,
                    "categories": [
                        {
                            "name": category.name,
                            "values": by_category.get((pk, breakdown.name, category.name), []),
                        }
                        for category in breakdown.categories.all()
                    ],
                }
                for breakdown in indicator_breakdowns
            ]
            for pk, indicator_breakdowns in breakdowns.items()
        },
        last_modified=max(changed) if changed else None,
    )


@extend_schema(
    parameters=[
        OpenApiParameter(
            "theme", OpenApiTypes.STR, enum=Indicator.Theme.values, description="Theme"
        ),
        OpenApiParameter(
            "organisation", OpenApiTypes.INT, description="The owning organisation's id"
        ),
    ],
    summary="Published indicators, their figures and their breakdowns', small counts and "
    "what would give them back withheld",
)
class PublicIndicatorList(PublicListView):
    serializer_class = PublicIndicatorSerializer

    def get_queryset(self) -> Any:
        theme = self.request.query_params.get("theme") or None
        if theme is not None and theme not in Indicator.Theme.values:
            raise ValidationError({"theme": f"Choose one of: {', '.join(Indicator.Theme.values)}"})
        indicators = selectors.public_indicator_list()
        if theme is not None:
            indicators = indicators.filter(theme=theme)
        organisation = query_id(self.request, "organisation")
        if organisation is not None:
            indicators = indicators.filter(owner_id=organisation)
        return indicators

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "figures": self._figures}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page: list[Indicator] = self.paginate_queryset(self.get_queryset()) or []
        self._figures = _page_figures(page)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        self._last_modified = self._figures.last_modified
        return response

"""The public API's indicators: those on the public site, with their figures under
disclosure control (issue #16). Paged, limited and answered with an ETag and Last-Modified
as the rest of the public API is (api_public.py).

A figure that is a count below the indicator's disclosure threshold is given as null, with
"fewer than N" in its words; nothing else in the answer gives it back.
"""

import datetime
from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from answerable.indicators import disclosure, selectors
from answerable.indicators.models import Indicator
from answerable.publishing.api_public import PublicListView, query_id


class PublicIndicatorValueSerializer(serializers.Serializer):
    period_start = serializers.DateField(help_text="The first day of the month or quarter.")
    value = serializers.CharField(
        allow_null=True, help_text="The figure; null when it is a count too small to publish."
    )
    value_text = serializers.CharField(
        help_text="The figure as the site shows it, or “fewer than N” for a small count."
    )


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

    def get_target_value(self, indicator: Indicator) -> str | None:
        target = indicator.target_value
        return None if target is None else f"{target.normalize():f}"

    @extend_schema_field(PublicIndicatorValueSerializer(many=True))
    def get_values(self, indicator: Indicator) -> list[dict[str, Any]]:
        return self.context["values"].get(indicator.pk, [])


def _values(
    indicators: list[Indicator],
) -> tuple[dict[int, list[dict[str, Any]]], list[datetime.datetime]]:
    """Each indicator's current figures, small counts withheld, and when each was recorded:
    one query for the page."""
    by_pk = {indicator.pk: indicator for indicator in indicators}
    rows = (
        selectors.public_current_value_list()
        .filter(indicator__in=list(by_pk))
        .values_list("indicator_id", "period_start", "value", "created_at")
    )
    values: dict[int, list[dict[str, Any]]] = {}
    recorded: list[datetime.datetime] = []
    for indicator_id, period_start, value, created_at in rows:
        figure = disclosure.public_figure(Decimal(value), by_pk[indicator_id])
        values.setdefault(indicator_id, []).append(
            {
                "period_start": period_start,
                "value": None if figure.value is None else f"{figure.value.normalize():f}",
                "value_text": figure.text,
            }
        )
        recorded.append(created_at)
    return values, recorded


@extend_schema(
    parameters=[
        OpenApiParameter(
            "theme", OpenApiTypes.STR, enum=Indicator.Theme.values, description="Theme"
        ),
        OpenApiParameter(
            "organisation", OpenApiTypes.INT, description="The owning organisation's id"
        ),
    ],
    summary="Published indicators and their figures, small counts withheld",
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
        return {**super().get_serializer_context(), "values": self._values}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page: list[Indicator] = self.paginate_queryset(self.get_queryset()) or []
        self._values, recorded = _values(page)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        changed = [indicator.updated_at for indicator in page] + recorded
        self._last_modified = max(changed).timestamp() if changed else None
        return response

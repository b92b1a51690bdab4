"""The public, anonymous, read-only API over what is on the public site (issue #14); its
indicators are in api_public_indicators.py.

Paged by key (a cursor), filterable by source, organisation and delivery status. Clients poll
cheaply: every answer carries an ETag (a digest of its body) and a Last-Modified date (the
newest change among its rows), and a request that names either gets 304 Not Modified when
nothing changed. Each network address may ask PUBLIC_API_RATE times; past that, 429 with
Retry-After.
"""

import hashlib
from typing import Any

from django.conf import settings
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, pagination, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from answerable.recommendations import selectors as register
from answerable.recommendations.models import DeliveryStatus, Recommendation


class PublicActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.CharField(source="owner.name")
    target_date = serializers.DateField(source="target_on", allow_null=True)
    delivery_status = serializers.CharField()
    assurance_status = serializers.CharField()
    latest_public_update = serializers.SerializerMethodField()

    def get_latest_public_update(self, action: Any) -> str | None:
        narrative = self.context["narratives"].get(action.pk)
        return narrative.text if narrative else None


class PublicRecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    report_id = serializers.IntegerField(source="source_id")
    report = serializers.CharField(source="source.title")
    reference = serializers.CharField()
    text = serializers.CharField()
    finding_type = serializers.CharField()
    assurance_status = serializers.CharField()
    last_updated = serializers.DateTimeField(source="updated_at")
    actions = PublicActionSerializer(source="public_actions", many=True)


class PublicCursor(pagination.CursorPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("id",)

    def decode_cursor(self, request: Request) -> Any:
        """A cursor the client made up or mangled is a bad request, not a missing page."""
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": "Use the next or previous link as given"}) from None


class PublicThrottle(AnonRateThrottle):
    scope = "public_api"

    def get_rate(self) -> str:
        return str(settings.PUBLIC_API_RATE)


def query_id(request: Request, name: str) -> int | None:
    value = request.query_params.get(name, "")
    if not value:
        return None
    if not value.isdigit() or len(value) > 12:
        raise ValidationError({name: f"Give {name} as a whole number, like 12"})
    return int(value)


class PublicListView(generics.ListAPIView):
    """What every public list shares: anonymous, limited per address, paged by cursor, and
    answered with an ETag and the Last-Modified date its `list` sets in `_last_modified`."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]
    pagination_class = PublicCursor
    _last_modified: float | None = None

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code != 200:
            return response
        response.render()
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        # Whole seconds, as the header carries them, so If-Modified-Since compares like for like.
        last_modified = None if self._last_modified is None else int(self._last_modified)
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        response["Cache-Control"] = "public, max-age=60"
        unchanged = get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )
        return unchanged


@extend_schema(
    parameters=[
        OpenApiParameter("source", OpenApiTypes.INT, description="A public report's id"),
        OpenApiParameter("organisation", OpenApiTypes.INT, description="An organisation's id"),
        OpenApiParameter(
            "status", OpenApiTypes.STR, enum=DeliveryStatus.values, description="Delivery status"
        ),
    ],
    summary="Published recommendations and each organisation's progress",
)
class PublicRecommendationList(PublicListView):
    serializer_class = PublicRecommendationSerializer

    def get_queryset(self) -> Any:
        status = self.request.query_params.get("status") or None
        if status is not None and status not in DeliveryStatus.values:
            raise ValidationError({"status": f"Choose one of: {', '.join(DeliveryStatus.values)}"})
        return register.public_recommendation_filter(
            source_id=query_id(self.request, "source"),
            organisation_id=query_id(self.request, "organisation"),
            delivery_status=status,
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        return {**context, "narratives": self._narratives}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page: list[Recommendation] = self.paginate_queryset(self.get_queryset()) or []
        actions = [a for r in page for a in r.public_actions]  # type: ignore[attr-defined]
        self._narratives = register.public_narratives(action_ids=[a.pk for a in actions])
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        changed = [r.updated_at for r in page] + [a.updated_at for a in actions]
        self._last_modified = max(changed).timestamp() if changed else None
        return response

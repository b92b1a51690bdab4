"""The public, anonymous, read-only API over what is on the public site (issue #14); its
indicators are in api_public_indicators.py.

Paged by key (a cursor), filterable by source, organisation, delivery status, theme and
whether an action is overdue. Clients poll cheaply: every answer carries an ETag (a digest of
its body) and a Last-Modified date (the newest change among its rows), and a request that
names either gets 304 Not Modified when nothing changed (core.conditional). Each network
address may ask PUBLIC_API_RATE times; past that, 429 with Retry-After.
"""

import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, pagination, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from answerable.core.conditional import conditional_body
from answerable.recommendations import selectors as register
from answerable.recommendations.models import DeliveryStatus


class PublicEvidenceSerializer(serializers.Serializer):
    """Evidence published with an approved update: a file to download here, or a link."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()
    uploaded_at = serializers.DateTimeField(source="created_at")

    def get_url(self, evidence: Any) -> str:
        if evidence.link:
            return str(evidence.link)
        path = reverse("publishing:public_evidence", args=[evidence.pk])
        return self.context["request"].build_absolute_uri(path)


class PublicActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.CharField(source="owner.name")
    target_date = serializers.DateField(source="target_on", allow_null=True)
    delivery_status = serializers.CharField()
    assurance_status = serializers.CharField()
    latest_public_update = serializers.SerializerMethodField()
    # Set on each action by the view from one read of the page's evidence.
    published_evidence = PublicEvidenceSerializer(source="public_evidence", many=True)

    def get_latest_public_update(self, action: Any) -> str | None:
        narrative = self.context["narratives"].get(action.pk)
        return narrative.text if narrative else None

    def to_representation(self, action: Any) -> dict[str, Any]:
        """The declared fields (which the OpenAPI schema shows), written out directly: a page
        of 100 recommendations spent most of its time in the fields' generic machinery."""
        evidence = self.fields["published_evidence"]
        return {
            "id": action.pk,
            "organisation": action.owner.name,
            "target_date": action.target_on.isoformat() if action.target_on else None,
            "delivery_status": action.delivery_status,
            "assurance_status": action.assurance_status,
            "latest_public_update": self.get_latest_public_update(action),
            "published_evidence": evidence.to_representation(action.public_evidence),
        }


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

    def to_representation(self, recommendation: Any) -> dict[str, Any]:
        """The declared fields, written out directly (as PublicActionSerializer's)."""
        actions = self.fields["actions"]
        return {
            "id": recommendation.pk,
            "report_id": recommendation.source_id,
            "report": recommendation.source.title,
            "reference": recommendation.reference,
            "text": recommendation.text,
            "finding_type": recommendation.finding_type,
            "assurance_status": recommendation.assurance_status,
            "last_updated": self.fields["last_updated"].to_representation(
                recommendation.updated_at
            ),
            "actions": actions.to_representation(recommendation.public_actions),
        }


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
    _last_modified: datetime.datetime | None = None

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code != 200:
            return response
        response.render()
        return conditional_body(request, response, last_modified=self._last_modified)


@extend_schema(
    parameters=[
        OpenApiParameter("source", OpenApiTypes.INT, description="A public report's id"),
        OpenApiParameter("organisation", OpenApiTypes.INT, description="An organisation's id"),
        OpenApiParameter(
            "status", OpenApiTypes.STR, enum=DeliveryStatus.values, description="Delivery status"
        ),
        OpenApiParameter("theme", OpenApiTypes.INT, description="A theme's id"),
        OpenApiParameter(
            "overdue",
            OpenApiTypes.STR,
            enum=["yes", "no"],
            description="yes: with an action past its target date; no: with none",
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
        overdue = self.request.query_params.get("overdue") or None
        if overdue is not None and overdue not in ("yes", "no"):
            raise ValidationError({"overdue": "Choose one of: yes, no"})
        return register.public_recommendation_filter(
            source_id=query_id(self.request, "source"),
            organisation_id=query_id(self.request, "organisation"),
            delivery_status=status,
            theme_id=query_id(self.request, "theme"),
            is_overdue=None if overdue is None else overdue == "yes",
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        return {**context, "narratives": self._narratives}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = register.with_public_actions(self.paginate_queryset(self.get_queryset()) or [])
        actions = [a for r in page for a in r.public_actions]  # type: ignore[attr-defined]
        self._narratives = register.public_narratives(action_ids=[a.pk for a in actions])
        evidence = register.public_evidence(action_ids=[a.pk for a in actions])
        for action in actions:
            action.public_evidence = evidence[action.pk]
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        changed = [r.updated_at for r in page] + [a.updated_at for a in actions]
        self._last_modified = max(changed) if changed else None
        return response

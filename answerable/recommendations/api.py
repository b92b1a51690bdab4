"""Read-only JSON API over the register, using the same selectors (and so the same scoping)."""

from typing import cast

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import pagination, serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request

from answerable.accounts.models import User
from answerable.organisations.selectors import organisation_list
from answerable.recommendations import selectors
from answerable.recommendations.forms import ActionFilterForm, RecommendationFilterForm
from answerable.recommendations.models import Action, Recommendation


def signed_in_user(request: Request) -> User:
    """The request's user, for views whose permission classes let only signed-in users in."""
    return cast(User, request.user)


class RegisterPagination(pagination.PageNumberPagination):
    page_size = 100
    max_page_size = 100
    page_size_query_param = "page_size"

    def paginate_queryset(self, queryset, request, view=None):
        # As the list pages do: sort and skip narrow id rows, then read only the page's rows.
        rows = (
            selectors.recommendation_page_rows(queryset)
            if queryset.model is Recommendation
            else selectors.action_page_rows(queryset)
        )
        return super().paginate_queryset(rows, request, view)


class RecommendationSerializer(serializers.ModelSerializer):
    # A declared field named "source" shadows Field.source only in the stubs.
    source = serializers.CharField(source="source.title")  # type: ignore[assignment]
    source_id = serializers.IntegerField()
    finding_type = serializers.CharField()
    assurance_status = serializers.CharField()

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "source_id",
            "source",
            "reference",
            "text",
            "finding_type",
            "addressees",
            "response",
            "responded_on",
            "deadline_on",
            "assurance_status",
            "updated_at",
        ]


class ActionSerializer(serializers.ModelSerializer):
    recommendation_id = serializers.IntegerField()
    reference = serializers.CharField(source="recommendation.reference")
    owner = serializers.CharField(source="owner.name")

    class Meta:
        model = Action
        fields = [
            "id",
            "recommendation_id",
            "reference",
            "owner",
            "description",
            "target_on",
            "delivery_status",
            "assurance_status",
            "last_update_at",
        ]


class RecommendationViewSet(viewsets.ReadOnlyModelViewSet):
    """Recommendations the signed-in user may see, filtered as on the list page."""

    serializer_class = RecommendationSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = RegisterPagination

    def get_queryset(self) -> QuerySet[Recommendation]:
        request: Request = self.request
        user = signed_in_user(request)
        form = RecommendationFilterForm(
            request.query_params or None,
            sources=selectors.source_choice_list(user=user),
            owners=organisation_list(),
        )
        visible = selectors.recommendation_list(user=user)
        return selectors.recommendation_filter(visible, user=user, **form.filters())

    def get_object(self) -> Recommendation:
        try:
            return selectors.recommendation_get_for_user(
                user=signed_in_user(self.request), pk=int(self.kwargs["pk"])
            )
        except (ValueError, Http404):
            raise Http404 from None


class ActionViewSet(viewsets.ReadOnlyModelViewSet):
    """Actions the signed-in user may see, filtered as on the list page."""

    serializer_class = ActionSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = RegisterPagination

    def get_queryset(self) -> QuerySet[Action]:
        request: Request = self.request
        form = ActionFilterForm(request.query_params or None, owners=organisation_list())
        visible = selectors.action_list(user=signed_in_user(request))
        return selectors.action_filter(visible, **form.filters())


extend_schema(tags=["register"])(RecommendationViewSet)
extend_schema(tags=["register"])(ActionViewSet)

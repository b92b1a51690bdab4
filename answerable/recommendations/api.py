"""Read-only JSON API over the register, using the same selectors (and so the same scoping)."""

import datetime
from collections.abc import Callable
from functools import partial
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import pagination, serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from answerable.accounts.models import User
from answerable.core.keyset import Groups, LazyRows, SortKey, keyset_page
from answerable.organisations.selectors import organisation_list
from answerable.recommendations import selectors
from answerable.recommendations.forms_filters import ActionFilterForm, RecommendationFilterForm
from answerable.recommendations.models import Action, Recommendation


def signed_in_user(request: Request) -> User:
    """The request's user, for views whose permission classes let only signed-in users in."""
    return cast(User, request.user)


class RegisterPagination(pagination.BasePagination):
    """Pages of up to 100 (`page_size`), each linking to the next and previous by the row
    it starts from, as the list pages do (core.keyset): deep pages cost what the first does."""

    max_page_size = 100

    def paginate_queryset(  # type: ignore[override]  # only ever given a register list
        self, queryset: QuerySet[Any] | LazyRows, request: Request, view: Any = None
    ) -> list[Any]:
        self.request = request
        self.page = keyset_page(
            request,
            queryset,
            view.sort_keys(),
            count=view.list_count(),
            related=view.list_related,
            only=view.list_only,
            per_page=self._page_size(request),
            groups=view.list_groups(),
        )
        return self.page.rows

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.page.count,
                "next": self._link(self.page.next_query),
                "previous": self._link(self.page.previous_query),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The page object `get_paginated_response` returns, around the rows' own schema."""
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer"},
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """The query parameters a page reads; `after`, `before` and `page` come from links."""
        return [
            {
                "name": name,
                "in": "query",
                "required": False,
                "schema": {"type": kind},
                "description": description,
            }
            for name, kind, description in (
                ("page_size", "integer", f"Rows a page, 1 to {self.max_page_size} (the default)"),
                ("after", "string", "From a `next` link: the page starts after this row"),
                ("before", "string", "From a `previous` link: the page ends before this row"),
                ("page", "integer", "From a link: the page's number"),
            )
        ]

    def _link(self, query: str | None) -> str | None:
        return None if query is None else self.request.build_absolute_uri(self.request.path + query)

    def _page_size(self, request: Request) -> int:
        try:
            return min(max(int(request.query_params.get("page_size", "")), 1), self.max_page_size)
        except ValueError:
            return self.max_page_size


def _plain(field: serializers.Field) -> Callable[[Any], Any]:
    """The field's own `to_representation`, or the same result without its per-call work
    for the kinds these rows hold (text, whole numbers and ISO dates)."""
    if type(field) is serializers.CharField:
        return str
    if type(field) is serializers.IntegerField:
        return int
    if type(field) is serializers.DateField and field.to_representation(_A_DAY) == _A_DAY_ISO:
        return lambda value: value if isinstance(value, str) else value.isoformat()
    return field.to_representation


_A_DAY = datetime.date(2026, 1, 2)
_A_DAY_ISO = "2026-01-02"


class _PlainRowSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose rows are written by a plan made once a request: what DRF's
    `to_representation` would give, in about half its time (100 rows: 1.9 → 1.0 ms of CPU,
    issue #12). Only for fields read from attributes."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self.__dict__["_plan"] = [
                (field.field_name, field.source_attrs, _plain(field))
                for field in self._readable_fields
            ]
        row: dict[str, Any] = {}
        for name, attrs, represent in plan:
            value = instance
            for attr in attrs:
                value = getattr(value, attr)
                if value is None:
                    break
            row[name] = None if value is None else represent(value)
        return row


class RecommendationSerializer(_PlainRowSerializer):
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


class ActionSerializer(_PlainRowSerializer):
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
    list_related = ("source",)
    # The serializer's fields, so a row's other long texts stay unread.
    list_only = (
        *(name for name in RecommendationSerializer.Meta.fields if name != "source"),
        "source__title",
    )
    filters: dict[str, Any]
    listed: selectors.FilteredList

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """As the list page reads it (`recommendation_list_filtered`): its rows built only if
        the page counts them, its filters applied once for the rows and the groups."""
        user = signed_in_user(request)
        sources = selectors.recommendation_list_sources(user=user)
        form = RecommendationFilterForm(
            request.query_params or None,
            sources=partial(selectors.source_choice_list, user=user),
            source_options=sources.options,
            owners=organisation_list(),
            themes=selectors.theme_choice_list(user=user),
        )
        self.filters = form.filters()
        self.listed = selectors.recommendation_list_filtered(
            user=user, filters=self.filters, sources=sources
        )
        paginator = cast(RegisterPagination, self.paginator)
        rows = paginator.paginate_queryset(self.listed.rows, request, view=self)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def get_queryset(self) -> QuerySet[Recommendation]:
        """Every recommendation the user may see (the list reads its own, in `list`)."""
        return selectors.recommendation_list(user=signed_in_user(self.request))

    def sort_keys(self) -> tuple[SortKey, ...]:
        return selectors.recommendation_sort(self.filters.get("sort", ""))

    def list_groups(self) -> Groups | None:
        return self.listed.groups

    def list_count(self) -> int | None:
        return selectors.recommendation_count(
            user=signed_in_user(self.request), filters=self.filters
        )

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
    list_related = ("recommendation", "owner")
    list_only = (
        *(name for name in ActionSerializer.Meta.fields if name not in ("reference", "owner")),
        "owner_id",
        "recommendation__reference",
        "owner__name",
    )
    filters: dict[str, Any]

    def get_queryset(self) -> QuerySet[Action]:
        request: Request = self.request
        form = ActionFilterForm(request.query_params or None, owners=organisation_list())
        self.filters = form.filters()
        visible = selectors.action_list(user=signed_in_user(request))
        return selectors.action_filter(visible, **self.filters)

    def sort_keys(self) -> tuple[SortKey, ...]:
        return selectors.action_sort(self.filters.get("sort", ""))

    def list_groups(self) -> None:
        return None

    def list_count(self) -> int | None:
        return selectors.action_count(user=signed_in_user(self.request), filters=self.filters)


def filter_parameters(form_class: type[forms.Form]) -> list[OpenApiParameter]:
    """The list page's filters as query parameters, read from its form so the two agree."""
    parameters = []
    for name, field in form_class.base_fields.items():
        kind: type = str
        enum: list[str] | None = None
        if isinstance(field, forms.ModelChoiceField):
            kind = int
        elif isinstance(field, forms.ChoiceField):
            # A form field keeps its choices as a list of (value, label) pairs.
            choices = cast(list[tuple[str, str]], field.choices)
            enum = [value for value, _ in choices if value]
        parameters.append(OpenApiParameter(name, kind, description=str(field.label), enum=enum))
    return parameters


extend_schema(tags=["register"])(RecommendationViewSet)
extend_schema(tags=["register"])(ActionViewSet)
extend_schema_view(list=extend_schema(parameters=filter_parameters(RecommendationFilterForm)))(
    RecommendationViewSet
)
extend_schema_view(list=extend_schema(parameters=filter_parameters(ActionFilterForm)))(
    ActionViewSet
)

"""The filters on the recommendations and actions lists (and their exports and API)."""

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from answerable.core.forms import DrawnOptions, FixedChoiceField, ValuesModelChoiceField
from answerable.organisations.models import Organisation
from answerable.recommendations.models import (
    AssuranceStatus,
    DeliveryStatus,
    Recommendation,
    Source,
    Theme,
)

if TYPE_CHECKING:  # labels may be lazy: the forms are built when their module loads
    from django_stubs_ext import StrOrPromise


def _owner_field(label: "StrOrPromise") -> ValuesModelChoiceField:
    return ValuesModelChoiceField(
        label=label,
        queryset=Organisation.objects.none(),
        label_column="name",
        required=False,
        empty_label=_("All owners"),
    )


def _choice_field(
    label: "StrOrPromise", any_label: "StrOrPromise", choices: Sequence[tuple[str, Any]]
) -> FixedChoiceField:
    return FixedChoiceField(label=label, required=False, choices=[("", any_label), *choices])


class _ListFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)

    def filters(self) -> dict[str, Any]:
        """The valid filters: a wrong one is shown as an error and the rest still apply."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class RecommendationFilterForm(_ListFilterForm):
    source = ValuesModelChoiceField(
        label=_("Source"),
        queryset=Source.objects.none(),
        label_column="title",
        required=False,
        empty_label=_("All sources"),
    )
    owner = _owner_field(_("Action owner"))
    delivery_status = _choice_field(
        _("Has an action that is"), _("Any delivery status"), DeliveryStatus.choices
    )
    assurance_status = _choice_field(
        _("Assurance"), _("Any assurance status"), AssuranceStatus.choices
    )
    finding_type = _choice_field(
        _("Finding type"), _("Any finding type"), Recommendation.FindingType.choices
    )
    theme = ValuesModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.none(),
        label_column="name",
        required=False,
        empty_label=_("All themes"),
        error_messages={"invalid_choice": _("Select one of your office's themes")},
    )
    sort = FixedChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("source", _("Source and reference")),
            ("reference", _("Reference")),
            ("deadline", _("Deadline")),
            ("assurance", _("Assurance status")),
            ("updated", _("Recently changed")),
        ],
    )

    def __init__(
        self,
        *args: object,
        sources: QuerySet[Source] | Callable[[], QuerySet[Source]],
        owners: object,
        themes: object,
        source_options: DrawnOptions | None = None,
        owner_options: DrawnOptions | None = None,
        theme_options: DrawnOptions | None = None,
        **kwargs: object,
    ) -> None:
        """`source_options`, the sources' (id, title) pairs already read (with the list's
        groups, `selectors.recommendation_list_sources`), saves reading them again to draw
        the filter. `sources`, the queryset a chosen source is checked against, or a function
        building it: with the options drawn, it is built only when a source is chosen (it
        cost a list page about a millisecond, issue #12). `themes`, the user's offices'
        themes. `owner_options` and `theme_options`, their (id, name) pairs already read, are
        drawn without reading the querysets, which still check a chosen value."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if source_options is None or self.data.get(self.add_prefix("source")):
            queryset = sources() if callable(sources) else sources
            self.fields["source"].queryset = queryset  # type: ignore[attr-defined]
        self.fields["source"].options = source_options  # type: ignore[attr-defined]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner"].options = owner_options  # type: ignore[attr-defined]
        self.fields["theme"].queryset = themes  # type: ignore[attr-defined]
        self.fields["theme"].options = theme_options  # type: ignore[attr-defined]


class ActionFilterForm(_ListFilterForm):
    owner = _owner_field(_("Owner"))
    delivery_status = _choice_field(
        _("Delivery status"), _("Any delivery status"), DeliveryStatus.choices
    )
    assurance_status = _choice_field(
        _("Assurance"), _("Any assurance status"), AssuranceStatus.choices
    )
    due = _choice_field(
        _("Due"),
        _("Any time"),
        [("overdue", _("Overdue")), ("30_days", _("Due in the next 30 days"))],
    )
    sort = FixedChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("target", _("Target date")),
            ("owner", _("Owner")),
            ("status", _("Delivery status")),
            ("updated", _("Recently updated")),
            ("reference", _("Reference")),
        ],
    )

    def __init__(
        self,
        *args: object,
        owners: object,
        owner_options: DrawnOptions | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner"].options = owner_options  # type: ignore[attr-defined]

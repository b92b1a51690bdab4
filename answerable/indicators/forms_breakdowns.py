"""Forms for breakdowns: defining one, changing its categories, and entering a period's
figure for each category (issue #16)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from answerable.core.forms import TEXT_MAX_LENGTH
from answerable.indicators.breakdowns import NAME_MAX_LENGTH
from answerable.indicators.forms import NUMBER_INPUT, VALUE_ERRORS, IndicatorValueForm
from answerable.indicators.models import IndicatorBreakdown, IndicatorCategory

NAME = forms.CharField(
    label=_("What the figures are broken down by"),
    max_length=NAME_MAX_LENGTH,
    help_text=_("For example, local policing area or age group."),
    error_messages={
        "required": _("Enter what the figures are broken down by, like local policing area"),
        "max_length": _("The name must be 100 characters or fewer"),
    },
)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class BreakdownForm(forms.Form):
    """A new breakdown: its name and its categories, one a line."""

    name = NAME
    categories = forms.CharField(
        label=_("Categories"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One a line, in the order the figures should be shown. Between 2 and 50."),
        error_messages={"required": _("Enter the categories, one a line")},
    )

    def clean_categories(self) -> list[str]:
        return _lines(self.cleaned_data["categories"])


class BreakdownUpdateForm(forms.Form):
    """Rename the breakdown or any category, remove categories with no figures, add more."""

    name = NAME
    added = forms.CharField(
        label=_("Add categories (optional)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line. They are shown after the others."),
    )

    def __init__(self, *args: Any, breakdown: IndicatorBreakdown, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "name": breakdown.name,
                **{f"category_{c.pk}": c.name for c in breakdown.categories.all()},
            },
        )
        super().__init__(*args, **kwargs)
        self.categories = list(breakdown.categories.all())
        for number, category in enumerate(self.categories, start=1):
            self.fields[f"category_{category.pk}"] = forms.CharField(
                label=_("Category %(number)s") % {"number": number},
                required=False,
                max_length=NAME_MAX_LENGTH,
                help_text=_("Leave it empty to remove the category, if it has no figures."),
                error_messages={"max_length": _("The name must be 100 characters or fewer")},
            )
        self.order_fields(["name", *(f"category_{c.pk}" for c in self.categories), "added"])

    def clean_added(self) -> list[str]:
        return _lines(self.cleaned_data["added"])

    def service_arguments(self) -> dict[str, Any]:
        """What `breakdowns.indicator_breakdown_update` takes besides who and which."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "renamed": {c.pk: data[f"category_{c.pk}"] for c in self.categories},
            "added": data["added"],
        }


class CategoryValuesForm(forms.Form):
    """A period's figure for each category, and why, where one replaces a figure recorded."""

    period_start = forms.DateField(widget=forms.HiddenInput)
    reason = IndicatorValueForm.base_fields["reason"]

    def __init__(
        self,
        *args: Any,
        categories: list[IndicatorCategory],
        recorded: dict[int, Decimal],
        unit_label: str,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {})
        for category in categories:
            if category.pk in recorded:
                kwargs["initial"][f"category_{category.pk}"] = (
                    f"{recorded[category.pk].normalize():f}"
                )
        super().__init__(*args, **kwargs)
        self.categories = categories
        for category in categories:
            self.fields[f"category_{category.pk}"] = forms.DecimalField(
                label=category.name,
                required=False,
                max_digits=14,
                decimal_places=4,
                widget=NUMBER_INPUT,
                help_text=unit_label,
                error_messages=VALUE_ERRORS,
            )
        self.order_fields([*(f"category_{c.pk}" for c in categories), "reason"])

    def service_arguments(self) -> dict[str, Any]:
        """What `breakdowns.indicator_category_values_record` takes besides who and which."""
        data = self.cleaned_data
        return {
            "period_start": data["period_start"],
            "values": {c.pk: data[f"category_{c.pk}"] for c in self.categories},
            "reason": data["reason"],
        }

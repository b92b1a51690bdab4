import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from answerable.core.forms import TEXT_MAX_LENGTH, GovukDateField, VersionedForm
from answerable.indicators import periods
from answerable.indicators.models import DEFINITION_FIELDS, Indicator
from answerable.meetings.forms import agenda_item_choices
from answerable.meetings.models import AgendaItem
from answerable.organisations.models import Organisation
from answerable.recommendations.forms_import import TableUploadForm
from answerable.recommendations.models import Recommendation
from answerable.workforce.forms import recommendation_choices

# A text box, as the Design System advises for numbers: type="number" rounds, accepts "e"
# and changes its value when scrolled over.
NUMBER_INPUT = forms.TextInput(attrs={"spellcheck": False})
VALUE_ERRORS = {
    "required": _("Enter the figure for the period"),
    "invalid": _("The figure must be a number, like 12 or 4.5"),
    "max_digits": _("The figure must have 14 digits or fewer"),
    "max_decimal_places": _("The figure must have 4 decimal places or fewer"),
    "max_whole_digits": _("The figure must be less than 10,000,000,000"),
}


class IndicatorDefinitionForm(forms.Form):
    """An indicator's definition: what it counts, how, and what good looks like."""

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Enter the name of the indicator")},
    )
    definition = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Definition"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What it measures, in plain English."),
        error_messages={"required": _("Enter what the indicator measures")},
    )
    counting_rules = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Counting rules (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is counted and what is left out, and when a case counts."),
    )
    theme = forms.ChoiceField(
        label=_("Theme"),
        choices=Indicator.Theme.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the theme")},
    )
    unit = forms.ChoiceField(
        label=_("Unit"),
        choices=Indicator.Unit.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the unit the figures are in")},
    )
    direction = forms.ChoiceField(
        label=_("Which direction is better"),
        choices=Indicator.Direction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether higher or lower figures are better")},
    )
    frequency = forms.ChoiceField(
        label=_("How often the figures are recorded"),
        choices=Indicator.Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how often the figures are recorded")},
    )
    source_system = forms.CharField(
        label=_("Source system (optional)"),
        required=False,
        max_length=200,
        help_text=_("Where the figures come from, like Niche RMS or the council's case system."),
    )
    target_value = forms.DecimalField(
        label=_("Target (optional)"),
        required=False,
        widget=NUMBER_INPUT,
        max_digits=14,
        decimal_places=4,
        error_messages={
            "invalid": _("The target must be a number, like 90 or 4.5"),
            "max_digits": _("The target must have 14 digits or fewer"),
            "max_decimal_places": _("The target must have 4 decimal places or fewer"),
            "max_whole_digits": _("The target must be less than 10,000,000,000"),
        },
    )
    target_on = GovukDateField(
        label=_("Date the target is for (optional)"),
        required=False,
        help_text=_("Leave empty if the target has no date. For example, 31 3 2027"),
    )
    is_publishable = forms.BooleanField(
        label=_("The figures may be published"),
        required=False,
    )
    disclosure_threshold = forms.IntegerField(
        label=_("Smallest count that may be published"),
        min_value=1,
        max_value=100,
        initial=5,
        help_text=_("Public figures show “fewer than” this number instead of a smaller count."),
        error_messages={
            "required": _("Enter the smallest count that may be published, like 5"),
            "invalid": _("The smallest count must be a whole number, like 5"),
            "min_value": _("The smallest count must be between 1 and 100"),
            "max_value": _("The smallest count must be between 1 and 100"),
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target_on") and data.get("target_value") is None:
            self.add_error("target_value", _("Enter the target for the date given"))
        return data


class IndicatorForm(IndicatorDefinitionForm):
    """A new indicator: its owner, then its definition."""

    owner = forms.ModelChoiceField(
        label=_("Organisation that owns the figures"),
        queryset=Organisation.objects.none(),
        empty_label=_("Select an organisation"),
        error_messages={
            "required": _("Select the organisation that owns the figures"),
            "invalid_choice": _("Select the organisation that owns the figures"),
        },
    )
    field_order = ["owner"]

    def __init__(self, *args: Any, owners: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = owners


class IndicatorUpdateForm(VersionedForm, IndicatorDefinitionForm):
    """The definition without the owner, carrying the version it was drawn from."""

    @staticmethod
    def initial_from(indicator: Indicator) -> dict[str, Any]:
        return {field: getattr(indicator, field) for field in DEFINITION_FIELDS}


def period_choices(
    *, indicator: Indicator, recorded: list[datetime.date], today: datetime.date
) -> list[tuple[str, str]]:
    """The periods a figure may be entered for, newest first: three years back, or back to
    the first recorded period if that is earlier, up to the period that has begun."""
    frequency = indicator.frequency
    latest = periods.period_containing(today, frequency)
    first = periods.add_periods(latest, -(36 // periods.MONTHS_IN[frequency]) + 1, frequency)
    if recorded:
        first = min(first, recorded[0])
    return [
        (period.isoformat(), periods.period_label(period, frequency))
        for period in reversed(periods.periods_between(first, latest, frequency))
    ]


class IndicatorValueForm(forms.Form):
    """A figure for one period, and why, when it replaces a figure already recorded."""

    period_start = forms.ChoiceField(
        label=_("Period"),
        error_messages={
            "required": _("Select the period the figure is for"),
            "invalid_choice": _("Select the period the figure is for"),
        },
    )
    value = forms.DecimalField(
        label=_("Figure"),
        max_digits=14,
        decimal_places=4,
        widget=NUMBER_INPUT,
        error_messages=VALUE_ERRORS,
    )
    reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Reason for the change (if the period already has a figure)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The figure already recorded is kept, with yours shown as its revision and this reason."
        ),
    )

    def __init__(
        self, *args: Any, choices: list[tuple[str, str]], unit_label: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        period_field = self.fields["period_start"]
        assert isinstance(period_field, forms.ChoiceField)
        period_field.choices = choices
        self.fields["value"].help_text = unit_label

    def clean_period_start(self) -> datetime.date:
        return datetime.date.fromisoformat(self.cleaned_data["period_start"])


class IndicatorLinkForm(forms.Form):
    recommendation = forms.ModelChoiceField(
        label=_("Recommendation"),
        queryset=Recommendation.objects.none(),
        empty_label=_("Select a recommendation"),
        error_messages={
            "required": _("Select the recommendation this indicator is evidence for"),
            "invalid_choice": _("Select the recommendation this indicator is evidence for"),
        },
    )
    note = forms.CharField(
        label=_("Why it is evidence (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, recommendations: QuerySet[Recommendation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        recommendation_choices(self.fields["recommendation"], recommendations)


class IndicatorAgendaLinkForm(forms.Form):
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"),
        queryset=AgendaItem.objects.none(),
        empty_label=_("Select an agenda item"),
        error_messages={
            "required": _("Select the agenda item the indicator is evidence for"),
            "invalid_choice": _("Select the agenda item the indicator is evidence for"),
        },
    )
    note = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Why the figures are evidence (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, agenda_items: QuerySet[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agenda_item_choices(self.fields["agenda_item"], agenda_items)


class IndicatorImportForm(TableUploadForm):
    """A CSV or XLSX file of figures."""

    def wrong_type_message(self, name: str) -> str:
        return _("The selected file must be a CSV or XLSX file. %(name)s is not") % {"name": name}

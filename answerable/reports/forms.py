from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from answerable.organisations.models import Organisation
from answerable.recommendations.models import Source


class ReportForm(forms.Form):
    """Choose what a progress report covers: sources, a period and who it is for."""

    sources = forms.ModelMultipleChoiceField(
        queryset=Source.objects.none(),
        label=_("Sources"),
        help_text=_("Select every source the report covers, or none for all your office's."),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Organisation (optional)"),
        help_text=_("Choose one to report only on its actions, across the sources."),
        required=False,
        empty_label=_("Every organisation"),
    )
    period_from = forms.DateField(
        label=_("Period starts"),
        help_text=_("For example, 2026-01-01: usually the day after the last report."),
        error_messages={"required": _("Enter the date the period starts")},
    )
    period_to = forms.DateField(
        label=_("Period ends"),
        help_text=_("For example, 2026-06-30."),
        error_messages={"required": _("Enter the date the period ends")},
    )
    audience = forms.ChoiceField(
        label=_("Who is it for?"),
        choices=[
            ("internal", _("Internal: with the latest updates and reasons for moved dates")),
            ("public", _("Public: published sources only, no internal text")),
        ],
        widget=forms.RadioSelect,
        initial="internal",
        error_messages={"required": _("Choose who the report is for")},
    )

    def __init__(
        self,
        *args: Any,
        sources: QuerySet[Source],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = sources  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("sources") and not cleaned.get("organisation"):
            self.add_error("sources", _("Select at least one source, or an organisation"))
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and end < start:
            self.add_error(
                "period_to", _("The end of the period must be the same as or after its start")
            )
        return cleaned


class ProgressReportForm(ReportForm):
    """A report the office owes: what ReportForm chooses, with a title and a due date."""

    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_("For example, Telford inquiry: partnership progress report, June 2027."),
        error_messages={"required": _("Enter the report's title")},
    )
    due_on = forms.DateField(
        label=_("Due"),
        help_text=_("The date the report must be published or presented, for example 2027-06-30."),
        error_messages={"required": _("Enter the date the report is due")},
    )
    field_order = [
        "title", "due_on", "sources", "organisation", "period_from", "period_to", "audience"
    ]  # fmt: skip


class ApproveForm(forms.Form):
    """Nothing to fill in: the page says what approval freezes, the button confirms."""

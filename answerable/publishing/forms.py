"""Forms on the public site (no sign-in)."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from answerable.recommendations.models import AssuranceStatus, DeliveryStatus

OVERDUE_CHOICES = [
    ("", _("Overdue or not")),
    ("yes", _("Has an overdue action")),
    ("no", _("Has no overdue action")),
]


class PublicSourceFilterForm(forms.Form):
    """Narrow a public report's recommendations. Read from the query string, so a value the
    form does not offer (a stale or hand-made link) is an error the page names."""

    organisation = forms.TypedChoiceField(
        label=_("Organisation acting"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Select an organisation from the list")},
    )
    delivery_status = forms.ChoiceField(
        label=_("Has an action that is"),
        required=False,
        choices=[("", _("Any delivery status")), *DeliveryStatus.choices],
        error_messages={"invalid_choice": _("Select a delivery status from the list")},
    )
    assurance_status = forms.ChoiceField(
        label=_("Assurance"),
        required=False,
        choices=[("", _("Any assurance status")), *AssuranceStatus.choices],
        error_messages={"invalid_choice": _("Select an assurance status from the list")},
    )
    theme = forms.TypedChoiceField(
        label=_("Theme"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Select a theme from the list")},
    )
    overdue = forms.ChoiceField(
        label=_("Target dates"),
        required=False,
        choices=OVERDUE_CHOICES,
        error_messages={"invalid_choice": _("Select whether an action is overdue from the list")},
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[int, str]],
        themes: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["organisation"])
        field.choices = [("", _("Any organisation")), *organisations]
        field = cast(forms.TypedChoiceField, self.fields["theme"])
        field.choices = [("", _("Any theme")), *themes]

    @property
    def filters(self) -> dict[str, Any]:
        """The filters chosen, as the public selector takes them; empty ones left out."""
        data = self.cleaned_data
        overdue = data.get("overdue") or None
        return {
            "organisation_id": data.get("organisation"),
            "delivery_status": data.get("delivery_status") or None,
            "assurance_status": data.get("assurance_status") or None,
            "theme_id": data.get("theme"),
            "is_overdue": None if overdue is None else overdue == "yes",
        }

    @property
    def is_filtered(self) -> bool:
        return any(value is not None for value in self.filters.values())

"""Forms for an office's themes and for saving a list's filters under a name (issue #17)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from answerable.core.forms import VersionedForm
from answerable.recommendations.models import Theme

NAME_ERRORS = {
    "required": _("Enter the name of the theme"),
    "max_length": _("The name must be 100 characters or fewer"),
}


def _name_field() -> forms.CharField:
    return forms.CharField(label=_("Name of the theme"), max_length=100, error_messages=NAME_ERRORS)


class ThemeForm(forms.Form):
    name = _name_field()


class ThemeRenameForm(VersionedForm):
    name = _name_field()


class ThemeMergeForm(forms.Form):
    into: "forms.ModelChoiceField[Theme]" = forms.ModelChoiceField(
        label=_("Merge it into"),
        help_text=_(
            "Its recommendations will be on the theme you choose. Its name will still lead "
            "there, in imports and edits."
        ),
        queryset=Theme.objects.none(),
        empty_label=_("Select a theme"),
        error_messages={
            "required": _("Select the theme to merge it into"),
            "invalid_choice": _("Select one of your office's themes"),
        },
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = candidates  # type: ignore[attr-defined]


class SavedViewForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the view"),
        max_length=100,
        help_text=_("For example, Off-track training actions"),
        error_messages={
            "required": _("Enter a name for the view"),
            "max_length": _("The name must be 100 characters or fewer"),
        },
    )
    is_shared = forms.TypedChoiceField(
        label=_("Who can use it"),
        choices=[
            ("false", _("Only me")),
            ("true", _("Everyone in my organisation")),
        ],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who can use the view")},
    )
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)

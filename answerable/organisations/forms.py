from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from answerable.core.forms import TEXT_MAX_LENGTH, VersionedForm
from answerable.organisations.models import Membership, Organisation


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Enter the organisation's name")},
    )
    short_name = forms.CharField(
        label=_("Short name (optional)"),
        max_length=60,
        required=False,
        help_text=_("Shown in tables, for example West Mercia OPCC."),
    )
    kind = forms.ChoiceField(
        label=_("Type of organisation"),
        choices=Organisation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the type of organisation")},
    )
    office = forms.ModelChoiceField(
        label=_("Whose area is it in"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
        help_text=_("The office whose administrators will manage it."),
        error_messages={"invalid_choice": _("Select an office you administer")},
    )

    def __init__(
        self, *args: Any, offices: QuerySet[Organisation], may_add_offices: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]
        if not may_add_offices:
            # Only a system administrator adds an office (issue #11).
            self.fields["kind"].choices = [  # type: ignore[attr-defined]
                choice
                for choice in Organisation.Kind.choices
                if choice[0] != Organisation.Kind.PCC_OFFICE
            ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        if kind and kind != Organisation.Kind.PCC_OFFICE and not cleaned.get("office"):
            self.add_error("office", _("Select the office whose area the partner is in"))
        return cleaned


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Why is the organisation being archived"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter the reason for archiving the organisation")},
    )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_(
            "If they already have an account, in this or another organisation, they are given "
            "this role as well and told by email."
        ),
        error_messages={
            "required": _("Enter the person's email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
        },
    )
    # Not needed for an existing account (issue #18): the service asks for it for a new one.
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        required=False,
        help_text=_("Leave this blank if they already have an account."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the person's role")},
    )


class AreaForm(VersionedForm):
    office = forms.ModelChoiceField(
        label=_("Whose area is it in"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.PCC_OFFICE, is_archived=False),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the office whose area the partner is in")},
    )


class ApprovalRuleForm(VersionedForm):
    requires_second_approval = forms.BooleanField(
        label=_("A second person must approve what the office puts out"),
        help_text=_(
            "Progress reports, meeting summaries and the public text of updates: whoever "
            "drafted or proposed one cannot approve or publish it themselves."
        ),
        required=False,
    )


class OrganisationSignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Work email address"),
        help_text=_("The address your organisation gave you, like name@shire.police.uk."),
        max_length=254,
        error_messages={
            "required": _("Enter your work email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": False}),
    )

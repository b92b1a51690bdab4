from django import forms

from answerable.organisations.models import Membership, Organisation


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the organisation's name"}
    )
    short_name = forms.CharField(
        label="Short name (optional)",
        max_length=60,
        required=False,
        help_text="Shown in tables, for example West Mercia OPCC.",
    )
    kind = forms.ChoiceField(
        label="Type of organisation",
        choices=Organisation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of organisation"},
    )


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label="Why is the organisation being archived",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for archiving the organisation"},
    )


class InviteForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the person's name"}
    )
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Membership.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's role"},
    )

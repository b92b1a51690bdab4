"""Forms for changing the register after it is loaded: edits, archiving, superseding, the
responses and an action's plan (issue #17). Forms that replace what a row holds carry the
version they were drawn from (issue #11)."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from answerable.accounts.models import User
from answerable.core.files import DOCX, PDF, CheckedFile, check_upload
from answerable.core.forms import TEXT_MAX_LENGTH, GovukDateField, VersionedForm
from answerable.recommendations.forms import RecommendationForm, SourceForm
from answerable.recommendations.models import Action, Recommendation, Source

REASON_HINT = _("This is kept in the history, with who made the change and when.")


def _reason_field(label: Any, required_message: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HINT,
        error_messages={"required": required_message},
    )


class SourceUpdateForm(VersionedForm, SourceForm):
    """The source's details without its uploaded copy, with the reason for the change."""

    reason = _reason_field(_("Why are you changing it"), _("Enter why the details are changing"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["document"]

    @staticmethod
    def initial_from(source: Source) -> dict[str, Any]:
        return {
            "title": source.title,
            "kind": source.kind,
            "publisher": source.publisher,
            "published_on": source.published_on,
            "url": source.url,
            "deadline_rule": source.deadline_rule,
        }


class RecommendationUpdateForm(VersionedForm, RecommendationForm):
    """The recommendation's details, with the reason for the change."""

    reason = _reason_field(
        _("Why are you changing it"), _("Enter why the recommendation is changing")
    )

    @staticmethod
    def initial_from(recommendation: Recommendation) -> dict[str, Any]:
        return {
            "reference": recommendation.reference,
            "text": recommendation.text,
            "finding_type": recommendation.finding_type,
            "addressees": recommendation.addressees,
            "themes": ", ".join(sorted(t.name for t in recommendation.themes.all())),
        }


class ArchiveForm(forms.Form):
    reason = _reason_field(_("Why is it being archived"), _("Enter why it is being archived"))


class RestoreForm(forms.Form):
    reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Why is it being restored (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class SupersedeForm(forms.Form):
    superseded_by: "forms.ModelChoiceField[Recommendation]" = forms.ModelChoiceField(
        label=_("The recommendation that supersedes it"),
        queryset=None,
        empty_label=_("Select a recommendation"),
        error_messages={
            "required": _("Select the recommendation that supersedes it"),
            "invalid_choice": _("Select the recommendation that supersedes it"),
        },
    )
    reason = _reason_field(_("Why is it superseded"), _("Enter why it is superseded"))

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["superseded_by"]
        field.queryset = candidates  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda r: f"{r.source.title[:60]} – {r.reference}"
        )


class SourceResponseForm(VersionedForm):
    responded_on = GovukDateField(
        label=_("Date the response was published"),
        required=True,
        help_text=_("For example, 3 2 2024"),
    )
    response_url = forms.URLField(
        label=_("Web address of the response (optional)"),
        required=False,
        max_length=500,
        error_messages={
            "invalid": _("Enter a web address in the correct format, like https://www.example.org")
        },
    )
    response_document = forms.FileField(
        label=_("Upload the response (optional)"),
        required=False,
        help_text=_(
            "The comments or response as published: a PDF or Word (DOCX) file, up to 10MB."
        ),
    )

    def clean_response_document(self) -> CheckedFile | None:
        upload = self.cleaned_data.get("response_document")
        if not upload:
            return None
        return check_upload(
            upload, allowed=frozenset({PDF, DOCX}), max_bytes=settings.EVIDENCE_MAX_BYTES
        )


class ResponseForm(VersionedForm):
    """The addressee's response to a recommendation, drawn from the one on record."""

    response = forms.ChoiceField(
        label=_("Response"),
        widget=forms.RadioSelect,
        choices=[c for c in Recommendation.Response.choices if c[0]],
        error_messages={"required": _("Select the response")},
    )
    response_text = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Response text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    responded_on = GovukDateField(label=_("Date of the response"), required=True)

    @staticmethod
    def initial_from(recommendation: Recommendation) -> dict[str, Any]:
        return {
            "response": recommendation.response,
            "response_text": recommendation.response_text,
            "responded_on": recommendation.responded_on,
        }


class LeadForm(VersionedForm):
    lead: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(
        label=_("Lead officer"),
        queryset=None,
        required=False,
        empty_label=_("No lead"),
        help_text=_("Only the owner organisation's lead officers can lead an action."),
    )

    def __init__(self, *args: Any, leads: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads  # type: ignore[attr-defined]


class TargetDateForm(VersionedForm):
    """The action's target date, drawn as it stands, and the reason for moving it."""

    new_on = GovukDateField(label=_("Target date"), required=True)
    reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter the reason for changing the target date")},
    )

    @staticmethod
    def initial_from(action: Action) -> dict[str, Any]:
        return {"new_on": action.target_on}

"""Forms that change the register: sources, recommendations, links, actions, updates and
assessments. The lists' filters are in forms_filters."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from answerable.core.files import EVIDENCE_KINDS, PDF, CheckedFile, check_upload
from answerable.core.forms import TEXT_MAX_LENGTH, GovukDateField
from answerable.organisations.models import Organisation
from answerable.organisations.selectors import organisation_list
from answerable.recommendations.models import (
    Assessment,
    DeliveryStatus,
    Evidence,
    Recommendation,
    RecommendationLink,
    Source,
)


class SourceForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the report"),
        max_length=500,
        error_messages={"required": _("Enter the title of the report")},
    )
    kind = forms.ChoiceField(
        label=_("Type of source"),
        choices=Source.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the type of source")},
    )
    publisher = forms.CharField(
        label=_("Publisher"),
        max_length=200,
        help_text=_("For example, HMICFRS or the inquiry's chair."),
        error_messages={"required": _("Enter the publisher")},
    )
    published_on = GovukDateField(
        label=_("Publication date"),
        required=True,
        help_text=_("For example, 8 12 2023"),
    )
    url = forms.URLField(
        label=_("Web address of the report"),
        required=False,
        max_length=500,
        error_messages={
            "invalid": _("Enter a web address in the correct format, like https://www.example.org")
        },
    )
    deadline_rule = forms.ChoiceField(
        label=_("Statutory deadline"),
        choices=Source.DeadlineRule.choices,
        widget=forms.RadioSelect,
        initial=Source.DeadlineRule.NONE,
        error_messages={"required": _("Select the statutory deadline that applies")},
    )
    document = forms.FileField(
        label=_("Upload the report (optional)"),
        required=False,
        help_text=_("A PDF, up to 10MB."),
    )

    def clean_document(self) -> CheckedFile | None:
        upload = self.cleaned_data.get("document")
        if not upload:
            return None
        return check_upload(upload, allowed=frozenset({PDF}), max_bytes=settings.EVIDENCE_MAX_BYTES)


class RecommendationForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference as published"),
        max_length=50,
        help_text=_("For example, R12 or AFI 2."),
        error_messages={"required": _("Enter the reference as published")},
    )
    text = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Full text"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Enter the full text of the recommendation")},
    )
    finding_type = forms.ChoiceField(
        label=_("Finding type"),
        choices=Recommendation.FindingType.choices,
        widget=forms.RadioSelect,
        initial=Recommendation.FindingType.RECOMMENDATION,
        error_messages={"required": _("Select the finding type")},
    )
    addressees = forms.CharField(
        label=_("Addressed to"),
        max_length=500,
        required=False,
        help_text=_(
            "Who the report names, for example West Mercia Police; Telford & Wrekin Council."
        ),
    )
    themes = forms.CharField(
        label=_("Themes"),
        required=False,
        max_length=500,
        help_text=_("Separate themes with commas, for example Training, Intelligence."),
    )

    def clean_themes(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["themes"].split(",") if t.strip()]


class ActionForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Owner organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Select an organisation"),
        error_messages={"required": _("Select the organisation that owns this action")},
    )
    description = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("What the organisation will do"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter what the organisation will do")},
    )
    target_on = GovukDateField(label=_("Target date"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].queryset = organisation_list()  # type: ignore[attr-defined]


class LinkForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("How are they related"),
        # Superseding changes the older one's state: it has its own page.
        choices=[
            c for c in RecommendationLink.Kind.choices if c[0] != RecommendationLink.Kind.SUPERSEDES
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how they are related")},
    )
    to_recommendation: "forms.ModelChoiceField[Recommendation]" = forms.ModelChoiceField(
        label=_("Related recommendation"),
        queryset=None,
        empty_label=_("Select a recommendation"),
        error_messages={"required": _("Select the related recommendation")},
    )

    def __init__(self, *args: object, candidates: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["to_recommendation"]
        field.queryset = candidates  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda r: f"{r.source.title[:60]} – {r.reference}"
        )


class UpdateForm(forms.Form):
    narrative = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("What has been done since the last update"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Enter what has been done since the last update")},
    )
    status = forms.ChoiceField(
        label=_("Delivery status"),
        choices=DeliveryStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select a delivery status")},
    )
    public_narrative = forms.CharField(
        label=_("Text for the public site (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
        help_text=_(
            "What the public may read about this progress. The PCC's office reviews it before "
            "it appears. Leave out names and anything sensitive."
        ),
    )
    unable_reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("If unable to implement, why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("For example, the national or legislative change it needs."),
    )
    evidence_file = forms.FileField(
        label=_("Attach evidence (optional)"),
        required=False,
        help_text=_("A PDF, Word (DOCX), Excel (XLSX), PNG or JPEG file, up to 10MB."),
    )
    evidence_link = forms.URLField(
        label=_("Or link to evidence (optional)"),
        required=False,
        max_length=500,
        error_messages={
            "invalid": _("Enter a web address in the correct format, like https://www.example.org")
        },
    )
    evidence_title = forms.CharField(label=_("Evidence title"), required=False, max_length=300)
    evidence_marking = forms.ChoiceField(
        label=_("Handling marking of the evidence"),
        choices=Evidence.Marking.choices,
        widget=forms.RadioSelect,
        initial=Evidence.Marking.OFFICIAL,
    )
    evidence_is_published = forms.BooleanField(
        label=_("The evidence may be published on the public site"), required=False
    )

    def clean_evidence_file(self) -> CheckedFile | None:
        upload = self.cleaned_data.get("evidence_file")
        if not upload:
            return None
        return check_upload(upload, allowed=EVIDENCE_KINDS, max_bytes=settings.EVIDENCE_MAX_BYTES)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (
            data.get("evidence_is_published")
            and data.get("evidence_marking") == Evidence.Marking.OFFICIAL_SENSITIVE
        ):
            self.add_error(
                "evidence_is_published", _("OFFICIAL-SENSITIVE evidence cannot be published")
            )
        return data


class AssessmentForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Assurance decision"),
        widget=forms.RadioSelect,
        choices=[c for c in Assessment.Verdict.choices if c[0] != Assessment.Verdict.REOPENED],
        error_messages={"required": _("Select assured, partly assured or not assured")},
    )
    rationale = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Rationale"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you saw that supports the decision."),
        error_messages={"required": _("Enter the rationale for the assessment")},
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Why is this being reopened"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter the reason for reopening")},
    )

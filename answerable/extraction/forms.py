from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from answerable.core.forms import TEXT_MAX_LENGTH, VersionedForm
from answerable.extraction.pdf_text import MAX_PAGES
from answerable.extraction.reports import Extraction, report_extract
from answerable.recommendations.models import Recommendation


class ReportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Upload a report PDF"),
        error_messages={"required": _("Select a report PDF")},
        allow_empty_file=True,  # report_check names an empty file itself
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["file"].help_text = _(
            "The report as published, with its text (not a scan): up to %(size)s and "
            "%(pages)s pages."
        ) % {"size": filesizeformat(settings.EVIDENCE_MAX_BYTES), "pages": MAX_PAGES}

    def clean_file(self) -> Extraction:
        return report_extract(self.cleaned_data["file"])


class ItemForm(forms.Form):
    """An item's reference, type, text and owner, as the office corrects or adds it."""

    reference = forms.CharField(
        label=_("Reference as published"),
        max_length=50,
        error_messages={
            "required": _("Enter the reference as published, like R3"),
            "max_length": _("Reference must be 50 characters or fewer"),
        },
    )
    finding_type = forms.ChoiceField(
        label=_("Type"),
        choices=Recommendation.FindingType.choices,
        error_messages={"required": _("Select the type of item")},
    )
    text = forms.CharField(
        label=_("Full text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": _("Enter the full text of the item")},
    )
    owner = forms.CharField(
        label=_("Action owner (optional)"),
        required=False,
        max_length=500,
        help_text=_(
            "Organisation names, separated by semicolons, as the register knows them. Leave "
            "blank to add owners later."
        ),
    )


class ItemAddForm(ItemForm):
    page = forms.IntegerField(
        label=_("Page (optional)"),
        required=False,
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Enter the page as a number, like 12"),
            "min_value": _("Enter the page as a number, like 12"),
        },
    )


class ItemChangeForm(VersionedForm, ItemForm):
    """The item's fields, carrying the version of the item they were drawn from."""


class ItemSplitForm(VersionedForm):
    text = forms.CharField(
        label=_("Where does the item split?"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=TEXT_MAX_LENGTH,
        help_text=_(
            "Add a line holding only --- where the second item starts. The text below it "
            "becomes a new item after this one."
        ),
        error_messages={"required": _("Enter the item's text with a line holding only ---")},
    )


class ReportImportForm(forms.Form):
    source = forms.CharField(
        label=_("Source title"),
        max_length=500,
        help_text=_("The title of the report as the register will list it."),
        error_messages={
            "required": _("Enter the source title"),
            "max_length": _("Source title must be 500 characters or fewer"),
        },
    )

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from answerable.extraction.pdf_text import MAX_PAGES
from answerable.extraction.reports import Extraction, report_extract


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

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from answerable.core.files import TABLE_KINDS, CheckedFile, check_upload
from answerable.recommendations.importing import FIELDS
from answerable.recommendations.tables import Table, read_table


@dataclass(frozen=True)
class UploadedTable:
    file: CheckedFile
    table: Table


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV or Excel (XLSX) file with a header row, up to 5MB.",
        error_messages={"required": "Select a file"},
        allow_empty_file=True,  # check_upload reports an empty file by name
    )

    def clean_file(self) -> UploadedTable:
        upload = self.cleaned_data["file"]
        try:
            checked = check_upload(upload, allowed=TABLE_KINDS, max_bytes=settings.IMPORT_MAX_BYTES)
        except ValidationError as error:
            if error.code == "wrong_type":
                raise ValidationError(
                    f"The selected file must be a CSV or XLSX file. The content of "
                    f"{upload.name} is not CSV or XLSX",
                    code="wrong_type",
                ) from None
            raise
        # Read it now, so a malformed file is reported here rather than on a later page.
        table = read_table(checked.content, kind=checked.kind, name=checked.name)
        return UploadedTable(file=checked, table=table)


class ImportMappingForm(forms.Form):
    """One select per importer field, listing the file's column headers."""

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Not in the file"), *((h, h) for h in headers)]
        for item in FIELDS:
            self.fields[item.name] = forms.ChoiceField(
                label=f"{item.label} ({item.name})",
                choices=choices,
                required=item.required,
                help_text=" ".join(filter(None, ["Required." if item.required else "", item.hint])),
                error_messages={
                    "required": f"Select the column that holds the {item.label.lower()}",
                    "invalid_choice": f"Select the column that holds the {item.label.lower()}",
                },
            )

    def mapping(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if value}

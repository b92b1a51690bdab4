from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from answerable.core.files import TABLE_KINDS, CheckedFile, check_upload
from answerable.core.forms import HIDDEN_MAX_LENGTH
from answerable.organisations.models import Organisation, organisation_name_key
from answerable.organisations.selectors import organisation_list
from answerable.recommendations.importing import (
    FIELDS,
    NewOrganisation,
    OwnerDecisions,
    UnknownOwner,
)
from answerable.recommendations.importing.owners import name_parts
from answerable.recommendations.tables import Table, read_table


@dataclass(frozen=True)
class UploadedTable:
    file: CheckedFile
    table: Table


class TableUploadForm(forms.Form):
    """A CSV or XLSX file, checked by its content and read at once, so a file that cannot be
    read is reported here rather than on a later page. The indicators' import shares it."""

    file = forms.FileField(
        label=_("Upload a file"),
        help_text=_("A CSV or Excel (XLSX) file with a header row, up to 5MB."),
        error_messages={"required": _("Select a file")},
        allow_empty_file=True,  # check_upload reports an empty file by name
    )

    def wrong_type_message(self, name: str) -> str:
        return _(
            "The selected file must be a CSV or XLSX file. The content of %(name)s is not CSV "
            "or XLSX"
        ) % {"name": name}

    def clean_file(self) -> UploadedTable:
        upload = self.cleaned_data["file"]
        try:
            checked = check_upload(upload, allowed=TABLE_KINDS, max_bytes=settings.IMPORT_MAX_BYTES)
        except ValidationError as error:
            if error.code == "wrong_type":
                raise ValidationError(
                    self.wrong_type_message(upload.name), code="wrong_type"
                ) from None
            raise
        table = read_table(checked.content, kind=checked.kind, name=checked.name)
        return UploadedTable(file=checked, table=table)


class ImportUploadForm(TableUploadForm):
    """The register's import file."""


class ImportMappingForm(forms.Form):
    """One select per importer field, listing the file's column headers."""

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Not in the file")), *((h, h) for h in headers)]
        for item in FIELDS:
            self.fields[item.name] = forms.ChoiceField(
                label=f"{item.label} ({item.name})",
                choices=choices,
                required=item.required,
                help_text=" ".join(filter(None, ["Required." if item.required else "", item.hint])),
                error_messages={
                    "required": _("Select the column that holds the %(field)s")
                    % {"field": item.label.lower()},
                    "invalid_choice": _("Select the column that holds the %(field)s")
                    % {"field": item.label.lower()},
                },
            )

    def mapping(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if value}


def _organisation_choice(organisation: Organisation) -> str:
    return f"org-{organisation.pk}"


class OwnerMatchForm(forms.Form):
    """One group of checkboxes for each owner name the register does not know.

    The choices are the name's suggestions, the organisations to be created with this import
    and the office's area; several ticked give the name several owners.
    """

    def __init__(
        self,
        *args: Any,
        unknown: list[UnknownOwner],
        area: list[Organisation],
        decisions: OwnerDecisions,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.unknown = unknown
        self.decisions = decisions
        self.by_choice: dict[str, Organisation | NewOrganisation] = {}
        for index, owner in enumerate(unknown):
            choices = []
            for suggestion in owner.suggestions:
                choices.append(
                    (
                        _organisation_choice(suggestion.organisation),
                        _("%(name)s (suggested)") % {"name": suggestion.organisation.name},
                    )
                )
            for number, new in enumerate(decisions.new_organisations):
                choices.append(
                    (
                        f"new-{number}",
                        _("%(name)s (new: added when the import runs)") % {"name": new.name},
                    )
                )
            listed = {value for value, _label in choices}
            choices += [
                (_organisation_choice(o), o.name)
                for o in area
                if _organisation_choice(o) not in listed
            ]
            self.by_choice |= {
                _organisation_choice(s.organisation): s.organisation for s in owner.suggestions
            }
            self.fields[f"owner_{index}"] = forms.MultipleChoiceField(
                label=owner.value,
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("In %(rows)s. Select every organisation it names.")
                % {"rows": owner.rows_text},
                error_messages={
                    "required": _("Select the organisations that “%(name)s” means")
                    % {"name": owner.value}
                },
            )
            self.initial[f"owner_{index}"] = self._initial(owner)
        self.by_choice |= {_organisation_choice(o): o for o in area}
        self.by_choice |= {f"new-{n}": o for n, o in enumerate(decisions.new_organisations)}

    def _initial(self, owner: UnknownOwner) -> list[str]:
        """What was chosen before, or else the organisations whose names differ only in
        case, "&"/"and" or punctuation from the name or one of its parts."""
        if owner.key in self.decisions.existing or owner.key in self.decisions.created:
            names = self.decisions.created.get(owner.key, [])
            return [f"org-{pk}" for pk in self.decisions.existing.get(owner.key, [])] + [
                f"new-{n}"
                for n, new in enumerate(self.decisions.new_organisations)
                if new.name in names
            ]
        keys = {owner.key, *(organisation_name_key(p) for p in name_parts(owner.value))}
        return [
            _organisation_choice(s.organisation) for s in owner.suggestions if s.is_same_name
        ] + [
            f"new-{n}"
            for n, new in enumerate(self.decisions.new_organisations)
            if organisation_name_key(new.name) in keys
        ]

    def chosen(self) -> OwnerDecisions:
        """The decisions the ticked boxes make, with the organisations to create."""
        decisions = OwnerDecisions(new_organisations=list(self.decisions.new_organisations))
        for index, owner in enumerate(self.unknown):
            for choice in self.cleaned_data[f"owner_{index}"]:
                target = self.by_choice[choice]
                if isinstance(target, NewOrganisation):
                    decisions.add(owner.value, new=target.name)
                else:
                    decisions.add(owner.value, organisation_id=target.pk)
        return decisions


class NewOwnerForm(forms.Form):
    """An organisation to create with the import, in the office's area."""

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Enter the organisation's name")},
    )
    short_name = forms.CharField(
        label=_("Short name (optional)"),
        max_length=60,
        required=False,
        help_text=_("Shown in tables, for example T&W Council."),
    )
    kind = forms.ChoiceField(
        label=_("Type of organisation"),
        choices=[c for c in Organisation.Kind.choices if c[0] != Organisation.Kind.PCC_OFFICE],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the type of organisation")},
    )
    for_value = forms.CharField(
        max_length=HIDDEN_MAX_LENGTH, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, planned: list[NewOrganisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.planned = planned

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        key = organisation_name_key(name)
        for existing in organisation_list(include_archived=True).values_list("name", flat=True):
            if organisation_name_key(existing) == key:
                raise ValidationError(
                    _("%(name)s is already in Answerable: select it on the previous page")
                    % {"name": existing}
                )
        for new in self.planned:
            if organisation_name_key(new.name) == key:
                raise ValidationError(
                    _("%(name)s is already being added with this import") % {"name": new.name}
                )
        return name

    def organisation(self) -> NewOrganisation:
        return NewOrganisation(
            name=self.cleaned_data["name"],
            kind=self.cleaned_data["kind"],
            short_name=self.cleaned_data["short_name"].strip(),
        )

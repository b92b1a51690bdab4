from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from answerable.core.files import TABLE_KINDS, CheckedFile, check_upload
from answerable.core.forms import TEXT_MAX_LENGTH, GovukDateField, VersionedForm
from answerable.meetings.forms import agenda_item_choices
from answerable.meetings.models import AgendaItem
from answerable.organisations.models import Organisation
from answerable.recommendations.models import Recommendation
from answerable.workforce import importing
from answerable.workforce.models import Course, WorkforceType
from answerable.workforce.tables import StoredTable


def _checked_table(upload: Any, what: str) -> CheckedFile:
    """Check a roster or completions upload by content, then its columns for identifying data."""
    try:
        checked = check_upload(
            upload, allowed=TABLE_KINDS, max_bytes=settings.WORKFORCE_IMPORT_MAX_BYTES
        )
    except ValidationError as error:
        if error.code == "wrong_type":
            raise ValidationError(
                _(
                    "The %(what)s must be a CSV or XLSX file. "
                    "The content of %(name)s is not CSV or XLSX"
                )
                % {"what": what, "name": upload.name},
                code="wrong_type",
            ) from None
        raise
    problems = importing.identifying_column_errors(
        StoredTable(content=checked.content, kind=checked.kind, name=checked.name)
    )
    if problems:
        raise ValidationError(problems, code="identifying")
    return checked


class SnapshotUploadForm(forms.Form):
    taken_on = GovukDateField(
        label=_("Date of the snapshot"),
        help_text=_("The date the files were exported. For example, 31 3 2025"),
        error_messages={"required": _("Enter the date of the snapshot")},
    )
    roster = forms.FileField(
        label=_("Staff roster"),
        error_messages={"required": _("Select the staff roster")},
        allow_empty_file=True,  # check_upload names an empty file
    )
    completions = forms.FileField(
        label=_("Training completions"),
        error_messages={"required": _("Select the training completions file")},
        allow_empty_file=True,
    )

    def __init__(self, *args: Any, forces: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = filesizeformat(settings.WORKFORCE_IMPORT_MAX_BYTES)
        self.fields["roster"].help_text = (
            "CSV or Excel (XLSX), up to "
            f"{limit}: one row per person with a pseudonymised staff ID, workforce type, rank "
            "or grade, command, location, start date and leaving date. No names."
        )
        self.fields["completions"].help_text = (
            f"CSV or Excel (XLSX), up to {limit}: staff ID, course code, completion date and "
            "expiry date."
        )
        self.forces = list(forces)
        if len(self.forces) > 1:
            self.fields["organisation"] = forms.ChoiceField(
                label=_("Force"),
                choices=[(str(f.pk), f.name) for f in self.forces],
                widget=forms.RadioSelect,
                error_messages={"required": _("Select the force the files are for")},
            )
            self.order_fields(["organisation"])

    def clean_taken_on(self) -> Any:
        taken_on = self.cleaned_data["taken_on"]
        if taken_on and taken_on > timezone.localdate():
            raise ValidationError(_("The date of the snapshot must be today or in the past"))
        return taken_on

    def clean_roster(self) -> CheckedFile:
        return _checked_table(self.cleaned_data["roster"], "staff roster")

    def clean_completions(self) -> CheckedFile:
        return _checked_table(self.cleaned_data["completions"], "completions file")

    def organisation(self) -> Organisation:
        if "organisation" in self.fields:
            return next(f for f in self.forces if str(f.pk) == self.cleaned_data["organisation"])
        return self.forces[0]


class MappingForm(forms.Form):
    """One select per field of each file, listing that file's column headers."""

    def __init__(self, *args: Any, headers: dict[str, list[str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in (importing.ROSTER, importing.COMPLETIONS):
            choices = [("", _("Not in the file")), *((h, h) for h in headers[kind])]
            label = importing.FILE_LABELS[kind]
            for item in importing.FIELDS[kind]:
                message = _("Select the column of the %(file)s that holds the %(field)s") % {
                    "file": label,
                    "field": item.label.lower(),
                }
                self.fields[f"{kind}-{item.name}"] = forms.ChoiceField(
                    label=item.label,
                    choices=choices,
                    required=item.required,
                    help_text=(
                        _("Required. %(hint)s") % {"hint": item.hint}
                        if item.required
                        else item.hint
                    ),
                    error_messages={"required": message, "invalid_choice": message},
                )

    def fields_for(self, kind: str) -> list[forms.BoundField]:
        return [self[f"{kind}-{item.name}"] for item in importing.FIELDS[kind]]

    def mapping(self) -> dict[str, dict[str, str]]:
        result: dict[str, dict[str, str]] = {importing.ROSTER: {}, importing.COMPLETIONS: {}}
        for name, value in self.cleaned_data.items():
            kind, _, field = name.partition("-")
            if value:
                result[kind][field] = value
        return result

    @staticmethod
    def initial_from(mapping: dict[str, dict[str, str]]) -> dict[str, str]:
        return {
            f"{kind}-{name}": column
            for kind, fields in mapping.items()
            for name, column in fields.items()
        }


class CourseForm(forms.Form):
    title = forms.CharField(
        label=_("Course title"),
        max_length=200,
        error_messages={"required": _("Enter the course title")},
    )
    code = forms.CharField(
        label=_("Course code"),
        max_length=30,
        help_text=_("As it appears in the completions file from the learning system."),
        error_messages={"required": _("Enter the course code")},
    )
    workforce_types = forms.MultipleChoiceField(
        label=_("Who must complete it"),
        choices=WorkforceType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select who must complete the course")},
    )
    commands = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Commands or departments (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line, as in the roster. Leave empty if every command must complete it."
        ),
    )
    refresh_months = forms.IntegerField(
        label=_("Refresh period in months (optional)"),
        required=False,
        min_value=1,
        max_value=240,
        help_text=_(
            "How long a completion stays in date when the file gives no expiry date. "
            "Leave empty if it never needs refreshing."
        ),
        error_messages={
            "invalid": _("The refresh period must be a whole number of months, like 36"),
            "min_value": _("The refresh period must be 1 month or more"),
            "max_value": _("The refresh period must be 240 months or fewer"),
        },
    )
    target_percent = forms.IntegerField(
        label=_("Target (per cent in date)"),
        min_value=0,
        max_value=100,
        initial=90,
        error_messages={
            "required": _("Enter the target, like 90"),
            "invalid": _("The target must be a whole number, like 90"),
            "min_value": _("The target must be between 0 and 100"),
            "max_value": _("The target must be between 0 and 100"),
        },
    )

    def clean_commands(self) -> list[str]:
        commands = [line.strip() for line in self.cleaned_data["commands"].splitlines()]
        if any(len(command) > 100 for command in commands):
            raise ValidationError(_("Each command must be 100 characters or fewer"))
        return [command for command in commands if command]


class CourseUpdateForm(VersionedForm, CourseForm):
    """The course form without the code (completions already imported were matched by it),
    carrying the version it was drawn from."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["code"]

    @staticmethod
    def initial_from(course: Course) -> dict[str, Any]:
        audiences = list(course.audiences.all())
        return {
            "title": course.title,
            "workforce_types": list(dict.fromkeys(a.workforce_type for a in audiences)),
            "commands": "\n".join(dict.fromkeys(a.command for a in audiences if a.command)),
            "refresh_months": course.refresh_months,
            "target_percent": course.target_percent,
        }


class CourseArchiveForm(forms.Form):
    reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Why is the course being archived"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("This is kept in the history, with who archived it and when."),
        error_messages={"required": _("Enter why the course is being archived")},
    )


class CourseRestoreForm(forms.Form):
    reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Why is the course being restored (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


def recommendation_choices(field: forms.Field, recommendations: QuerySet[Recommendation]) -> None:
    """Offer the recommendations in a choice field, each named by its reference and source:
    for the apps that link their evidence to a recommendation (coverage, indicators)."""
    field.queryset = recommendations  # type: ignore[attr-defined]
    field.label_from_instance = (  # type: ignore[attr-defined]
        lambda r: f"{r.reference}: {r.source.title}"[:150]
    )


class CoverageLinkForm(forms.Form):
    recommendation = forms.ModelChoiceField(
        label=_("Recommendation"),
        queryset=Recommendation.objects.none(),
        empty_label=_("Select a recommendation"),
        error_messages={
            "required": _("Select the recommendation this coverage is evidence for"),
            "invalid_choice": _("Select the recommendation this coverage is evidence for"),
        },
    )
    note = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Why this coverage is evidence (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self, *args: Any, recommendations: QuerySet[Recommendation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        recommendation_choices(self.fields["recommendation"], recommendations)


class CoverageLinkAgendaItemForm(forms.Form):
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"),
        queryset=AgendaItem.objects.none(),
        empty_label=_("Select an agenda item"),
        error_messages={
            "required": _("Select the agenda item this coverage is evidence for"),
            "invalid_choice": _("Select the agenda item this coverage is evidence for"),
        },
    )
    note = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Why this coverage is evidence (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, agenda_items: QuerySet[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agenda_item_choices(self.fields["agenda_item"], agenda_items)

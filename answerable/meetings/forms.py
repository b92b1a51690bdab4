import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from markupsafe import Markup, escape

from answerable.core.files import EVIDENCE_KINDS, CheckedFile, check_upload
from answerable.core.forms import TEXT_MAX_LENGTH, GovukDateField, VersionedForm
from answerable.meetings.models import AccountabilityMeeting, AgendaItem, ItemVerdict, Marking
from answerable.organisations.models import Organisation
from answerable.organisations.selectors import organisation_list

TIME_PATTERN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def _organisations() -> QuerySet[Organisation]:
    return organisation_list()


def agenda_item_choices(field: forms.Field, items: QuerySet[AgendaItem]) -> None:
    """Offer the items in a choice field, each named by its meeting, the meeting's date, its
    number and its title: for apps that link their evidence to an agenda item."""
    field.queryset = items  # type: ignore[attr-defined]
    field.label_from_instance = (  # type: ignore[attr-defined]
        lambda item: (
            _("%(meeting)s, %(date)s: item %(position)s, %(title)s")
            % {
                "meeting": item.meeting.title,
                "date": f"{item.meeting.local_starts_at:%-d %B %Y}",
                "position": item.position,
                "title": item.title,
            }
        )[:200]
    )


class MeetingForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_("For example, Assurance and accountability: child sexual exploitation."),
        error_messages={"required": _("Enter the title of the meeting")},
    )
    kind = forms.ChoiceField(
        label=_("Type of meeting"),
        choices=AccountabilityMeeting.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the type of meeting")},
    )
    starts_on = GovukDateField(
        label=_("Date"), required=True, help_text=_("For example, 31 3 2026")
    )
    starts_time = forms.CharField(
        label=_("Start time"),
        max_length=5,
        help_text=_("Use the 24-hour clock, for example 10:00 or 14:30."),
        error_messages={"required": _("Enter the start time")},
    )
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    online_url = forms.URLField(
        label=_("Link to join online (optional)"),
        max_length=500,
        required=False,
        error_messages={
            "invalid": _("Enter a web address in the correct format, like https://www.example.org")
        },
    )
    chair_name = forms.CharField(
        label=_("Chair"),
        max_length=200,
        help_text=_("For example, Police and Crime Commissioner (John Campion)."),
        error_messages={"required": _("Enter the name of the chair")},
    )
    is_public = forms.BooleanField(
        label=_("This is a public meeting: list it in the public calendar"), required=False
    )

    def clean_starts_time(self) -> datetime.time:
        match = TIME_PATTERN.match(self.cleaned_data["starts_time"])
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise forms.ValidationError(_("Enter the start time as hours and minutes, like 10:30"))
        return datetime.time(int(match[1]), int(match[2]))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("venue") and not data.get("online_url") and not self.has_error("venue"):
            self.add_error("venue", _("Enter the venue or the link to join online"))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        starts_on, starts_time = data.pop("starts_on"), data.pop("starts_time")
        data["starts_at"] = timezone.make_aware(datetime.datetime.combine(starts_on, starts_time))
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        widget=forms.RadioSelect,
        choices=(),
        error_messages={"required": _("Select the new status")},
    )
    note = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Note (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, allowed: Sequence[tuple[str, object]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = allowed  # type: ignore[attr-defined]


class AttendeeForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, error_messages={"required": _("Enter the attendee's name")}
    )
    role = forms.CharField(
        label=_("Role at the meeting"),
        max_length=200,
        required=False,
        help_text=_("For example, Chief Constable."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Not a member organisation"),
        help_text=_("Members of this organisation can then see the meeting and table papers."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()  # type: ignore[attr-defined]


@dataclass(frozen=True)
class RegisterLabel:
    """How a register row's box is labelled: its reference, a name beside it and the start of
    its text, each a column of the row (`__` crossing to a related row)."""

    columns: tuple[str, str, str]
    pattern: str  # of the reference, the name and the text
    text_length: int

    def text(self, reference: str, name: str, text: str) -> str:
        return self.pattern.format(reference, name, text[: self.text_length])


RECOMMENDATION_LABEL = RegisterLabel(("reference", "source__title", "text"), "{} ({}): {}", 120)
ACTION_LABEL = RegisterLabel(
    ("recommendation__reference", "owner__name", "description"), "{}, {}: {}", 100
)


class RegisterChoiceField(forms.ModelMultipleChoiceField):
    """Register rows to tick, each labelled as `labelled` says. `boxes_html` draws the boxes
    from the labels' columns in one query and one pass: through govukCheckboxes, a macro call
    a box, the agenda item form's 200 boxes were most of its time (issue #12)."""

    def __init__(self, *args: Any, labelled: RegisterLabel, **kwargs: Any) -> None:
        self.labelled = labelled
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return self.labelled.text(*(_column(obj, path) for path in self.labelled.columns))

    def boxes_html(self, bound_field: forms.BoundField) -> Markup:
        """The boxes' markup as govukCheckboxes draws it in a fieldset, those the field holds
        ticked; the first box's id is the field's, which the error summary links to."""
        ticked = {str(value) for value in (bound_field.value() or [])}
        name, prefix = escape(bound_field.html_name), bound_field.auto_id
        rows = self.queryset.values_list("pk", *self.labelled.columns)  # type: ignore[union-attr]
        boxes = []
        for index, (pk, *label) in enumerate(rows, start=1):
            box_id = escape(prefix if index == 1 else f"{prefix}-{index}")
            tick = " checked" if str(pk) in ticked else ""
            boxes.append(
                f'<div class="govuk-checkboxes__item">\n'
                f'  <input class="govuk-checkboxes__input" id="{box_id}" name="{name}"'
                f' type="checkbox" value="{pk}"{tick}>\n'
                f'  <label class="govuk-label govuk-checkboxes__label" for="{box_id}">\n'
                f"    {escape(self.labelled.text(*label))}\n"
                "  </label>\n"
                "</div>"
            )
        return Markup("\n".join(boxes))  # noqa: S704 - every id, name and label is escaped


def _column(row: Any, path: str) -> Any:
    return reduce(getattr, path.split("__"), row)


class AgendaItemForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        error_messages={"required": _("Enter the title of the item")},
    )
    theme = forms.CharField(
        label=_("Theme (optional)"),
        max_length=100,
        required=False,
        help_text=_("For example, Training or Putting victims first."),
    )
    description = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("What the item covers (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    is_sensitive = forms.BooleanField(
        label=_("This item is sensitive: never publish it"), required=False
    )
    recommendations = RegisterChoiceField(
        label=_("Recommendations this item considers"),
        labelled=RECOMMENDATION_LABEL,
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    actions = RegisterChoiceField(
        label=_("Register actions this item considers"),
        labelled=ACTION_LABEL,
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, recommendations: QuerySet[Any], actions: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recommendations"].queryset = recommendations  # type: ignore[attr-defined]
        self.fields["actions"].queryset = actions  # type: ignore[attr-defined]


class AgendaItemUpdateForm(VersionedForm, AgendaItemForm):
    """The item form for a saved item, carrying the version it was drawn from."""


class PaperForm(forms.Form):
    title = forms.CharField(label=_("Title of the paper"), max_length=300, required=False)
    file = forms.FileField(
        label=_("Upload the paper"),
        help_text=_("A PDF, Word (DOCX), Excel (XLSX), PNG or JPEG file, up to 10MB."),
        error_messages={"required": _("Select the paper to upload")},
    )
    marking = forms.ChoiceField(
        label=_("Handling marking"),
        choices=Marking.choices,
        widget=forms.RadioSelect,
        initial=Marking.OFFICIAL,
        error_messages={"required": _("Select the handling marking")},
    )
    is_published = forms.BooleanField(
        label=_("The paper may be published with the meeting summary"), required=False
    )

    def clean_file(self) -> CheckedFile:
        return check_upload(
            self.cleaned_data["file"], allowed=EVIDENCE_KINDS, max_bytes=settings.EVIDENCE_MAX_BYTES
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_published") and data.get("marking") == Marking.OFFICIAL_SENSITIVE:
            self.add_error("is_published", _("OFFICIAL-SENSITIVE papers cannot be published"))
        return data


class QuestionForm(forms.Form):
    text = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Question"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter the question")},
    )
    asked_by = forms.CharField(
        label=_("Asked by"),
        max_length=200,
        help_text=_("For example, Police and Crime Commissioner."),
        error_messages={"required": _("Enter who asked the question")},
    )
    addressed_to = forms.ModelChoiceField(
        label=_("Addressed to"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("No organisation"),
        help_text=_(
            "Lead officers of this organisation can prepare a response before the meeting."
        ),
    )
    when = forms.ChoiceField(
        label=_("When was it asked"),
        widget=forms.RadioSelect,
        choices=[
            ("prepared", _("Prepared before the meeting")),
            ("raised", _("Raised in the meeting")),
        ],
        initial="prepared",
        error_messages={"required": _("Select when the question was asked")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["addressed_to"].queryset = _organisations()  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["is_prepared"] = data.pop("when") == "prepared"
        return data


class ResponseForm(forms.Form):
    text = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Response"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Enter the response")},
    )
    given_by_name = forms.CharField(
        label=_("Given by"),
        max_length=200,
        help_text=_("The person answering, for example Chief Constable."),
        error_messages={"required": _("Enter who gave the response")},
    )
    given_by_organisation = forms.ModelChoiceField(
        label=_("Their organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Not a member organisation"),
    )

    def __init__(self, *args: Any, for_organisation: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if for_organisation:
            self.fields["given_by_organisation"].queryset = _organisations()  # type: ignore[attr-defined]
        else:
            del self.fields["given_by_organisation"]


class VerdictForm(VersionedForm):
    """The chair's verdict, carrying the version of the verdict it was drawn from."""

    verdict = forms.ChoiceField(
        label=_("Verdict"),
        widget=forms.RadioSelect,
        choices=ItemVerdict.Verdict.choices,
        error_messages={"required": _("Select the verdict")},
    )
    rationale = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Rationale"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the chair heard that supports the verdict."),
        error_messages={"required": _("Enter the rationale for the verdict")},
    )


class AssessmentOfferForm(forms.Form):
    recommendations = RegisterChoiceField(
        label=_("Record the verdict as an assessment of"),
        labelled=RECOMMENDATION_LABEL,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select the recommendations to assess")},
    )

    def __init__(self, *args: Any, offered: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recommendations"].queryset = offered  # type: ignore[attr-defined]


class MeetingActionForm(forms.Form):
    description = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("What needs to be done"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter what needs to be done")},
    )
    owner = forms.ModelChoiceField(
        label=_("Owner organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Select an organisation"),
        error_messages={"required": _("Select the organisation that owns this action")},
    )
    owner_name = forms.CharField(
        label=_("Person responsible (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example, Assistant Chief Constable, Crime and Vulnerability."),
    )
    due_on = GovukDateField(label=_("Due date"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _organisations()  # type: ignore[attr-defined]


class CloseActionForm(forms.Form):
    note = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("How was the action completed"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter a note saying how the action was completed")},
    )

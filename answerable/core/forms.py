"""Form fields shared by every app, worded as the GOV.UK Design System asks."""

import copy
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core import signing
from django.db import models
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

# Every free-text field has a limit (issue #17): about four pages of A4 for text, what a
# password manager makes for passwords, and a hidden field's signed values.
TEXT_MAX_LENGTH = 10_000
PASSWORD_MAX_LENGTH = 1_024
HIDDEN_MAX_LENGTH = 100_000


class GovukDateInput(forms.Widget):
    """Three text boxes (day, month, year) named `<name>-day` and so on, as GOV.UK's date input."""

    def split(self, value: Any) -> tuple[str, str, str]:
        if isinstance(value, datetime.date):
            return str(value.day), str(value.month), str(value.year)
        return "", "", ""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [str(data.get(f"{name}-{part}", "")).strip() for part in ("day", "month", "year")]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}-{part}" in data for part in ("day", "month", "year"))


# One whole sentence for each part or pair of parts left out, so each can be translated.
_INCOMPLETE = {
    ("day",): gettext_lazy("The %(name)s must include a day"),
    ("month",): gettext_lazy("The %(name)s must include a month"),
    ("year",): gettext_lazy("The %(name)s must include a year"),
    ("day", "month"): gettext_lazy("The %(name)s must include a day and month"),
    ("day", "year"): gettext_lazy("The %(name)s must include a day and year"),
    ("month", "year"): gettext_lazy("The %(name)s must include a month and year"),
}


class GovukDateField(forms.Field):
    """A date entered as day, month and year, with the Design System's error messages."""

    widget = GovukDateInput

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date):
            return value
        parts = list(value or ["", "", ""])
        name = str(self.label or "date").lower()
        if not any(parts):
            return None
        missing = tuple(p for p, v in zip(("day", "month", "year"), parts, strict=True) if not v)
        if missing:
            raise forms.ValidationError(_INCOMPLETE[missing] % {"name": name}, code="incomplete")
        try:
            day, month, year = (int(p) for p in parts)
            if year < 1900 or year > 2200:
                raise ValueError
            return datetime.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(
                gettext("The %(name)s must be a real date") % {"name": name}, code="invalid"
            ) from None

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise forms.ValidationError(
                self.error_messages["required"]
                if self.error_messages.get("required")
                != forms.Field.default_error_messages["required"]
                else gettext("Enter the %(name)s") % {"name": str(self.label or "date").lower()},
                code="required",
            )


def _escaped(text: str) -> str:
    """markupsafe's escapes as plain str.replace calls: a national viewer's 2,500 options
    took 4.3 ms through Markup and take 1.9 ms so (issue #12)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def options_html(pairs: Iterable[tuple[Any, Any]], selected: str) -> str:
    """`<option>`s for (value, label) pairs with `selected` chosen (not marked safe: the
    caller decides). Every value and label is escaped in one pass over them all, joined by a
    character no text holds, rather than five replacements for each: a list page's filters
    offer some 700 options, a national viewer's 3,000 (issue #12)."""
    values = [str(value) for value, _label in pairs]
    labels = [str(label) for _value, label in pairs]
    count = len(values)
    escaped = _escaped("\x00".join(values) + "\x00" + "\x00".join(labels)).split("\x00")
    if len(escaped) != 2 * count:  # a text held the separator: escape each on its own
        escaped = [_escaped(text) for text in values + labels]
    options = [
        f'<option value="{value}">{label}</option>'
        for value, label in zip(escaped[:count], escaped[count:], strict=True)
    ]
    if selected in values:
        for index, value in enumerate(values):
            if value == selected:
                options[index] = (
                    f'<option value="{escaped[index]}" selected>{escaped[count + index]}</option>'
                )
    return "\n".join(options)


class DrawnOptions:
    """A select's (value, label) pairs, drawn as markup in one pass rather than one template
    call an option: a national viewer's source filter offers 2,500."""

    def __init__(self, pairs: list[tuple[Any, str]]) -> None:
        self.pairs = pairs

    def __iter__(self) -> Any:
        return iter(self.pairs)

    def html(self, selected: str) -> str:
        """The options' markup with `selected` chosen (not marked safe: the caller decides)."""
        return options_html(self.pairs, selected)


_CHOICES: Any = vars(forms.ChoiceField)["choices"]  # Django's property, extended below


class FixedChoiceField(forms.ChoiceField):
    """A ChoiceField whose choices are fixed in code (a status, an order), drawn as options
    once per language and chosen value, and shared by every form rather than copied into
    each: a list's filters spent about 0.4 ms a page copying and drawing five of them
    (issue #12). The drawn options depend on no data, only on the code and the language.
    """

    def _set_choices(self, value: Any) -> None:
        _CHOICES.fset(self, value)
        # A field given other choices draws its own; the declared field's copies share these.
        self._drawn: dict[tuple[str | None, str | None], str] = {}
        self._values = frozenset(str(key) for key, _label in self.choices)

    choices = property(_CHOICES.fget, _set_choices)

    def __deepcopy__(self, memo: dict[int, Any]) -> "FixedChoiceField":
        # Field's copy, but the choices, which never change, are shared by the copy and its
        # widget: ChoiceField copies them and the widget normalises them again, each time.
        result = copy.copy(self)
        memo[id(self)] = result
        result.widget = copy.copy(self.widget)
        result.widget.attrs = self.widget.attrs.copy()
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result

    def options_html(self, selected: str) -> str:
        """The options' markup with `selected` chosen (not marked safe: the caller decides)."""
        key = (translation.get_language(), selected if selected in self._values else None)
        html = self._drawn.get(key)
        if html is None:
            html = self._drawn[key] = options_html(self.choices, selected)
        return html


class _ValuesChoiceIterator(forms.models.ModelChoiceIterator):
    """Options from `(pk, label column)` pairs, without building a model instance for each."""

    field: "ValuesModelChoiceField"

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.options is not None:
            yield from self.field.options
        else:
            yield from self.queryset.values_list("pk", self.field.label_column)


class ValuesModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose options are read as plain values: a filter offering 2,500
    sources spent more time building Source objects than the rest of the page (issue #5).
    The chosen value still comes back as a model instance, checked against the queryset.

    Set `options` to (pk, label) pairs already read, or DrawnOptions, to draw them without
    a query.
    """

    iterator = _ValuesChoiceIterator
    options: list[tuple[Any, str]] | DrawnOptions | None = None

    def __init__(self, *args: Any, label_column: str, **kwargs: Any) -> None:
        self.label_column = label_column
        super().__init__(*args, **kwargs)

    def __deepcopy__(self, memo: dict[int, Any]) -> "ValuesModelChoiceField":
        # ModelChoiceField's copy clones the queryset twice (`.all()`, then its setter's);
        # once keeps each form's copy its own all the same.
        result: ValuesModelChoiceField = forms.Field.__deepcopy__(self, memo)
        if self.queryset is not None:
            result.queryset = self.queryset
        return result


# --- edit forms: the version they were drawn from (issue #11) ------------------------------

_DRAWN_SALT = "answerable.core.forms.drawn_values"


class VersionField(forms.IntegerField):
    """The version of the row an edit form was drawn from, in a hidden input.

    A missing or garbled value reads as 0, which no saved row has, so the save is refused as
    a conflict and the page is drawn again from the row: a page opened before a deploy
    carries no version, and an error here would leave the person no way to save.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> int:
        try:
            return max(int(str(value).strip()), 0)
        except ValueError:
            return 0


@dataclass(frozen=True)
class ChangedElsewhere:
    """A field someone else changed while the form was open, with the value they saved."""

    label: str
    value: str


def _comparable(value: Any) -> Any:
    """A field's value as JSON that compares equal whenever the form would show the same."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set | frozenset | models.QuerySet):
        return sorted(_comparable(item) for item in value)
    if value is None or value is False:
        return ""
    return str(value)


def _shown(field: forms.Field, value: Any) -> str:
    """A field's value as the person would read it: choice labels, GOV.UK dates, yes or no."""
    if isinstance(field, forms.BooleanField):
        return gettext("Yes") if value else gettext("No")
    many = isinstance(value, list | tuple | set | frozenset | models.QuerySet)
    values = [v for v in (value if many else [value]) if v is not None and v != ""]
    if not values:
        return gettext("None")
    if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
        rows = field.queryset.filter(pk__in=[_comparable(v) for v in values])
        return ", ".join(field.label_from_instance(row) for row in rows)
    choices = getattr(field, "choices", None)
    if choices is not None:
        labels = {str(key): str(label) for key, label in choices}
        return ", ".join(labels.get(_comparable(v), str(v)) for v in values)
    return ", ".join(
        date_format(v, "j F Y") if isinstance(v, datetime.date) else str(v) for v in values
    )


class VersionedForm(forms.Form):
    """An edit form that carries the version of the row it was drawn from, and what it showed.

    The service refuses a save from an older version (core.models.locked_for_edit); the view
    then draws the form again from the saved row (core.views_helpers.run_edit_service), and
    `changed_elsewhere` lists what the other person changed: the fields whose saved value
    differs from what this person's page showed.
    """

    expected_version = VersionField()
    drawn_values = forms.CharField(
        max_length=HIDDEN_MAX_LENGTH, widget=forms.HiddenInput, required=False
    )

    def __init__(self, *args: Any, version: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.changed_elsewhere: list[ChangedElsewhere] = []
        self.fields["expected_version"].initial = version
        # Called only when the hidden input is drawn, as Django calls a callable initial.
        self.fields["drawn_values"].initial = lambda: signing.dumps(
            self._values_shown(), salt=_DRAWN_SALT, compress=True
        )

    @property
    def drawn_version(self) -> int:
        """The version of the row this form was drawn from."""
        return int(self.fields["expected_version"].initial)

    def _edited_fields(self) -> Iterable[tuple[str, forms.Field]]:
        return ((name, f) for name, f in self.fields.items() if not f.widget.is_hidden)

    def _values_shown(self) -> dict[str, Any]:
        return {
            name: _comparable(self.get_initial_for_field(field, name))
            for name, field in self._edited_fields()
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data.pop("drawn_values", None)  # only for the listing; services take the version
        return data

    def conflict_show(self, error: forms.ValidationError, *, submitted: "VersionedForm") -> None:
        """Put the refusal on this form, drawn from the saved row, and list what changed since
        `submitted` was drawn (every field, if its page did not say what it showed)."""
        self.cleaned_data = {}  # add_error reads it, and a form drawn unbound has none
        self.add_error(None, error.messages)
        try:
            drawn = signing.loads(str(submitted["drawn_values"].value() or ""), salt=_DRAWN_SALT)
        except signing.BadSignature:
            drawn = {}
        self.changed_elsewhere = [
            ChangedElsewhere(
                label=str(field.label).removesuffix(" (optional)"),
                value=_shown(field, self.get_initial_for_field(field, name)),
            )
            for name, field in self._edited_fields()
            if name not in drawn
            or drawn[name] != _comparable(self.get_initial_for_field(field, name))
        ]

    @property
    def changed_elsewhere_rows(self) -> list[dict[str, Any]]:
        """`changed_elsewhere` as govukSummaryList rows."""
        return [
            {"key": {"text": change.label}, "value": {"text": change.value}}
            for change in self.changed_elsewhere
        ]

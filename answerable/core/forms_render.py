"""Turn Django bound fields into govuk-frontend-jinja macro parameters.

Templates call `field(form["name"])` from `forms/field.html`; this module decides which
GOV.UK component renders the widget and passes label, hint, value and error through.
"""

from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe
from markupsafe import escape

from answerable.core.forms import DrawnOptions, FixedChoiceField, GovukDateInput, options_html


def _error(bf: forms.BoundField) -> dict[str, str] | None:
    return {"text": " ".join(str(e) for e in bf.errors)} if bf.errors else None


def _label(bf: forms.BoundField, size: str | None, is_page_heading: bool) -> dict[str, Any]:
    label: dict[str, Any] = {"text": str(bf.label)}
    if size:
        label["classes"] = f"govuk-label--{size}"
    if is_page_heading:
        label["isPageHeading"] = True
    return label


def _choices(bf: forms.BoundField, selected: set[str]) -> list[dict[str, Any]]:
    items = []
    for value, text in bf.field.choices:  # type: ignore[attr-defined]
        value = "" if value is None else str(getattr(value, "value", value))
        items.append(
            {
                "value": value,
                "text": str(text),
                "checked": value in selected,
                "selected": value in selected,
            }
        )
    return items


def _select_html(bf: forms.BoundField, selected: str) -> SafeString:
    """A select's options as markup, from their drawn markup where the field has it."""
    field = bf.field
    if isinstance(field, FixedChoiceField):
        return mark_safe(field.options_html(selected))  # noqa: S308 - options_html escapes
    options = getattr(field, "options", None)
    if not isinstance(options, DrawnOptions):
        return _options_html(bf, selected)
    empty = getattr(field, "empty_label", None)
    html = options.html(selected)
    if empty is not None:
        mark = " selected" if selected == "" else ""
        html = f'<option value=""{mark}>{escape(str(empty))}</option>\n{html}'
    return mark_safe(html)  # noqa: S308 - DrawnOptions escaped every value and label


def _options_html(bf: forms.BoundField, selected: str) -> SafeString:
    """A select's options as markup: the govukSelect macro spends ~10 ms on 2,500 options.

    Written straight from the field's choices (core.forms.options_html), rather than through
    format_html (~25 µs an option) or a dict per option for the macro.
    """
    pairs = [
        ("" if value is None else getattr(value, "value", value), text)
        for value, text in bf.field.choices  # type: ignore[attr-defined]
    ]
    return mark_safe(options_html(pairs, selected))  # noqa: S308 - options_html escapes


def field_params(
    bf: forms.BoundField,
    options: dict[str, Any] | None = None,
) -> tuple[str, dict[str, Any]]:
    """Return (component, params) for a bound field; `options` may set label_size, hint, classes."""
    options = dict(options or {})
    widget = bf.field.widget
    size = options.pop("label_size", None)
    is_page_heading = options.pop("is_page_heading", False)
    hint = options.pop("hint", None) or bf.help_text
    params: dict[str, Any] = {
        "id": bf.auto_id,
        "name": bf.html_name,
        "errorMessage": _error(bf),
    }
    if hint:
        params["hint"] = {"text": str(hint)}
    legend: dict[str, Any] = {"text": str(bf.label)}
    if size:
        legend["classes"] = f"govuk-fieldset__legend--{size}"
    if is_page_heading:
        legend["isPageHeading"] = True

    if widget.is_hidden:
        value = bf.value()
        return "hidden", {
            "id": bf.auto_id,
            "name": bf.html_name,
            "value": "" if value is None else str(value),
        }
    if isinstance(widget, GovukDateInput):
        day, month, year = (
            bf.value() if isinstance(bf.value(), list | tuple) else widget.split(bf.value())
        )
        component = "date"
        params.pop("name")
        params["namePrefix"] = bf.html_name
        params["fieldset"] = {"legend": legend}
        error_class = " govuk-input--error" if bf.errors else ""
        params["items"] = [
            {"name": "day", "classes": "govuk-input--width-2" + error_class, "value": day},
            {"name": "month", "classes": "govuk-input--width-2" + error_class, "value": month},
            {"name": "year", "classes": "govuk-input--width-4" + error_class, "value": year},
        ]
    elif isinstance(widget, forms.CheckboxSelectMultiple):
        component = "checkboxes"
        params["fieldset"] = {"legend": legend}
        params["items"] = _choices(bf, {str(v) for v in (bf.value() or [])})
        params["idPrefix"] = bf.auto_id
    # CheckboxSelectMultiple subclasses RadioSelect, so it is matched first.
    elif isinstance(widget, forms.RadioSelect):
        component = "radios"
        params["fieldset"] = {"legend": legend}
        value = bf.value()
        params["items"] = _choices(bf, {"" if value is None else str(value)})
        params["idPrefix"] = bf.auto_id
    elif isinstance(widget, forms.CheckboxInput):
        component = "checkboxes"
        params["idPrefix"] = bf.auto_id
        params["items"] = [
            {"value": "on", "text": str(bf.label), "checked": bool(bf.value()), "id": bf.auto_id}
        ]
    elif isinstance(widget, forms.Select):
        component = "select"
        params["label"] = _label(bf, size, is_page_heading)
        value = bf.value()
        params["options_html"] = _select_html(bf, "" if value is None else str(value))
    elif isinstance(widget, forms.Textarea):
        component = "textarea"
        params["label"] = _label(bf, size, is_page_heading)
        params["value"] = bf.value() or ""
        params["rows"] = widget.attrs.get("rows", 5)
    elif isinstance(widget, forms.FileInput):
        component = "file"
        params["label"] = _label(bf, size, is_page_heading)
        if widget.allow_multiple_selected:
            params["multiple"] = True
    else:
        component = "input"
        params["label"] = _label(bf, size, is_page_heading)
        input_type = getattr(widget, "input_type", "text")
        if input_type != "password":
            value = bf.value()
            params["value"] = "" if value is None else str(value)
        params["type"] = input_type
        if widget.attrs.get("autocomplete"):
            params["autocomplete"] = widget.attrs["autocomplete"]
        if widget.attrs.get("spellcheck") is not None:
            params["spellcheck"] = widget.attrs["spellcheck"]
    if bf.errors and component in {"input", "textarea", "select"}:
        params["classes"] = "govuk-input--error" if component == "input" else ""
    params.update(options)
    return component, params


def error_summary_params(*forms_: forms.BaseForm | None) -> dict[str, Any] | None:
    """GOV.UK error summary for one or more forms, linking each error to its field."""
    errors = []
    for form in forms_:
        # An edit form drawn again after a refused save is unbound but carries the refusal.
        if form is None or not form.errors:
            continue
        for message in form.non_field_errors():
            errors.append({"text": str(message), "href": "#main-content"})
        for name, bf_errors in form.errors.items():
            if name == "__all__":
                continue
            bf = form[name]
            href = f"#{bf.auto_id}"
            if bf.field.widget.is_hidden:
                href = "#main-content"
            elif isinstance(bf.field.widget, GovukDateInput):
                href += "-day"
            elif isinstance(bf.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                href = f"#{bf.auto_id}"
            for message in bf_errors:
                errors.append({"text": str(message), "href": href})
    if not errors:
        return None
    return {"titleText": "There is a problem", "errorList": errors}

"""Every free-text field has a maximum length (issue #17: 100,000 characters were accepted)."""

import importlib
import inspect
import pkgutil

from django import forms

import answerable


def _form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for module_info in pkgutil.walk_packages(answerable.__path__, "answerable."):
        name = module_info.name
        if (
            ".tests" in name
            or ".migrations" in name
            or not name.rsplit(".", 1)[-1].startswith("forms")
        ):
            continue
        module = importlib.import_module(name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == name:
                found.append(value)
    return found


def test_every_text_field_of_every_form_has_a_maximum_length():
    classes = _form_classes()
    assert len(classes) > 20
    unbounded = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in classes
        for name, field in form.base_fields.items()
        if type(field) is forms.CharField and field.max_length is None
    ]
    assert unbounded == []

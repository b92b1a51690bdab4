"""Selects drawn without the per-option and per-part macro calls look as the macros draw them."""

import pytest
from django import forms
from django.template import engines
from django.utils import translation
from django.utils.translation import gettext_lazy

from answerable.core.forms import FixedChoiceField, options_html

CHOICES = [("", "Any"), ("a", "Alpha & <b>"), ("b", 'Bravo "two"'), ("c", gettext_lazy("January"))]


class _PickForm(forms.Form):
    fixed = FixedChoiceField(label="Pick", required=False, choices=CHOICES)
    plain = forms.ChoiceField(label="Pick", required=False, choices=CHOICES)


def _field(form: forms.Form, name: str, **options: object) -> str:
    template = engines["jinja2"].from_string(
        '{% from "forms/field.html" import field %}{{ field(form[name], **options) }}'
    )
    return template.render({"form": form, "name": name, "options": options})


@pytest.mark.parametrize(("data", "chosen"), [(None, None), ({"fixed": "b", "plain": "b"}, "b")])
def test_a_fixed_choice_field_is_drawn_as_a_choice_field(data, chosen):
    form = _PickForm(data)
    drawn = _field(form, "fixed")
    assert drawn.replace("fixed", "plain") == _field(form, "plain")
    assert drawn.count("<option") == len(CHOICES)
    assert drawn.count(" selected") == 1  # the chosen one, or "Any" when none was
    assert f'value="{chosen or ""}" selected' in drawn


def test_a_value_outside_a_fixed_fields_choices_selects_nothing_and_is_an_error():
    form = _PickForm({"fixed": "nope", "plain": "nope"})
    drawn = _field(form, "fixed")
    assert " selected" not in drawn
    assert "govuk-select--error" in drawn
    assert drawn.replace("fixed", "plain") == _field(form, "plain")


def test_a_fixed_fields_options_follow_the_language_of_the_page():
    english = _field(_PickForm(), "fixed")
    assert ">January</option>" in english
    with translation.override("cy"):
        welsh = translation.gettext("January")
        assert welsh != "January"
        assert f">{welsh}</option>" in _field(_PickForm(), "fixed")
    assert _field(_PickForm(), "fixed") == english


def test_a_form_given_other_choices_draws_those_and_leaves_the_declared_ones_alone():
    changed = _PickForm()
    changed.fields["fixed"].choices = [("x", "Xray")]
    assert '<option value="x">Xray</option>' in _field(changed, "fixed")
    assert "Alpha" not in _field(changed, "fixed")
    assert "Xray" not in _field(_PickForm(), "fixed")
    assert "Alpha &amp; &lt;b&gt;" in _field(_PickForm(), "fixed")


def test_options_are_escaped_even_when_a_text_holds_the_joining_character():
    drawn = options_html([(1, "one\x00<i>"), ("2'", "two & three")], "2'")
    assert drawn == (
        '<option value="1">one\x00&lt;i&gt;</option>\n'
        '<option value="2&#39;" selected>two &amp; three</option>'
    )


def test_a_selects_label_hint_and_error_are_drawn_as_the_govuk_macros_draw_them():
    class HintForm(forms.Form):
        pick = forms.ChoiceField(label="Source <one>", choices=CHOICES, help_text="Choose 'one'")

    form = HintForm({"pick": "zzz"})
    drawn = _field(form, "pick", label_size="m", classes="govuk-!-width-full")
    macros = (
        engines["jinja2"]
        .from_string(
            '{% from "govuk_frontend_jinja/components/label/macro.html" import govukLabel %}'
            '{% from "govuk_frontend_jinja/components/hint/macro.html" import govukHint %}'
            '{% from "govuk_frontend_jinja/components/error-message/macro.html"'
            " import govukErrorMessage %}"
            '{{ govukLabel({"text": "Source <one>", "classes": "govuk-label--m", "for": "id_pick"})'
            " | trim }}|"
            '{{ govukHint({"id": "id_pick-hint", "text": "Choose \'one\'"}) | trim }}|'
            '{{ govukErrorMessage({"id": "id_pick-error", "text": error}) | trim }}'
        )
        .render({"error": form.errors["pick"][0]})
    )
    label, hint, error = macros.split("|")
    assert f'<div class="govuk-form-group govuk-form-group--error">\n  {label}\n' in drawn
    assert f"\n  {hint}\n" in drawn
    assert f"\n  {error}\n" in drawn
    assert 'aria-describedby="id_pick-hint id_pick-error"' in drawn


def test_a_select_label_that_is_the_page_heading_is_drawn_in_a_heading():
    class HeadingForm(forms.Form):
        pick = forms.ChoiceField(label="Which source?", choices=CHOICES)

    drawn = _field(HeadingForm(), "pick", label_size="l", is_page_heading=True)
    assert '<h1 class="govuk-label-wrapper">' in drawn
    assert '<label class="govuk-label govuk-label--l" for="id_pick">' in drawn

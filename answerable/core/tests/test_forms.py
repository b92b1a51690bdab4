import datetime
import re

import pytest
from django import forms

from answerable.core.forms import GovukDateField, VersionedForm
from answerable.core.forms_render import error_summary_params, field_params
from answerable.core.models import EditConflict
from answerable.recommendations.deadlines import deadline_from_text


class _Form(forms.Form):
    due_on = GovukDateField(label="Target date", required=True)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Enter the target date"),
        (
            {"due_on-day": "31", "due_on-month": "2", "due_on-year": "2025"},
            "The target date must be a real date",
        ),
        ({"due_on-day": "1", "due_on-year": "2025"}, "The target date must include a month"),
        (
            {"due_on-day": "x", "due_on-month": "1", "due_on-year": "2025"},
            "The target date must be a real date",
        ),
    ],
)
def test_date_errors_use_govuk_wording(data, error):
    form = _Form(data)
    assert not form.is_valid()
    assert form.errors["due_on"] == [error]


def test_a_date_is_read_from_three_boxes():
    form = _Form({"due_on-day": "8", "due_on-month": "12", "due_on-year": "2023"})
    assert form.is_valid()
    assert form.cleaned_data["due_on"] == datetime.date(2023, 12, 8)


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("By 31 December 2024, the Home Office should adopt", datetime.date(2024, 12, 31)),
        ("by the 1st April 2025 forces should", datetime.date(2025, 4, 1)),
        ("By June 2025, chief constables should", datetime.date(2025, 6, 30)),
        ("no later than 30 September 2026", datetime.date(2026, 9, 30)),
        ("Chief constables should review training.", None),
        ("By 31 February 2025", None),
    ],
)
def test_deadlines_written_in_the_text_are_found(text, deadline):
    assert deadline_from_text(text) == deadline


def test_a_select_renders_every_option_escaped_with_the_chosen_one_selected():
    from django.template import engines

    class PickForm(forms.Form):
        pick = forms.ChoiceField(
            label="Source",
            choices=[("", "All"), ("1", "Review <script>x</script>"), ('2"', "Audit & co")],
        )

    template = engines["jinja2"].from_string(
        '{% from "forms/field.html" import field %}{{ field(form["pick"]) }}'
    )
    html = template.render({"form": PickForm({"pick": "1"})})
    assert '<label class="govuk-label" for="id_pick">' in html
    assert '<option value="1" selected>Review &lt;script&gt;x&lt;/script&gt;</option>' in html
    assert '<option value="2&#34;">Audit &amp; co</option>' in html
    assert "<script>" not in html


def test_a_multiple_choice_field_is_drawn_as_checkboxes_with_the_chosen_ones_ticked():
    """CheckboxSelectMultiple subclasses RadioSelect: drawn as radios, nothing would be ticked."""
    from django.template import engines

    class PickForm(forms.Form):
        picks = forms.MultipleChoiceField(
            label="Recommendations",
            choices=[("1", "R1"), ("2", "R2"), ("3", "R3")],
            widget=forms.CheckboxSelectMultiple,
        )

    template = engines["jinja2"].from_string(
        '{% from "forms/field.html" import field %}{{ field(form["picks"], label_size="m") }}'
    )
    html = template.render({"form": PickForm({"picks": ["1", "3"]})})
    assert 'type="checkbox"' in html
    assert 'type="radio"' not in html
    assert "govuk-fieldset__legend--m" in html
    ticked = re.findall(r'<input class="govuk-checkboxes__input"[^>]*value="(\d)" checked', html)
    assert ticked == ["1", "3"]


def test_a_values_choice_field_draws_given_options_but_accepts_only_its_queryset(
    office, force, django_assert_num_queries
):
    from django.template import engines

    from answerable.core.forms import ValuesModelChoiceField
    from answerable.organisations.models import Organisation

    class OwnerForm(forms.Form):
        owner = ValuesModelChoiceField(
            label="Owner", queryset=Organisation.objects.none(), label_column="name"
        )

    def form(data, **kwargs):
        built = OwnerForm(data, **kwargs)
        built.fields["owner"].queryset = Organisation.objects.filter(pk=force.pk)
        built.fields["owner"].options = [(force.pk, "Force <as read earlier>")]
        return built

    template = engines["jinja2"].from_string(
        '{% from "forms/field.html" import field %}{{ field(form["owner"]) }}'
    )
    with django_assert_num_queries(0):  # drawing an unbound form reads nothing
        html = template.render({"form": form(None, initial={"owner": force.pk})})
    assert f'<option value="{force.pk}" selected>Force &lt;as read earlier&gt;</option>' in html
    chosen = form({"owner": str(force.pk)})
    assert chosen.is_valid()
    assert chosen.cleaned_data["owner"] == force
    assert not form({"owner": str(office.pk)}).is_valid()  # not in the queryset


def test_status_tags_are_coloured_by_value_and_labelled_from_the_choices(force_action):
    from django.template import engines

    from answerable.recommendations.models import DeliveryStatus

    template = engines["jinja2"].from_string(
        '{% from "recommendations/includes/tags.html" import delivery_tag, assurance_tag %}'
        "{{ delivery_tag(action) }}|{{ assurance_tag(action) }}"
    )
    force_action.delivery_status = DeliveryStatus.OFF_TRACK
    assert template.render({"action": force_action}) == (
        '<strong class="govuk-tag govuk-tag--red">Off track</strong>|'
        '<strong class="govuk-tag govuk-tag--grey">Not assessed</strong>'
    )


def test_drawn_options_are_escaped_once_and_mark_the_chosen_one():
    from answerable.core.forms import DrawnOptions

    options = DrawnOptions([(1, "Review <b>one</b>"), (2, 'Audit "two"')])
    assert options.html("2") == (
        '<option value="1">Review &lt;b&gt;one&lt;/b&gt;</option>\n'
        '<option value="2" selected>Audit &#34;two&#34;</option>'
    )
    assert 'value="2" selected' not in options.html("")  # nothing chosen
    assert list(options) == [(1, "Review <b>one</b>"), (2, 'Audit "two"')]


class _Edit(VersionedForm):
    title = forms.CharField(label="Title")
    note = forms.CharField(label="Note (optional)", required=False)


@pytest.mark.parametrize("sent", ["", "abc", "-3", None])
def test_a_missing_or_garbled_version_reads_as_one_no_row_has(sent):
    data = {"title": "A"} if sent is None else {"title": "A", "expected_version": sent}
    form = _Edit(data, version=4)
    assert form.is_valid()
    assert form.cleaned_data == {"title": "A", "note": "", "expected_version": 0}


def test_the_version_and_values_shown_are_drawn_as_hidden_inputs():
    form = _Edit(version=4, initial={"title": "A"})
    component, params = field_params(form["expected_version"])
    assert (component, params["value"]) == ("hidden", "4")
    assert field_params(form["drawn_values"])[0] == "hidden"


def test_a_refused_save_lists_only_what_changed_since_the_page_was_drawn():
    opened = _Edit(version=1, initial={"title": "A", "note": "x"})
    submitted = _Edit(
        {
            "title": "A",
            "note": "mine",
            "expected_version": "1",
            "drawn_values": opened["drawn_values"].value(),
        },
        version=2,
        initial={"title": "Theirs", "note": "x"},
    )
    assert submitted.is_valid()
    fresh = _Edit(version=2, initial={"title": "Theirs", "note": "x"})
    fresh.conflict_show(EditConflict("Someone else changed this"), submitted=submitted)
    assert [(c.label, c.value) for c in fresh.changed_elsewhere] == [("Title", "Theirs")]
    summary = error_summary_params(fresh)
    assert summary["errorList"] == [{"text": "Someone else changed this", "href": "#main-content"}]

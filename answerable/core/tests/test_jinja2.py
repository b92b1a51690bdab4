"""The page environment's helpers give what Django's own calls give, only cheaper."""

import pytest
from django.template import engines
from django.test import override_settings
from django.urls import reverse, set_script_prefix
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st
from jinja2.filters import do_indent
from markupsafe import Markup

from answerable.core.jinja2 import choice_label, indent, url
from answerable.core.tests.strategies import FUZZ
from answerable.meetings.models import MeetingAction


def test_url_without_arguments_is_reverse():
    assert url("home") == reverse("home")
    assert url("accounts:sign_out") == reverse("accounts:sign_out")


def test_url_follows_the_script_prefix():
    """A site served under a path keeps its prefix in every link."""
    with override_settings(FORCE_SCRIPT_NAME="/answerable/"):
        set_script_prefix("/answerable/")
        try:
            assert url("accounts:sign_out") == "/answerable/account/sign-out/"
        finally:
            set_script_prefix("/")
    assert url("accounts:sign_out") == "/account/sign-out/"


def test_url_with_integer_arguments_is_reverse():
    assert url("meetings:meeting_detail", 7) == reverse("meetings:meeting_detail", args=[7])


@pytest.mark.parametrize("status", [MeetingAction.Status.OPEN, MeetingAction.Status.CLOSED])
def test_choice_label_is_the_display_value(status):
    action = MeetingAction(status=status)
    assert choice_label(action, "status") == action.get_status_display()


def test_choice_label_of_a_value_outside_the_choices_is_the_value():
    assert choice_label(MeetingAction(status="withdrawn"), "status") == "withdrawn"


def test_choice_label_follows_the_language():
    """Labels are kept per language, so a page in another language is not shown English."""
    action = MeetingAction(status=MeetingAction.Status.OPEN)
    with translation.override("en"):
        english = choice_label(action, "status")
    with translation.override("cy"):
        assert choice_label(action, "status") == action.get_status_display()
    assert english == "Open"


def test_a_macro_file_imported_by_a_page_sees_the_environments_globals():
    """Template globals are copied per template (core.jinja2._Environment): a macro file
    still reaches url() and the translations, through any number of imports."""
    page = engines["jinja2"].env.from_string(
        '{% from "recommendations/includes/follow.html" import follow_button %}'
        '{{ follow_button("action", 7, True) }}{{ follow_button("source", 8, False) }}'
    )
    drawn = page.render({})
    assert reverse("recommendations:follow_change", args=["action", 7]) in drawn
    assert reverse("recommendations:following_list") in drawn
    assert "Stop following" in drawn
    assert reverse("recommendations:follow_change", args=["source", 8]) in drawn


def test_translated_strings_follow_the_language_of_each_page():
    """Translations are remembered per language, so one language never leaks into another."""
    page = engines["jinja2"].env.from_string("{{ _('January') }} {% trans %}February{% endtrans %}")
    assert page.render({}) == "January February"
    with translation.override("cy"):
        welsh = f"{translation.gettext('January')} {translation.gettext('February')}"
        assert page.render({}) == welsh
        assert page.render({}) != "January February"
    assert page.render({}) == "January February"


def test_translated_strings_are_format_strings_as_jinja_makes_them():
    page = engines["jinja2"].env.from_string(
        "{{ _('%(count)s of 100%% checked', count=3) }}|{{ _('100%% checked') }}|"
        "{% trans n=4 %}{{ n }} checked{% endtrans %}|{{ _('<b>%(name)s</b>', name='<i>') }}"
    )
    assert page.render({}) == "3 of 100% checked|100% checked|4 checked|<b>&lt;i&gt;</b>"


def test_static_is_the_storage_address():
    from django.templatetags.static import static

    page = engines["jinja2"].env.from_string("{{ static('css/app.css') }}")
    assert page.render({}) == static("css/app.css") == "/static/css/app.css"


# Lines as the GOV.UK macros' HTML has them, and every way Python splits lines.
_PIECES = ["<a>", "x", " ", "&amp;", "\n", "\r\n", "\r", "\x0b", "\u2028"]
_LINES = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@FUZZ
@given(
    text=_LINES,
    safe=st.booleans(),
    width=st.one_of(st.integers(0, 8), st.sampled_from(["\t", "  ", "<b>"])),
    first=st.booleans(),
    blank=st.booleans(),
)
@example(text="<p>\n\n  <a>\n", safe=True, width=4, first=False, blank=False)
def test_indent_gives_what_jinjas_indent_gives(text, safe, width, first, blank):
    """The page filter replaces Jinja's own: the same text, safe or not as Jinja's is."""
    given_text = Markup(text) if safe else text  # noqa: S704 - test input, never a page
    ours = indent(given_text, width, first, blank)
    jinjas = do_indent(given_text, width, first, blank)
    assert ours == jinjas
    assert isinstance(ours, Markup) == isinstance(jinjas, Markup)


def test_pages_indent_with_the_page_filter():
    template = engines["jinja2"].from_string("{{ caller_html|indent(2) }}")
    assert template.render({"caller_html": Markup("<p>\n<a>")}) == "<p>\n  <a>"

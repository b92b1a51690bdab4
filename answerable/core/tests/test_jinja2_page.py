"""A page's helpers read the request's language and script prefix once, when its render starts."""

from django.template import engines
from django.test import override_settings
from django.urls import reverse, set_script_prefix
from django.utils import translation

from answerable.core.jinja2 import url


def test_links_in_a_page_follow_the_script_prefix_of_its_request():
    page = engines["jinja2"].env.from_string(
        "{{ url('recommendations:recommendation_detail', 7) }}|{{ url('accounts:sign_out') }}"
    )
    with override_settings(FORCE_SCRIPT_NAME="/answerable/"):
        set_script_prefix("/answerable/")
        try:
            assert page.render({}) == (
                "/answerable/register/recommendations/7/|/answerable/account/sign-out/"
            )
        finally:
            set_script_prefix("/")
    assert page.render({}) == (
        f"{reverse('recommendations:recommendation_detail', args=[7])}|"
        f"{reverse('accounts:sign_out')}"
    )


def test_a_link_with_several_numbers_or_other_arguments_is_reverse():
    assert url("recommendations:follow_change", "action", 7) == reverse(
        "recommendations:follow_change", args=["action", 7]
    )
    assert url("recommendations:recommendation_detail", pk=7) == reverse(
        "recommendations:recommendation_detail", kwargs={"pk": 7}
    )


def test_a_page_drawn_inside_another_follows_its_own_language():
    """An email drawn in its recipient's language while a page is being drawn, say."""
    inner = engines["jinja2"].env.from_string("{{ _('January') }}")

    def draw_in_welsh() -> str:
        with translation.override("cy"):
            return inner.render({})

    outer = engines["jinja2"].env.from_string("{{ _('January') }}|{{ draw() }}|{{ _('January') }}")
    with translation.override("cy"):
        welsh = translation.gettext("January")
    assert welsh != "January"
    assert outer.render({"draw": draw_in_welsh}) == f"January|{welsh}|January"


def test_words_are_formatted_as_jinjas_own_gettext_formats_them_every_time():
    """`%%` is a percent sign with or without values, and only the values are escaped."""
    page = engines["jinja2"].env.from_string(
        "{{ _('100%% checked') }}|{{ _('%(n)s%% of <b>%(who)s</b>', n=5, who='<i>x</i>') }}"
    )
    expected = "100% checked|5% of <b>&lt;i&gt;x&lt;/i&gt;</b>"
    assert page.render({}) == expected
    assert page.render({}) == expected

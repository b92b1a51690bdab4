"""includes/components.html draws what the pinned govuk-frontend-jinja macros draw, byte for
byte, for the shapes the pages give it (ADR 0002's amendments)."""

from typing import Any

import pytest
from django.template import engines
from markupsafe import Markup

BUTTONS = [
    {"text": "Post an update", "href": "/register/actions/1/update/"},
    {"text": "Add <an> action", "href": "/a/?b=1&c=2", "classes": "govuk-button--secondary"},
    {"text": Markup("Archive &amp; hide"), "href": "/x/", "classes": "govuk-button--warning"},
    {"text": "Follow", "name": "follow", "value": "yes", "classes": "govuk-button--secondary"},
    {"text": "Stop following", "name": "follow", "value": "no"},
    {"text": "Post update"},
]
SUMMARY_LISTS = [
    {"rows": []},
    {
        "rows": [
            {"key": {"text": "Assurance (decided by the PCC's office)"}, "value": {"text": "a & b"}}
        ]
    },
    {
        "rows": [
            {
                "key": {"text": "Status"},
                "value": {"html": Markup('  <strong class="x">On</strong>\n<br>b  ')},
            },
            None,
            {"key": {"text": "Response"}, "value": {"text": "Accepted.\nIn full, <with> notes"}},
            {"key": {"text": "Lead"}, "value": {"text": None}},
            {"key": {"text": "Themes"}, "value": {"html": "None"}},
        ]
    },
]


def drawn(source: str, params: dict[str, Any]) -> str:
    return engines["jinja2"].env.from_string(source).render(params=params)  # type: ignore[attr-defined]


@pytest.mark.parametrize("params", BUTTONS)
def test_a_written_out_button_is_the_macros_button(params):
    macro = '{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}'
    ours = '{% from "includes/components.html" import govuk_button %}'
    assert drawn(ours + "{{ govuk_button(params) }}", params) == drawn(
        macro + "{{ govukButton(params) }}", params
    )


@pytest.mark.parametrize("params", SUMMARY_LISTS)
def test_a_written_out_summary_list_is_the_macros_summary_list(params):
    macro = (
        '{% from "govuk_frontend_jinja/components/summary-list/macro.html" '
        "import govukSummaryList %}"
    )
    ours = '{% from "includes/components.html" import govuk_summary_list %}'
    assert drawn(ours + "{{ govuk_summary_list(params) }}", params) == drawn(
        macro + "{{ govukSummaryList(params) }}", params
    )

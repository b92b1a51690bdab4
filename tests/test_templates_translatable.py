"""Templates say nothing in English that is not marked for translation, so a Welsh version can
follow without rewriting pages.

Read from each template's parse tree, not its rendered page: text outside `{{ }}` and `{% %}`
(less its tags, styles and scripts), a spoken attribute (`aria-label`, `title`, `alt`,
`placeholder`), a literal component text (`{"text": "…"}`), and a literal
`{% set title = "…" %}` are all English a translator would never see.
"""

import re
from pathlib import Path

import pytest
from django.template import engines
from jinja2 import nodes

PACKAGE = Path(__file__).resolve().parent.parent / "answerable"
# Names and markings that read the same in Welsh: the service's name, the Government
# Security Classification printed on documents, and the fingerprint algorithm.
KEPT = {"Answerable", "OFFICIAL", "SHA-"}
COMPONENT_TEXT_KEYS = {"text", "titleText", "iconFallbackText", "label", "hint", "caption"}
MARKUP = re.compile(r"<(style|script)\b.*?</\1>|<[^>]*>", re.S)
# Attributes a reader (or a screen reader) is given as text.
SPOKEN_ATTRIBUTE = re.compile(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"')
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def _templates() -> list[Path]:
    """Every app's templates (the static files hold none)."""
    return sorted(path for path in PACKAGE.rglob("*.html") if "static" not in path.parts)


def _english(text: str) -> list[str]:
    return [word for word in WORD.findall(text) if word not in KEPT]


def _unmarked(source: str) -> list[str]:
    tree = engines["jinja2"].env.parse(source)  # type: ignore[attr-defined]
    data = "".join(node.data for node in tree.find_all(nodes.TemplateData))
    found = _english(MARKUP.sub(" ", data)) + _english(" ".join(SPOKEN_ATTRIBUTE.findall(data)))
    for pair in tree.find_all(nodes.Pair):
        if (
            isinstance(pair.key, nodes.Const)
            and pair.key.value in COMPONENT_TEXT_KEYS
            and isinstance(pair.value, nodes.Const)
            and isinstance(pair.value.value, str)
        ):
            found += _english(pair.value.value)
    for assign in tree.find_all(nodes.Assign):
        if isinstance(assign.node, nodes.Const) and isinstance(assign.node.value, str):
            found += _english(assign.node.value)
    return found


@pytest.mark.parametrize("path", _templates(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_template_marks_its_english_for_translation(path):
    assert _unmarked(path.read_text()) == []


def test_an_unmarked_heading_is_found():
    assert _unmarked('<h1 class="govuk-heading-l">Page not found</h1>') == ["Page", "not", "found"]
    assert _unmarked('{{ govukButton({"text": "Save"}) }}') == ["Save"]
    assert _unmarked('{% set title = "Sign in" %}') == ["Sign", "in"]
    assert _unmarked('<a aria-label="Main menu" href="/">Home</a>') == ["Home", "Main", "menu"]
    assert _unmarked('<a aria-label="{{ _("Main menu") }}">{{ title }}</a>') == []
    assert _unmarked('<h1>{{ _("Page not found") }}</h1>{% trans %}Sign in{% endtrans %}') == []

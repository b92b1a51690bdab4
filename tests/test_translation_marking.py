"""Pages whose words are all marked for translation stay so, so a Welsh version can follow."""

import re
from pathlib import Path

import pytest
from jinja2 import Environment
from jinja2.ext import i18n

ANSWERABLE = Path(__file__).resolve().parent.parent / "answerable"
MARKED = sorted(
    [
        *(ANSWERABLE / "workforce" / "templates").rglob("*.html"),
        *(ANSWERABLE / "meetings" / "templates").rglob("*.html"),
    ]
)
# The service's name, and codes that read the same in Welsh.
UNTRANSLATED = {"Answerable", "CSV", "PDF"}
_TAG = re.compile(r"<[^>]*>", re.S)
_ATTRIBUTE = re.compile(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"')
_HIDDEN = "\x00"  # stands for Jinja code and for text inside {% trans %}, which is marked


def _bare_text(source: str) -> list[str]:
    """The English a reader would see that is written straight into the template."""
    visible = []
    in_trans = False
    previous = ""
    lexer = Environment(extensions=[i18n], autoescape=True)  # only lexes; renders nothing
    for _lineno, kind, value in lexer.lex(source):
        if kind == "name" and value in ("trans", "pluralize") and previous == "block_begin":
            in_trans = True
        elif kind == "name" and value == "endtrans":
            in_trans = False
        if kind == "data":
            visible.append(_HIDDEN if in_trans else value)
        elif kind in ("variable_begin", "block_begin"):
            visible.append(_HIDDEN)
        if kind != "whitespace":
            previous = kind
    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", "".join(visible), flags=re.S)
    found = [value for value in _ATTRIBUTE.findall(text) if _HIDDEN not in value]
    found += _TAG.sub(_HIDDEN, text).split(_HIDDEN)
    return [
        words
        for words in (" ".join(piece.split()).strip(" –-()[]:;,.") for piece in found)
        if re.search(r"[A-Za-z]{2,}", words) and words not in UNTRANSLATED
    ]


def test_the_check_finds_bare_english():
    """A sentence, a heading and a label written straight into markup are all found."""
    source = '<h1>Courses</h1><p>{{ _("Marked") }} not marked</p><a aria-label="Menu">x</a>'
    assert _bare_text(source) == ["Menu", "Courses", "not marked"]


def test_the_check_passes_marked_text():
    source = (
        '<h1>{{ _("Courses") }}</h1><p>{% trans n=1 %}Marked <a href="x">here</a>{% endtrans %}'
        '</p><a aria-label="{{ _("Menu") }}">{{ title }}</a> <span>(CSV)</span>'
    )
    assert _bare_text(source) == []


@pytest.mark.parametrize("template", MARKED, ids=lambda path: path.name)
def test_every_visible_word_is_marked_for_translation(template: Path):
    assert _bare_text(template.read_text()) == []

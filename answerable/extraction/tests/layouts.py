"""Report PDFs laid out as real ones are, from the real recommendation texts, with the items
each one holds: the tests and `bench/extraction.py` measure the extraction against these.

WeasyPrint sets each report from HTML and CSS (running headers and footers in the page
margins, two columns, hyphenation, footnotes), and says on which page each item's start and
end fell, so an item that runs over a page break is known to.
"""

import csv
import functools
import html
import io
from dataclasses import dataclass
from pathlib import Path

from answerable.recommendations.models import Recommendation

# shared/data/recommendations.csv, as copied with the demo data: a clean checkout has it.
SHARED_CSV = Path(__file__).resolve().parents[2] / "demo" / "data" / "recommendations.csv"
FindingType = Recommendation.FindingType
HEADER = "Inspection of responses to child sexual exploitation"
STYLE = """
@page { size: A4; margin: 2.5cm 2.2cm;
  @top-center { content: "%(header)s"; font-size: 8pt; color: #444 }
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font-size: 9pt }
  @footnote { border-top: 0.5pt solid #999 } }
body { font-family: "%(font)s"; font-size: 10.5pt; line-height: 1.35 }
h1 { font-size: 20pt } h2 { font-size: 15pt } h3 { font-size: 11pt; margin-bottom: 0.3em }
.fn { float: footnote; font-size: 8pt }
p, li { orphans: 1; widows: 1 }
"""


@dataclass(frozen=True)
class Known:
    reference: str
    finding_type: str
    text: str
    page: int = 0
    end_page: int = 0


@dataclass(frozen=True)
class Layout:
    name: str
    pdf: bytes
    known: list[Known]
    header: str

    @property
    def pages(self) -> int:
        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(self.pdf)).pages)

    @property
    def across_pages(self) -> list[Known]:
        return [k for k in self.known if k.end_page != k.page]


@functools.cache
def texts() -> tuple[str, ...]:
    """Every recommendation text in the shared register file, in its order."""
    with SHARED_CSV.open(newline="", encoding="utf-8") as handle:
        return tuple(" ".join(row["text"].split()) for row in csv.DictReader(handle))


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _prose(count: int, offset: int = 0) -> str:
    """Paragraphs of report prose (the texts, run together) that name no item."""
    pool = texts()
    paragraphs = []
    for i in range(count):
        sentences = [pool[(offset + i * 3 + k) % len(pool)] for k in range(3)]
        body = " ".join(sentences).replace("Recommendation", "The recommendation")
        paragraphs.append(f"<p>{_esc(body)}</p>")
    return "\n".join(paragraphs)


def _traps() -> str:
    """Prose that names items without being one: it must not be extracted."""
    return (
        "<p>Recommendation 3 was accepted by the Home Office in March 2024, and our "
        "recommendation 1 was repeated in the progress report.</p>"
        "<p>Recommendations made in 2019 are tracked separately. Area for improvement work "
        "continues, and causes of concern raised earlier are closed.</p>"
    )


def _render(name: str, body: str, known: list[Known], *, style: str = "") -> Layout:
    from weasyprint import HTML

    css = STYLE % {"header": HEADER, "font": "DejaVu Serif"} + style
    document = HTML(
        string=f'<html lang="en"><head><style>{css}</style></head><body>{body}</body></html>'
    ).render()
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    placed = [
        Known(k.reference, k.finding_type, k.text, pages[f"s{i}"], pages[f"e{i}"])
        for i, k in enumerate(known)
    ]
    return Layout(name, document.write_pdf(), placed, HEADER)


def _start(i: int) -> str:
    return f'<a id="s{i}"></a>'


def _end(i: int) -> str:
    return f'<a id="e{i}"></a>'


def _bullets(stem: str, parts: list[str]) -> str:
    items = "".join(f"<li>{_esc(part)}</li>" for part in parts)
    return f"<p>{_esc(stem)}</p><ul>{items}</ul>"


HMIC_STEM = "HMIC recommends that the force should immediately:"


def _hmic_bullets() -> list[str]:
    """The bullets HMIC's PEEL report set under its lead-in, as the register quotes them."""
    return [t.removeprefix(HMIC_STEM).strip() for t in texts() if t.startswith(HMIC_STEM)]


def headed() -> Layout:
    """One column; each "Recommendation N" a heading over its paragraph; one with bullets,
    one with a footnote; prose before and after."""
    known: list[Known] = []
    parts = [f"<h1>{HEADER}</h1>", "<h2>Summary</h2>", _prose(6), _traps()]
    parts.append("<h2>Recommendations</h2>")
    for number, text in enumerate(texts(), start=1):
        i = len(known)
        body = _esc(text)
        if number == 2:  # a footnote: its marker and its note stay out of the text
            cut = body.index(" for child")
            body = (
                body[:cut]
                + '<span class="fn">See the national guidance, 2023.</span>'
                + (body[cut:])
            )
        parts.append(f"<h3>{_start(i)}Recommendation {number}</h3><p>{body}{_end(i)}</p>")
        known.append(Known(str(number), FindingType.RECOMMENDATION, text))
    bullets = _hmic_bullets()
    i, number = len(known), len(texts()) + 1
    parts.append(
        f"<h3>{_start(i)}Recommendation {number}</h3>"
        + _bullets(HMIC_STEM, bullets).replace("</ul>", f"{_end(i)}</ul>")
    )
    known.append(
        Known(
            str(number),
            FindingType.RECOMMENDATION,
            HMIC_STEM + "".join(f"\n• {b}" for b in bullets),
        )
    )
    parts += ["<h2>Next steps</h2>", _prose(4, offset=7)]
    return _render("headed", "\n".join(parts), known, style="p { text-align: justify }")


def numbered() -> Layout:
    """One column, ragged right, words broken with a plain hyphen; a numbered list under
    "Recommendations"; numbered lists elsewhere that are not recommendations."""
    known: list[Known] = []
    parts = [
        f"<h1>{HEADER}</h1>",
        "<h2>Methodology</h2>",
        "<ol><li>We interviewed officers in six forces.</li>"
        "<li>We read 120 case files.</li><li>We surveyed 30 partner agencies.</li></ol>",
        _prose(5, offset=3),
        "<h2>Recommendations</h2>",
        "<p>We make the following recommendations.</p><ol>",
    ]
    for number, text in enumerate(texts(), start=1):
        i = len(known)
        parts.append(f"<li>{_start(i)}{_esc(text)}{_end(i)}</li>")
        known.append(Known(str(number), FindingType.RECOMMENDATION, text))
    parts += ["</ol>", "<h2>Annex A: terms of reference</h2>"]
    parts.append("<ol><li>To examine the response.</li><li>To report by 2025.</li></ol>")
    parts.append(_prose(3, offset=11))
    return _render(
        "numbered",
        "\n".join(parts),
        known,
        style='p, li { text-align: left; hyphens: auto; hyphenate-character: "-" }'
        " li { margin-bottom: 0.5em }",
    )


def two_columns() -> Layout:
    """Two justified columns, hyphenated, with ligatures in the text layer; inline
    "Recommendation N:" and "Area for improvement N:" paragraphs; a heading across both
    columns between two bands; headers alternating left and right."""
    known: list[Known] = []
    pool = texts()
    split = len(pool) // 2

    def paragraphs(rows: list[tuple[str, str, str]]) -> str:
        out = []
        for label, reference, text in rows:
            i = len(known)
            shown = _esc(text).replace("fi", "\ufb01").replace("fl", "\ufb02")
            out.append(f"<p>{_start(i)}<b>{label} {reference}:</b> {shown}{_end(i)}</p>")
            finding_type = (
                FindingType.AREA_FOR_IMPROVEMENT
                if label != "Recommendation"
                else (FindingType.RECOMMENDATION)
            )
            shown_reference = reference if label == "Recommendation" else f"{label} {reference}"
            known.append(Known(shown_reference, finding_type, text))
        return "".join(out)

    first = [("Recommendation", str(n), t) for n, t in enumerate(pool[:split], start=1)]
    second = [("Recommendation", str(n), t) for n, t in enumerate(pool[split:], start=split + 1)]
    improvements = [("Area for improvement", str(n), t) for n, t in enumerate(pool[40:46], 1)]
    body = (
        f"<h1>{HEADER}</h1>"
        + _prose(2)
        + '<div class="cols">'
        + _prose(2, offset=5)
        + paragraphs(first)
        + "<h2>Recommendations to the government</h2>"
        + paragraphs(second)
        + "<h2>Areas for improvement</h2>"
        + paragraphs(improvements)
        + "</div>"
    )
    margin = f'content: "{HEADER}"; font-size: 8pt'
    style = (
        f"@page :left {{ @top-center {{ content: none }} @top-left {{ {margin} }} }}"
        f"@page :right {{ @top-center {{ content: none }} @top-right {{ {margin} }} }}"
        ".cols { columns: 2; column-gap: 0.8cm; text-align: justify; hyphens: auto }"
        ".cols h2 { column-span: all; font-size: 13pt }"
    )
    return _render("two_columns", body, known, style=style)


CONCERNS = (
    "The force lacks the capacity and capability to investigate crime effectively, and "
    "victims do not always receive the service they should.",
    "The force does not always assess the risk to vulnerable people well enough when they "
    "first contact it.",
)
SIX_MONTHS_STEM = "HMIC recommends that within six months the force should:"


def hmicfrs() -> Layout:
    """HMICFRS PEEL style: each "Cause of concern" then its recommendations as bullets after
    a lead-in, then "Areas for improvement" as paragraphs; numbered paragraphs around them."""
    known: list[Known] = []
    parts = [f"<h1>{HEADER}</h1>", "<h2>Overview</h2>", _prose(4, offset=2), _traps()]
    groups = [
        (CONCERNS[0], HMIC_STEM, _hmic_bullets(), True),
        (
            CONCERNS[1],
            SIX_MONTHS_STEM,
            [t.split(SIX_MONTHS_STEM, 1)[1].strip() for t in texts() if SIX_MONTHS_STEM in t],
            False,
        ),
    ]
    for number, (concern, stem, bullets, subheading) in enumerate(groups, start=1):
        i = len(known)
        parts.append(f"<h3>{_start(i)}Cause of concern</h3><p>{_esc(concern)}{_end(i)}</p>")
        known.append(Known(f"CoC {number}", FindingType.CAUSE_OF_CONCERN, concern))
        if subheading:
            parts.append("<h4>Recommendations</h4>")
        items = []
        for k, bullet in enumerate(bullets, start=1):
            i = len(known)
            items.append(f"<li>{_start(i)}{_esc(bullet)}{_end(i)}</li>")
            known.append(
                Known(f"CoC {number} R{k}", FindingType.RECOMMENDATION, f"{stem} {bullet}")
            )
        parts.append(f"<p>{_esc(stem)}</p><ul>{''.join(items)}</ul>")
        parts.append(_prose(3, offset=number * 5))
    parts.append("<h2>Areas for improvement</h2>")
    improvements = [t.removeprefix("Area for improvement: ") for t in texts()[15:18]]
    improvements += list(texts()[44:50])
    for k, text in enumerate(improvements, start=1):
        i = len(known)
        parts.append(f"<p>{_start(i)}{_esc(text)}{_end(i)}</p>")
        known.append(Known(f"AFI {k}", FindingType.AREA_FOR_IMPROVEMENT, text))
    parts += ["<h2>About the data</h2>", _prose(3, offset=9)]
    return _render("hmicfrs", "\n".join(parts), known, style="p { text-align: justify }")


def long_report(chapters: int = 24) -> Layout:
    """A long report (300 pages at 43 chapters): chapters of prose, each ending with its
    recommendations as headings, numbered on through the report; each chapter's title runs
    over its pages beside the report's."""
    known: list[Known] = []
    parts = [f"<h1>{HEADER}</h1>"]
    number = 0
    for chapter in range(1, chapters + 1):
        title = " ".join(texts()[chapter % len(texts())].split()[:4]).strip(",.:;")
        parts.append(f'<h2 class="chapter">Chapter {chapter}: {_esc(title)}</h2>')
        parts.append(_prose(38, offset=chapter))
        parts.append(f"<h3>Chapter {chapter}: recommendations</h3>")
        for k in range(6):
            number += 1
            text = texts()[(chapter * 6 + k) % len(texts())]
            i = len(known)
            parts.append(f"<h3>{_start(i)}Recommendation {number}</h3><p>{_esc(text)}{_end(i)}</p>")
            known.append(Known(str(number), FindingType.RECOMMENDATION, text))
    style = (
        "p { text-align: justify }"
        ".chapter { break-before: page; string-set: chapter content() }"
        # Each chapter's title over its pages, as HMICFRS and IICSA reports have it.
        "@page { @top-left { content: string(chapter); font-size: 8pt } }"
    )
    return _render("long_report", "\n".join(parts), known, style=style)


LAYOUTS = {"headed": headed, "numbered": numbered, "two_columns": two_columns, "hmicfrs": hmicfrs}


@functools.cache
def layout(name: str) -> Layout:
    """The named layout, set once per process."""
    return LAYOUTS[name]()

"""The reader gives the report's own words in reading order, and nothing of the page's
furniture: running headers and footers, page numbers, footnotes and their markers."""

from answerable.extraction.pdf_text import read_lines
from answerable.extraction.tests.helpers import html_pdf, texts_of

MARGINS = (
    '@page { @top-center { content: "Shire Police inspection: official"; font-size: 8pt }'
    '  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 9pt } }'
)


def test_ligatures_become_their_letters():
    body = "<p>The \ufb01nal report on the \ufb02ow of cases to o\ufb03cers.</p>"
    assert texts_of(html_pdf(body)) == ["The final report on the flow of cases to officers."]


def test_a_footnote_marker_and_the_footnote_are_left_out():
    body = (
        "<p>Forces should have problem profiles<sup>12</sup> for child exploitation.</p>"
        '<p>More text.<span style="float: footnote; font-size: 8pt">12 Home Office '
        "guidance.</span></p>"
    )
    assert texts_of(html_pdf(body)) == [
        "Forces should have problem profiles for child exploitation.",
        "More text.",
    ]


def test_running_headers_footers_and_page_numbers_are_left_out_of_every_page():
    body = "".join(
        f'<p style="break-before: page">Recommendation {n}: The council should act.</p>'
        for n in range(1, 5)
    )
    assert texts_of(html_pdf(body, MARGINS)) == [
        f"Recommendation {n}: The council should act." for n in range(1, 5)
    ]


def test_a_lone_page_number_is_left_out_even_on_a_one_page_report():
    style = "@page { @bottom-center { content: counter(page) } }"
    assert texts_of(html_pdf("<p>The council should act.</p>", style)) == [
        "The council should act."
    ]


def test_the_same_item_heading_at_the_top_of_each_page_is_kept():
    body = "".join(
        f'<h3 style="break-before: page">Recommendation {n}</h3><p>The council should act.</p>'
        for n in range(1, 5)
    )
    texts = texts_of(html_pdf(body, MARGINS))
    assert [t for t in texts if t.startswith("Recommendation")] == [
        f"Recommendation {n}" for n in range(1, 5)
    ]


def test_two_columns_are_read_left_column_first_and_a_heading_across_them_in_its_place():
    left = " ".join(f"left{n}" for n in range(60))
    right = " ".join(f"right{n}" for n in range(60))
    after = " ".join(f"after{n}" for n in range(40))
    body = (
        '<div style="columns: 2; column-gap: 1cm">'
        f"<p>{left}</p><p>{right}</p>"
        '<h2 style="column-span: all">Across both</h2>'
        f"<p>{after}</p></div>"
    )
    words = " ".join(texts_of(html_pdf(body))).split()
    assert words == [*left.split(), *right.split(), "Across", "both", *after.split()]


def test_lines_record_their_page_and_where_paragraphs_start():
    long = "The first paragraph of the report runs over several lines of the page. " * 6
    body = f"<p>{long}</p><p>The second paragraph.</p>"
    lines = read_lines(html_pdf(body), name="report.pdf")
    assert [(line.page, line.paragraph_start, line.block_start) for line in lines] == [
        (1, False, True),
        *[(1, False, False)] * (len(lines) - 2),
        (1, True, False),
    ]
    assert lines[-1].text == "The second paragraph."


def test_sideways_text_such_as_a_watermark_is_left_out():
    body = (
        "<p>The council should act.</p>"
        '<p style="transform: rotate(-45deg); font-size: 40pt">DRAFT</p>'
    )
    assert texts_of(html_pdf(body)) == ["The council should act."]


def test_a_running_header_naming_each_chapter_is_left_out():
    """Each chapter is one page, so its header is on no other page: it is known by where it
    stands, apart from the text at the top of every page."""
    style = (
        "h2 { break-before: page; string-set: chapter content() }"
        "@page { @top-left { content: string(chapter); font-size: 8pt } }"
    )
    prose = "<p>" + "The force should record its decisions and publish them. " * 30 + "</p>"
    chapters = [f"Chapter on {topic}" for topic in ("victims", "taxis", "training", "data")]
    texts = texts_of(html_pdf("".join(f"<h2>{title}</h2>{prose}" for title in chapters), style))
    assert [t for t in texts if "Chapter" in t] == chapters  # the headings, not the headers

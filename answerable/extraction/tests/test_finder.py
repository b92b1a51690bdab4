"""What counts as an item, where it ends, and what it is called, from lines alone."""

from answerable.extraction.addressees import addressees_from_text
from answerable.extraction.finder import find_items, join_lines
from answerable.extraction.pdf_text import Line

BODY = 10.5


def heading(text: str, page: int = 1) -> Line:
    return Line(page, text, 14.0, True, paragraph_start=True, fills_width=False)


def para(*texts: str, page: int = 1, block_start: bool = False, last_fills: bool = False):
    """A paragraph's lines: every line but the last reaches the margin."""
    return [
        Line(
            page,
            text,
            BODY,
            False,
            paragraph_start=i == 0 and not block_start,
            block_start=i == 0 and block_start,
            fills_width=i < len(texts) - 1 or last_fills,
        )
        for i, text in enumerate(texts)
    ]


def found(lines):
    return [(i.reference, i.finding_type, i.text, i.page) for i in find_items(lines)]


def test_a_labelled_recommendation_in_prose_is_not_an_item():
    lines = para("Recommendation 3 was accepted by the Home Office in 2024.", "It is done.")
    assert found(lines) == []


def test_an_inline_label_starts_an_item_that_ends_with_its_paragraph():
    lines = [
        *para("Recommendation 12: The council should review its", "licensing policy."),
        *para("We will return to this in a year."),
    ]
    assert found(lines) == [
        ("12", "recommendation", "The council should review its licensing policy.", 1)
    ]


def test_numbered_paragraphs_are_items_only_under_a_recommendations_heading_and_in_turn():
    lines = [
        heading("Methodology"),
        *para("1. We interviewed officers."),
        heading("Recommendations"),
        *para("1. The council should review its", "2024 policy."),
        *para("2. The force should train its officers."),
        *para("7. Not in turn, so part of the text around it."),
        *para("3. The force should publish its data."),
    ]
    assert [r for r, *_ in found(lines)] == ["1", "2", "3"]
    assert found(lines)[0][2] == "The council should review its 2024 policy."


def test_a_heading_over_two_lines_opens_its_section():
    lines = [
        heading("Recommendations to the Home Office and the Department"),
        Line(1, "for Education", 14.0, True, fills_width=False),
        *para("1. The Home Office should publish its data."),
        *para("2. The Department should train its staff."),
    ]
    assert [r for r, *_ in found(lines)] == ["1", "2"]


def test_a_number_starting_a_wrapped_line_does_not_start_an_item():
    lines = [
        heading("Recommendations"),
        *para("1. The council should review its policy within", "2 months of this report."),
    ]
    assert found(lines) == [
        (
            "1",
            "recommendation",
            "The council should review its policy within 2 months of this report.",
            1,
        )
    ]


def test_a_summary_list_repeated_in_the_chapters_gives_each_item_once():
    lines = [
        *para("Recommendation 1: The council should act."),
        *para("Recommendation 2: The force should act."),
        heading("Chapter 3"),
        *para("Recommendation 1: The council should act."),
    ]
    assert [r for r, *_ in found(lines)] == ["1", "2"]


def test_bullets_after_a_colon_belong_to_the_recommendation():
    lines = [
        heading("Recommendation 4"),
        *para("Within six months, the force should:"),
        *para("• train its officers; and"),
        *para("• publish its data."),
        *para("This is the end of the chapter."),
    ]
    assert found(lines) == [
        (
            "4",
            "recommendation",
            "Within six months, the force should:\n• train its officers; and\n• publish its data.",
            1,
        )
    ]


def test_an_item_runs_on_over_a_page_break_when_its_sentence_does():
    lines = [
        *para("Recommendation 5: The council should review", "its licensing policy and"),
        *para("publish the result.", page=2, block_start=True),
    ]
    assert found(lines) == [
        (
            "5",
            "recommendation",
            "The council should review its licensing policy and publish the result.",
            1,
        )
    ]


def test_an_item_runs_on_over_a_page_break_when_its_last_line_reaches_the_margin():
    lines = [
        *para("Recommendation 5: The council should review its policy.", last_fills=True),
        *para("It should publish the result.", page=2, block_start=True),
    ]
    assert (
        found(lines)[0][2] == "The council should review its policy. It should publish the result."
    )


def test_an_item_ends_at_a_page_break_after_a_short_last_sentence():
    lines = [
        *para("Recommendation 5: The council should review its policy."),
        *para("The next chapter looks at training.", page=2, block_start=True),
    ]
    assert found(lines)[0][2] == "The council should review its policy."


def test_causes_of_concern_and_areas_for_improvement_are_typed_and_referenced():
    lines = [
        *para("Cause of concern 2: The force does not assess risk well."),
        *para("Area for improvement 3: The force should record decisions."),
        heading("Cause of concern"),
        *para("Victims wait too long."),
        *para("Within three months, the force should:"),
        *para("• answer calls promptly;"),
        *para("• review its call handling."),
        heading("Areas for improvement"),
        *para("The force should improve its records."),
        *para("The force should improve its advice."),
    ]
    assert [(r, t) for r, t, *_ in found(lines)] == [
        ("Cause of concern 2", "cause_of_concern"),
        ("Area for improvement 3", "area_for_improvement"),
        ("CoC 1", "cause_of_concern"),
        ("CoC 1 R1", "recommendation"),
        ("CoC 1 R2", "recommendation"),
        ("AFI 1", "area_for_improvement"),
        ("AFI 2", "area_for_improvement"),
    ]
    assert found(lines)[3][2] == "Within three months, the force should: answer calls promptly;"


def test_hyphens_at_line_ends_are_mended_as_the_report_spells_the_word():
    vocabulary = {"group-based", "exploitation", "plain", "english"}
    assert join_lines(["child ex\u2010", "ploitation"], set()) == "child exploitation"
    assert join_lines(["child ex-", "ploitation"], vocabulary) == "child exploitation"
    assert join_lines(["child ex-", "ploitation"], set()) == "child exploitation"
    assert join_lines(["group-", "based abuse"], vocabulary) == "group-based abuse"
    assert join_lines(["a Plain-", "English version"], set()) == "a Plain-English version"
    assert join_lines(["victim/", "alleged-abuser"], set()) == "victim/alleged-abuser"
    assert join_lines(["activity /", "positions"], set()) == "activity / positions"


def test_addressees_are_the_names_before_should():
    assert addressees_from_text("The council should review its policy.") == ["Council"]
    assert addressees_from_text(
        "By 31 December 2024, all chief constables and the College of Policing should act."
    ) == ["Chief constables", "College of Policing"]
    assert addressees_from_text(
        "The Chair and Panel recommend that the Ministry of Justice, Home Office and "
        "Attorney General commission a joint inspection."
    ) == ["Ministry of Justice", "Home Office", "Attorney General"]
    assert addressees_from_text("The law in England and Wales should be changed.") == []
    assert addressees_from_text("Training so practitioners know when they should share.") == []

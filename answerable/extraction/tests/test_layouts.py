"""Each realistic layout gives back exactly the items set in it: every one, whole, with its
reference, type and page, and nothing else."""

import datetime
import re

import pytest

from answerable.extraction.finder import find_items
from answerable.extraction.pdf_text import PARALLEL_FROM_PAGES, read_lines
from answerable.extraction.tests.helpers import extracted
from answerable.extraction.tests.layouts import HEADER, LAYOUTS, layout, long_report, texts
from answerable.recommendations.models import Recommendation

FindingType = Recommendation.FindingType


@pytest.mark.parametrize("name", LAYOUTS)
def test_every_item_is_found_whole_with_its_reference_type_and_page_and_nothing_else(name):
    report = layout(name)
    found = [(i.reference, i.finding_type, i.text, i.page) for i in extracted(name)]
    assert found == [(k.reference, k.finding_type, k.text, k.page) for k in report.known]


@pytest.mark.parametrize("name", ["headed", "numbered", "two_columns"])
def test_items_that_run_over_a_page_break_are_found_whole(name):
    report = layout(name)
    assert report.across_pages, "the layout should set some item over a page break"
    found = {i.reference: i.text for i in extracted(name)}
    for known in report.across_pages:
        assert found[known.reference] == known.text


@pytest.mark.parametrize("name", LAYOUTS)
def test_running_headers_footers_and_page_numbers_stay_out_of_the_text(name):
    for item in extracted(name):
        assert HEADER not in item.text
        assert not re.search(r"Page \d+ of \d+", item.text)


def test_every_text_in_the_register_file_is_set_in_the_layouts():
    assert len(texts()) == 57
    headed = {k.text for k in layout("headed").known}
    assert set(texts()) <= headed


def test_a_heading_item_with_bullets_keeps_them_as_lines_of_its_text():
    last = extracted("headed")[-1]
    assert last.reference == "58"
    assert last.text.startswith("HMIC recommends that the force should immediately:\n• conduct")
    assert last.text.count("\n• ") == 6


def test_a_footnote_marker_and_its_note_stay_out_of_the_text():
    second = extracted("headed")[1]
    assert second.text == texts()[1]
    assert all("national guidance" not in i.text for i in extracted("headed"))


def test_hmicfrs_causes_of_concern_are_followed_by_their_own_recommendations():
    found = [(i.reference, i.finding_type) for i in extracted("hmicfrs")]
    assert found[:2] == [
        ("CoC 1", FindingType.CAUSE_OF_CONCERN),
        ("CoC 1 R1", FindingType.RECOMMENDATION),
    ]
    assert ("CoC 2", FindingType.CAUSE_OF_CONCERN) in found
    assert [r for r, t in found if t == FindingType.AREA_FOR_IMPROVEMENT] == [
        f"AFI {n}" for n in range(1, 10)
    ]
    assert not any(i.reference_printed for i in extracted("hmicfrs"))


def test_deadlines_in_the_text_are_read_as_the_register_reads_them():
    first, *_ = extracted("headed")
    assert first.deadline_on == datetime.date(2024, 12, 31)
    third = extracted("numbered")[2]
    assert third.deadline_on == datetime.date(2025, 5, 30)
    assert extracted("numbered")[20].deadline_on is None


def test_named_addressees_are_suggested_as_owners():
    first = extracted("two_columns")[0]
    assert first.addressees == (
        "Home Office",
        "Department for Education",
        "Welsh Government",
        "National Crime Agency",
        "National Police Chiefs' Council",
        "College of Policing",
    )
    assert extracted("two_columns")[1].addressees == ("Chief constables",)


def test_a_long_report_read_by_two_processes_reads_as_by_one():
    report = long_report(chapters=6)
    assert report.pages >= PARALLEL_FROM_PAGES
    lines = read_lines(report.pdf, name="long.pdf", workers=2)
    assert lines == read_lines(report.pdf, name="long.pdf")
    found = [(i.reference, i.text, i.page) for i in find_items(lines)]
    assert found == [(k.reference, k.text, k.page) for k in report.known]

"""Property-based tests of the workforce import (issue #11): any roster and completions files,
CSV or XLSX, are checked and written as a snapshot, or refused with messages naming the file
and, for a bad row, the row. Nothing else may escape the checks or the write.
"""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import event, given
from hypothesis import strategies as st

from answerable.core.tests.strategies import FUZZ, assert_names, cell_texts, csv_files, xlsx_files
from answerable.workforce import importing, services
from answerable.workforce.tables import StoredTable
from answerable.workforce.tests.factories import CourseAudienceFactory, CourseFactory

TAKEN_ON = datetime.date(2025, 3, 31)
ROSTER_NAME, COMPLETIONS_NAME = "roster.file", "completions.file"
# Columns as forces name them, with a few that look identifying (and are refused as such).
ROSTER_HEADERS = ["Staff ID", "Workforce type", "Rank", "Command", "Location", "Start date"]
COMPLETION_HEADERS = ["Staff ID", "Course code", "Completed on", "Expires on"]
OTHER_HEADERS = ["Leaving date", "Surname", "Email", "Postcode", "Notes"]

NEARLY = {
    "Staff ID": st.sampled_from(["P001", "P002", "P003", "p001"]),
    "Workforce type": st.sampled_from(["Officer", "police staff", "PCSO", "special"]),
    "Start date": st.sampled_from(["01/04/2020", "2019-01-31", "2025-03-31"]),
    "Leaving date": st.sampled_from(["", "2025-01-31", "01/01/2019"]),
    "Course code": st.sampled_from(["CSE", "cse", "OTHER"]),
    "Completed on": st.sampled_from(["2024-05-01", "31/03/2025", "2024-01-01", "2025-04-01"]),
    "Expires on": st.sampled_from(["", "2027-01-01", "2023-01-01"]),
}


def _mostly(name: str) -> st.SearchStrategy:
    """Nine cells in ten sensible for the column, the tenth awkward."""
    good = NEARLY.get(name, st.sampled_from(["Constable", "Local Policing", "Worcester"]))
    return st.integers(0, 9).flatmap(lambda n: cell_texts if n == 0 else good)


@st.composite
def tables(draw: st.DrawFn, headers: list[str]) -> list[list[str]]:
    names = headers + draw(st.lists(st.sampled_from(OTHER_HEADERS), unique=True, max_size=2))
    names = draw(st.permutations(names))
    rows = draw(st.lists(st.tuples(*map(_mostly, names)), min_size=1, max_size=3))
    return [names, *map(list, rows)]


def files(headers: list[str]) -> st.SearchStrategy:
    """A CSV or XLSX file, its kind, nearly right or anything at all."""
    nearly = st.one_of(
        csv_files(tables=tables(headers)).map(lambda content: (content, "csv")),
        xlsx_files(tables=tables(headers)).map(lambda content: (content, "xlsx")),
    )
    anything = st.one_of(
        csv_files().map(lambda content: (content, "csv")),
        xlsx_files().map(lambda content: (content, "xlsx")),
    )
    return st.one_of(nearly, nearly, anything)  # two in three nearly right


@pytest.fixture
def uploader(force, force_lead):
    course = CourseFactory(owner=force, code="CSE")
    CourseAudienceFactory(course=course, workforce_type="officer")
    return force_lead, force


@FUZZ
@given(files(ROSTER_HEADERS), files(COMPLETION_HEADERS))
def test_any_roster_and_completions_are_imported_or_refused_by_file_and_row(
    uploader, roster_file, completions_file
):
    actor, force = uploader
    roster = StoredTable(roster_file[0], kind=roster_file[1], name=ROSTER_NAME)
    completions = StoredTable(completions_file[0], kind=completions_file[1], name=COMPLETIONS_NAME)
    try:
        problems = importing.identifying_column_errors(roster)
        problems += importing.identifying_column_errors(completions)
        mapping = {
            importing.ROSTER: importing.guess_mapping(roster.headers(), importing.ROSTER),
            importing.COMPLETIONS: importing.guess_mapping(
                completions.headers(), importing.COMPLETIONS
            ),
        }
    except ValidationError as error:
        assert_names(error, ROSTER_NAME, COMPLETIONS_NAME)
        return
    for problem in problems:
        assert ROSTER_NAME in problem or COMPLETIONS_NAME in problem, problem
    refused: list[str] = []
    with transaction.atomic():
        try:
            services.snapshot_import(
                actor=actor,
                organisation=force,
                taken_on=TAKEN_ON,
                roster=roster,
                completions=completions,
                roster_sha256=hashlib.sha256(roster.content).hexdigest(),
                completions_sha256=hashlib.sha256(completions.content).hexdigest(),
                mapping=mapping,
            )
        except importing.ImportInvalid as error:
            refused = [str(e) for e in error.log.listed] or ["no row named"]
        except ValidationError as error:
            # Columns the mapping lacks are asked for on the mapping page, which names the file.
            refused = [m for m in error.messages if not m.startswith("Select the column")]
        else:
            event("written")
        transaction.set_rollback(True)  # each example starts from an empty snapshot list
    for message in refused:
        assert ROSTER_NAME in message or COMPLETIONS_NAME in message, message

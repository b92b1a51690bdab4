"""Property-based tests of the recommendations import (issue #11): any CSV or XLSX file is
read, checked and written, or refused with messages naming the file or its rows. Nothing
else may escape, or the person sees a server error and a background import dies unexplained.
"""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import event, given
from hypothesis import strategies as st

from answerable.core.tests.strategies import (
    FUZZ,
    assert_names,
    cell_texts,
    csv_files,
    xlsx_files,
)
from answerable.recommendations import importing
from answerable.recommendations.tables import read_table

NAME = "recommendations.file"
# Columns as people name them, so most files map and their rows reach the row checks.
HEADERS = [
    "Source title",
    "source",
    "Reference",
    "ref",
    "Recommendation",
    "text",
    "Type of source",
    "Publication date",
    "URL",
    "Statutory deadline",
    "Finding type",
    "Addressed to",
    "Themes",
    "Action owner",
    "Action",
    "Target date",
]
headers = st.one_of(
    st.lists(st.sampled_from(HEADERS), min_size=3, max_size=10),
    st.lists(st.one_of(st.sampled_from(HEADERS), cell_texts), max_size=8),
)
# Files that are nearly right: the mapped columns, sensible values with awkward ones among
# them, so that many pass the checks and reach the write.
NEARLY = {
    "source": st.sampled_from(["Report A", "Report B", "Report \u2013 \u201cC\u201d"]),
    "reference": st.sampled_from(["R1", "R2", "R3", "1.1", "AFI 4"]),
    "text": cell_texts.filter(str.strip),
    "owner": st.sampled_from(["", "Shire Police", "shire police; Office of the PCC"]),
    "target_on": st.sampled_from(["", "31/12/2025", "2026-01-31"]),
    "themes": st.sampled_from(["", "Custody, Training"]),
    "finding_type": st.sampled_from(["", "AFI", "cause of concern"]),
}


def _mostly(good: st.SearchStrategy) -> st.SearchStrategy:
    """Nine cells in ten from `good`, the tenth awkward."""
    return st.integers(0, 9).flatmap(lambda n: cell_texts if n == 0 else good)


@st.composite
def nearly_valid_tables(draw: st.DrawFn) -> list[list[object]]:
    names = ["source", "reference", "text"] + draw(
        st.lists(st.sampled_from(["owner", "target_on", "themes", "finding_type"]), unique=True)
    )
    rows = draw(
        st.lists(
            st.tuples(*(_mostly(NEARLY[name]) for name in names)),
            min_size=1,
            max_size=5,
        )
    )
    return [names, *map(list, rows)]


def _read_plan_and_write(content, kind, actor, office):
    try:
        table = read_table(content, kind=kind, name=NAME)
    except ValidationError as error:
        assert_names(error, NAME)
        return
    mapping = importing.guess_mapping(table.headers)
    plan = importing.import_plan(table=table, mapping=mapping, office=office)
    for problem in plan.errors + plan.warnings:
        assert str(problem).startswith(f"Row {problem.row}")
    if not plan.is_valid or importing.mapping_errors(mapping, table.headers):
        return
    with transaction.atomic():
        try:
            importing.recommendations_import(
                actor=actor,
                office=office,
                table=table,
                mapping=mapping,
                file_name=NAME,
                file_sha256=hashlib.sha256(content).hexdigest(),
            )
        except importing.ImportInvalid as error:
            refused = error.messages  # a rule the plan leaves to the services
        else:
            refused = []
            event("written")
        transaction.set_rollback(True)  # each example starts from the same register
    assert all(message.startswith("Row ") for message in refused), refused


@pytest.fixture
def importer(office, force, scrutiny_officer):
    return scrutiny_officer, office


@FUZZ
@given(st.one_of(csv_files(headers=headers), csv_files(tables=nearly_valid_tables())))
def test_any_csv_file_is_imported_or_refused_by_row(importer, content):
    _read_plan_and_write(content, "csv", *importer)


@FUZZ
@given(st.one_of(xlsx_files(headers=headers), xlsx_files(tables=nearly_valid_tables())))
def test_any_workbook_is_imported_or_refused_by_row(importer, content):
    _read_plan_and_write(content, "xlsx", *importer)

"""Property-based tests of the upload checks and the table reader (issue #11).

Whatever bytes arrive, reading a table ends in rows or in a ValidationError that names the
file: never another exception, which would show the person a server error page.
"""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import example, given
from hypothesis import strategies as st

from answerable.core.files import CSV, TABLE_KINDS, XLSX, check_upload, sniff
from answerable.core.tables import open_table
from answerable.core.tests.strategies import FUZZ, assert_names, csv_files, xlsx_files

NAME = "upload.file"
MAX_BYTES = 5 * 1024 * 1024


def read_all(content: bytes, kind: str) -> list[tuple[int, list]]:
    """Open the table and read every row, as an import does; rows are numbered from 2 up."""
    headers, rows = open_table(content, kind=kind, name=NAME)
    read = list(rows)
    assert all(isinstance(header, str) and header for header in headers)
    numbers = [number for number, _ in read]
    assert numbers == sorted(set(numbers))
    assert all(number >= 2 and len(cells) == len(headers) for number, cells in read)
    return read


def upload_then_read(content: bytes) -> None:
    """The whole path of an upload: check its content, then read it as the kind it is."""
    upload = SimpleUploadedFile(NAME, content)
    try:
        checked = check_upload(upload, allowed=TABLE_KINDS, max_bytes=MAX_BYTES)
        read_all(checked.content, checked.kind)
    except ValidationError as error:
        assert_names(error, NAME)


def read_as(content: bytes, kind: str) -> None:
    """Stored files are read again without the upload checks (imports run as tasks)."""
    try:
        read_all(content, kind)
    except ValidationError as error:
        assert_names(error, NAME)


@FUZZ
@given(st.binary(max_size=2_000))
@example(b"")
@example(b"PK\x03\x04")
@example(b"PK\x03\x04" + b"\x00" * 100)
@example(b"\xef\xbb\xbf")
@example(b"\x81\x8d\x8f\x90\x9d")  # bytes Windows-1252 leaves undefined
def test_any_bytes_are_read_or_refused_by_name(content):
    assert sniff(content) in {None, CSV, XLSX, "pdf", "png", "jpeg", "docx"}
    upload_then_read(content)
    read_as(content, CSV)
    read_as(content, XLSX)


@FUZZ
@given(csv_files())
def test_any_csv_text_is_read_or_refused_by_name(content):
    upload_then_read(content)
    read_as(content, CSV)


@FUZZ
@given(xlsx_files())
def test_any_workbook_is_read_or_refused_by_name(content):
    upload_then_read(content)
    read_as(content, XLSX)


@FUZZ
@given(xlsx_files(), st.data())
def test_a_damaged_workbook_is_refused_by_name(content, data):
    """Truncated or with bytes flipped, as a failed download or a bad disk leaves it."""
    # Positions are drawn before they are scaled to the file: openpyxl stamps each file with
    # the time it was saved, so its length varies from one run to the next.
    cut = data.draw(st.integers(min_value=0, max_value=2**20)) % (len(content) + 1)
    flips = data.draw(st.lists(st.tuples(st.integers(0, 2**20), st.integers(0, 255)), max_size=8))
    damaged = bytearray(content[:cut] if data.draw(st.booleans()) else content)
    for position, value in flips if damaged else []:
        damaged[position % len(damaged)] = value
    upload_then_read(bytes(damaged))
    read_as(bytes(damaged), XLSX)


@FUZZ
@given(xlsx_files(headers=st.just(["a", "b"])))
def test_generated_workbooks_are_real_xlsx_files(content):
    """Guards the strategies: a fuzzed workbook must reach the reader, not just the sniffer."""
    assert sniff(content) == XLSX
    try:
        headers, _ = open_table(content, kind=XLSX, name=NAME)
    except ValidationError as error:
        code, headers = error.code, []
    else:
        code = None
    if code is not None:
        assert code == "no_header"  # an empty sheet put first
    else:  # columns left blank before the table are named, as in any other file
        assert [h for h in headers if not h.startswith("Column ")] == ["a", "b"]

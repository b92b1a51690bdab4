"""`manage.py extract_recommendations` writes a CSV the register's import takes as it is."""

import csv
import datetime
import io

from django.core.management import call_command

from answerable.core.files import CSV
from answerable.extraction.reports import COLUMNS
from answerable.extraction.tests.layouts import layout
from answerable.recommendations import importing
from answerable.recommendations.importing import FIELD_NAMES
from answerable.recommendations.models import Recommendation, Source
from answerable.recommendations.tables import read_table


def extract(tmp_path, name: str, *args: str) -> tuple[bytes, str]:
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(layout(name).pdf)
    output = tmp_path / f"{name}.csv"
    err = io.StringIO()
    call_command("extract_recommendations", str(pdf), "--output", str(output), *args, stderr=err)
    return output.read_bytes(), err.getvalue()


def test_the_csv_has_the_import_columns_then_page_deadline_and_owner_suggestion(tmp_path):
    content, message = extract(tmp_path, "hmicfrs", "--source-title", "PEEL 2016: Shire")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert (
        tuple(rows[0]) == COLUMNS == (*FIELD_NAMES, "page", "deadline_in_text", "owner_suggestion")
    )
    assert len(rows) == 20
    assert {row["source"] for row in rows} == {"PEEL 2016: Shire"}
    assert (rows[1]["reference"], rows[1]["finding_type"], rows[1]["owner_suggestion"]) == (
        "CoC 1 R1",
        "recommendation",
        "Force",
    )
    assert message.strip() == (
        "Found 20 items in hmicfrs.pdf (9 recommendation, 2 cause of concern, "
        "9 area for improvement) under the source title “PEEL 2016: Shire”; wrote "
        f"{tmp_path / 'hmicfrs.csv'}."
    )


def test_without_output_the_csv_goes_to_standard_output(tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(layout("numbered").pdf)
    out = io.StringIO()
    call_command("extract_recommendations", str(pdf), stdout=out, stderr=io.StringIO())
    rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert [row["reference"] for row in rows] == [str(n) for n in range(1, 58)]
    assert rows[0]["source"] == "report"  # no title in the PDF: its file name
    assert rows[0]["deadline_in_text"] == "2024-12-31"


def test_the_csv_imports_cleanly_into_the_register(tmp_path, scrutiny_officer, office):
    content, _ = extract(tmp_path, "two_columns", "--source-title", "Inspection of CSE")
    table = read_table(content, kind=CSV, name="two_columns.csv")
    mapping = importing.guess_mapping(table.headers)
    assert set(mapping) == set(FIELD_NAMES)  # the extra columns are left to the person
    result = importing.recommendations_import(
        actor=scrutiny_officer,
        office=office,
        table=table,
        mapping=mapping,
        file_name="two_columns.csv",
        file_sha256="0" * 64,
    )
    known = layout("two_columns").known
    assert result.recommendations_created == len(known) == 63
    source = Source.objects.get(title="Inspection of CSE")
    saved = list(source.recommendations.order_by("position"))
    assert [(r.reference, r.finding_type, r.text) for r in saved] == [
        (k.reference, k.finding_type, k.text) for k in known
    ]
    first = saved[0]
    assert first.deadline_on == datetime.date(2024, 12, 31)
    assert first.addressees.startswith("Home Office; Department for Education")
    assert (
        Recommendation.objects.filter(
            source=source, finding_type=Recommendation.FindingType.AREA_FOR_IMPROVEMENT
        ).count()
        == 6
    )

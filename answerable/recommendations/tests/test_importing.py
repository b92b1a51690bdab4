import csv
import datetime
import hashlib
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from answerable.audit.models import AuditEvent
from answerable.audit.selectors import audit_chain_verify
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations import importing
from answerable.recommendations.importing.blank import Blank
from answerable.recommendations.models import Action, Recommendation, Source
from answerable.recommendations.tables import MAX_ROWS, read_table
from answerable.recommendations.tests.factories import RecommendationFactory, SourceFactory

SHARED_CSV = Path("/work/shared/data/recommendations.csv")
SHARED_MAPPING = {
    "source": "source",
    "reference": "number",
    "text": "text",
    "source_url": "url",
    "addressees": "owner_organisation",
}
HEADERS = ["source", "reference", "text", "owner", "target_on"]


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def table_of(rows: list[list[str]], headers: list[str] = HEADERS):
    return read_table(csv_bytes([headers, *rows]), kind="csv", name="test.csv")


def xlsx_bytes_of(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_for(office, rows, headers=HEADERS):
    table = table_of(rows, headers)
    return importing.import_plan(
        table=table, mapping=importing.guess_mapping(table.headers), office=office
    )


def run_import(actor, office, rows, headers=HEADERS, mapping=None):
    table = table_of(rows, headers)
    return importing.recommendations_import(
        actor=actor,
        office=office,
        table=table,
        mapping=mapping or importing.guess_mapping(table.headers),
        file_name="test.csv",
        file_sha256="0" * 64,
    )


def counts() -> tuple[int, int, int, int]:
    return (
        Source.objects.count(),
        Recommendation.objects.count(),
        Action.objects.count(),
        AuditEvent.objects.count(),
    )


def assert_rejected(actor, office, rows, expected: str, headers=HEADERS) -> None:
    """The import raises an error including `expected` and writes nothing at all."""
    before = counts()
    with pytest.raises(importing.ImportInvalid) as caught:
        run_import(actor, office, rows, headers)
    messages = [str(error) for error in caught.value.row_errors]
    assert expected in messages, messages
    assert counts() == before


# --- reading files ---------------------------------------------------------------------------


def test_a_csv_is_read_into_headers_and_numbered_rows_skipping_blank_ones():
    table = read_table(b"source,reference\r\nA,R1\r\n,\r\nB,R2\r\n", kind="csv", name="a.csv")
    assert table.headers == ["source", "reference"]
    assert table.rows == [(2, ["A", "R1"]), (4, ["B", "R2"])]


def test_a_windows_1252_csv_is_read():
    table = read_table(
        "source,text\nCaf\u00e9,\u201cquoted\u201d\n".encode("cp1252"), kind="csv", name="a.csv"
    )
    assert table.rows[0][1] == ["Caf\u00e9", "\u201cquoted\u201d"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'source,text\nA,"unfinished\n', "The file a.csv is not a well-formed CSV file"),
        (b'source,text\nA,"x"y\n', "The file a.csv is not a well-formed CSV file"),
        (b"\n,,\n", "The file a.csv has no header row"),
        (b"source,text\n", "The file a.csv has no rows under its header row"),
        (b"source,Source\nA,B\n", "more than one column called Source"),
        (b"source,text\nA,B,C\n", "Row 2 of a.csv has more cells than the header row"),
        (b"source,text\n\x81\x8d,\x90\n", "The file a.csv could not be read"),
    ],
)
def test_a_malformed_csv_gives_a_clear_error(content, message):
    with pytest.raises(ValidationError) as caught:
        read_table(content, kind="csv", name="a.csv")
    assert message in caught.value.messages[0]


def test_a_corrupt_xlsx_gives_a_clear_error():
    with pytest.raises(ValidationError) as caught:
        read_table(b"PK\x03\x04 not really a workbook", kind="xlsx", name="a.xlsx")
    assert "The file a.xlsx could not be read as an Excel (XLSX) file" in caught.value.messages[0]


def test_an_xlsx_gives_dates_as_dates_and_whole_numbers_as_text():
    content = xlsx_bytes_of(
        [["source", "reference", "target_on"], ["A", 3, datetime.date(2025, 1, 2)]]
    )
    table = read_table(content, kind="xlsx", name="a.xlsx")
    assert table.rows == [(2, ["A", "3", datetime.date(2025, 1, 2)])]


def test_an_xlsx_over_the_row_limit_is_refused_rather_than_cut_short():
    rows = [["source", "reference"]] + [["A", f"R{n}"] for n in range(MAX_ROWS + 1)]
    with pytest.raises(ValidationError) as caught:
        read_table(xlsx_bytes_of(rows), kind="xlsx", name="a.xlsx")
    assert "The file a.xlsx must have no more than 10,000 rows" in caught.value.messages[0]


# --- mapping ------------------------------------------------------------------------------


def test_columns_are_guessed_ignoring_case_spaces_and_underscores_and_by_synonym():
    headers = ["Title", "Number", "Text", "Owner_Organisation", "URL", "Target Date", "notes"]
    assert importing.guess_mapping(headers) == {
        "source": "Title",
        "reference": "Number",
        "text": "Text",
        "owner": "Owner_Organisation",
        "source_url": "URL",
        "target_on": "Target Date",
    }


def test_an_exact_field_name_wins_over_a_synonym():
    mapping = importing.guess_mapping(["title", "Source", "reference"])
    assert mapping["source"] == "Source"


def test_a_mapping_without_the_required_fields_is_refused():
    problems = importing.mapping_errors({"source": "source"}, ["source", "text"])
    assert "Select the column that holds the reference as published (reference)" in problems
    assert "Select the column that holds the full text of the recommendation (text)" in problems


# --- validation: every rule, nothing written -----------------------------------------------


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["", "R1", "Text", "", ""], "Row 2, source: Enter the title of the source"),
        (
            ["Report", "", "Text", "", ""],
            "Row 2, reference: Enter the reference as published, like R3",
        ),
        (["Report", "R1", "", "", ""], "Row 2, text: Enter the full text of the recommendation"),
        (
            ["Report", "R1", "Text", "", "31/02/2024"],
            "Row 2, target_on: Enter a real date, like 31/12/2024",
        ),
        (
            ["Report", "R1", "Text", "", "next week"],
            "Row 2, target_on: Enter a real date, like 31/12/2024",
        ),
        (
            ["Report", "R1", "Text", "Nobody Police", ""],
            "Row 2, owner: Nobody Police is not an organisation in Answerable. "
            "Match it to one or more organisations",
        ),
        (
            ["Report", "R" * 51, "Text", "", ""],
            "Row 2, reference: The reference must be 50 characters or fewer",
        ),
        (
            ["Report", "R1", "Text", "", "2024-12-31"],
            "Row 2, owner: Enter the organisation that owns the action",
        ),
    ],
)
def test_each_invalid_row_is_named_and_nothing_is_written(scrutiny_officer, office, row, expected):
    assert_rejected(scrutiny_officer, office, [row], expected)


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        ("source_kind", "newspaper", "Enter inquiry, inspection, review, audit or coroner"),
        ("deadline_rule", "soon", "Enter none, s55, iicsa or pfd"),
        (
            "finding_type",
            "suggestion",
            "Enter recommendation, cause of concern or area for improvement",
        ),
        ("published_on", "2024/12/31", "Enter a real date, like 31/12/2024"),
        (
            "source_url",
            "not a web address",
            "Enter a web address in the correct format, like https://www.example.org",
        ),
        ("publisher", "P" * 201, "The publisher must be 200 characters or fewer"),
        ("themes", "Training, " + "T" * 101, "Each theme must be 100 characters or fewer"),
    ],
)
def test_each_invalid_optional_value_is_named(scrutiny_officer, office, header, value, expected):
    assert_rejected(
        scrutiny_officer,
        office,
        [["Report", "R1", "Text", value]],
        f"Row 2, {header}: {expected}",
        headers=["source", "reference", "text", header],
    )


def test_a_file_with_a_null_character_is_refused_by_row_before_the_plan():
    """Found by the fuzz tests (issue #11): the plan passed and the write then failed on
    PostgreSQL, which cannot store the character."""
    with pytest.raises(ValidationError) as caught:
        table_of([["Report", "R1", "Text"], ["Report", "R2", "Te\x00xt"]])
    assert caught.value.messages[0].startswith("Row 3 of test.csv contains a null character")


def test_an_archived_owner_is_refused(scrutiny_officer, office):
    OrganisationFactory(name="Old Council", is_archived=True)
    assert_rejected(
        scrutiny_officer,
        office,
        [["Report", "R1", "Text", "old council", ""]],
        "Row 2, owner: Old Council is archived",
    )


def test_a_short_name_shared_by_two_organisations_is_ambiguous(scrutiny_officer, office):
    OrganisationFactory(name="North Shire Council", short_name="Council")
    OrganisationFactory(name="South Shire Council", short_name="Council")
    assert_rejected(
        scrutiny_officer,
        office,
        [["Report", "R1", "Text", "Council", ""]],
        "Row 2, owner: Council is the short name of more than one organisation. "
        "Match it to one or more organisations",
    )


def test_a_reference_already_in_the_source_is_refused(scrutiny_officer, office, source):
    RecommendationFactory(source=source, reference="R3")
    assert_rejected(
        scrutiny_officer,
        office,
        [[source.title.upper(), "r3", "Text", "", ""]],
        f"Row 2, reference: r3 already exists in {source.title}",
    )


def test_a_reference_repeated_in_the_file_without_an_owner_is_a_duplicate(scrutiny_officer, office):
    assert_rejected(
        scrutiny_officer,
        office,
        [
            ["Report", "R1", "Text", "", ""],
            ["Report", "R2", "Other", "", ""],
            ["report", "R1", "Text", "", ""],
        ],
        "Row 4, reference: R1 appears more than once in Report (first in row 2)",
    )


def test_a_repeated_reference_with_different_text_is_refused(scrutiny_officer, office, force):
    assert_rejected(
        scrutiny_officer,
        office,
        [["Report", "R1", "Text", "", ""], ["Report", "R1", "Other text", force.name, ""]],
        "Row 3, text: Differs from row 2, which has the same reference",
    )


def test_the_same_action_twice_is_refused(scrutiny_officer, office, force):
    assert_rejected(
        scrutiny_officer,
        office,
        [["Report", "R1", "Text", force.name, ""], ["Report", "R1", "", force.name, ""]],
        "Row 3, owner: Shire Police already has this action on R1",
    )


def test_an_archived_source_is_refused(scrutiny_officer, office):
    archived = SourceFactory(owner=office, title="Old report", is_archived=True)
    assert_rejected(
        scrutiny_officer,
        office,
        [[archived.title, "R1", "Text", "", ""]],
        "Row 2, source: Old report is archived",
    )


def test_checking_a_file_takes_the_same_queries_whatever_its_length(office, force, source):
    def queries_for(size: int) -> int:
        rows = [[source.title, f"R{n}", "Text", force.name, ""] for n in range(size)]
        with CaptureQueriesContext(connection) as captured:
            assert plan_for(office, rows).is_valid
        return len(captured)

    assert queries_for(3) == queries_for(30)


def test_writing_a_file_takes_a_few_statements_not_some_for_each_row(
    scrutiny_officer, office, force
):
    """Rows are inserted in bulk, so a long file does not hold the database for minutes."""

    def queries_for(size: int) -> int:
        rows = [[f"Report of {size}", f"R{n}", "Text", force.name, ""] for n in range(size)]
        with CaptureQueriesContext(connection) as captured:
            run_import(scrutiny_officer, office, rows)
        return len(captured)

    # The first import also reads what a process reads once (content types); measure after.
    queries_for(1)
    few, many = queries_for(3), queries_for(300)
    # SQLite caps a statement's parameters, so a long file takes a few more INSERTs, not
    # several queries a row as when each row went through its service (over 1,500 here).
    # On SQLite ten are the plan's stamp, read before the transaction and again inside it.
    assert few < 30
    assert many < 40
    assert Recommendation.objects.filter(source__title="Report of 300").count() == 300
    assert Action.objects.filter(source__title="Report of 300", owner=force).count() == 300


def test_writing_many_new_sources_takes_no_more_statements_than_a_few(
    scrutiny_officer, office, force
):
    """Each new source is checked and written with the others, not with queries of its own."""

    def queries_for(sources: int) -> int:
        rows = [[f"Report {sources}.{n}", "R1", "Text", force.name, ""] for n in range(sources)]
        with CaptureQueriesContext(connection) as captured:
            run_import(scrutiny_officer, office, rows)
        return len(captured)

    queries_for(1)  # what a process reads once (content types)
    assert queries_for(2) == queries_for(20)


def test_adding_to_many_existing_sources_takes_no_more_statements_than_to_a_few(
    scrutiny_officer, office, force
):
    """Where each existing source's new recommendations go is read for all of them at once."""

    def queries_for(count: int) -> int:
        sources = [SourceFactory(owner=office, title=f"Existing {count}.{n}") for n in range(count)]
        for source in sources:
            RecommendationFactory(source=source, reference="R1", position=1)
        rows = [[source.title, "R2", "Text", force.name, ""] for source in sources]
        with CaptureQueriesContext(connection) as captured:
            run_import(scrutiny_officer, office, rows)
        assert {r.position for r in Recommendation.objects.filter(reference="R2")} == {2}
        return len(captured)

    queries_for(1)  # what a process reads once (content types)
    assert queries_for(2) == queries_for(10)


@pytest.mark.parametrize(
    ("model", "values"),
    [(Recommendation, {"text": "Text", "source_id": 3}), (Action, {"description": "Do it"})],
)
def test_a_blank_instance_is_what_the_model_makes(model, values):
    """The import's quick instances hold what `Model(...)` would, and are as new."""
    made, usual = Blank(model).new(**values), model(**values)
    fields = model._meta.concrete_fields
    assert [getattr(made, f.attname) for f in fields] == [getattr(usual, f.attname) for f in fields]
    assert made._state.adding
    assert made._state.db is None


def test_every_problem_in_the_file_is_reported_at_once(office):
    plan = plan_for(office, [["", "R1", "Text", "", ""], ["Report", "R2", "Text", "", "soon"]])
    assert [str(e) for e in plan.errors] == [
        "Row 2, source: Enter the title of the source",
        "Row 3, target_on: Enter a real date, like 31/12/2024",
    ]
    assert not plan.is_valid


def test_a_text_over_the_limit_is_named_by_its_row(office):
    plan = plan_for(office, [["Report", "R1", "x" * 10_001, "", ""]])
    assert [str(e) for e in plan.errors] == [
        "Row 2, text: The text must be 10000 characters or fewer"
    ]


def test_only_a_scrutiny_officer_of_the_office_can_import(force_lead, office):
    before = counts()
    with pytest.raises(PermissionDenied):
        run_import(force_lead, office, [["Report", "R1", "Text", "", ""]])
    assert counts() == before


# --- what a valid import writes --------------------------------------------------------------


def test_a_valid_file_writes_sources_recommendations_actions_and_their_audit_events(
    scrutiny_officer, office, force, council
):
    force.short_name = "SP"
    force.save()
    rows = [
        [
            "Telford inquiry",
            "inquiry",
            "01/07/2022",
            "R1",
            "By 31 December 2024, do X.",
            "AFI",
            "Training, Intelligence",
            "sp; Shire Council",
            "",
            "",
        ],
        ["Telford inquiry", "", "", "R2", "Do Y.", "Cause of concern", "", "", "", ""],
        ["Telford inquiry", "", "", "R2", "", "", "", "Shire Council", "Review Y", "2025-03-31"],
        [
            "PEEL inspection",
            "Coroner's report",
            "2023-12-08",
            "AFI 1",
            "Do Z.",
            "area for improvement",
            "",
            "",
            "",
            "",
        ],
    ]
    headers = [
        "source",
        "source_kind",
        "published_on",
        "reference",
        "text",
        "finding_type",
        "themes",
        "owner",
        "action_description",
        "target_on",
    ]
    before = AuditEvent.objects.count()

    result = run_import(scrutiny_officer, office, rows, headers)

    assert result == importing.ImportResult(
        sources_created=2, sources_reused=0, recommendations_created=3, actions_created=3
    )
    telford = Source.objects.get(title="Telford inquiry")
    assert (telford.owner, telford.kind, telford.published_on) == (
        office,
        Source.Kind.INQUIRY,
        datetime.date(2022, 7, 1),
    )
    assert telford.publisher == "Not recorded"
    r1 = telford.recommendations.get(reference="R1")
    assert r1.finding_type == Recommendation.FindingType.AREA_FOR_IMPROVEMENT
    assert sorted(t.name for t in r1.themes.all()) == ["Intelligence", "Training"]
    assert sorted(a.owner.name for a in r1.actions.all()) == ["Shire Council", "Shire Police"]
    # No target date in the file: the action takes the deadline written in the text.
    assert {a.target_on for a in r1.actions.all()} == {datetime.date(2024, 12, 31)}
    assert r1.actions.first().description == "By 31 December 2024, do X."
    r2 = telford.recommendations.get(reference="R2")
    assert r2.finding_type == Recommendation.FindingType.CAUSE_OF_CONCERN
    (action,) = r2.actions.all()
    assert (action.owner, action.description, action.target_on) == (
        council,
        "Review Y",
        datetime.date(2025, 3, 31),
    )
    assert Source.objects.get(title="PEEL inspection").kind == Source.Kind.CORONER
    actions = list(
        AuditEvent.objects.filter(pk__gt=0).order_by("id").values_list("action", flat=True)
    )[before:]
    # Rows go in bulk: one event names every one written, with a digest of their values.
    # The office had no themes: the file's two are added to its list, each audited.
    assert actions == [
        "theme.created",
        "theme.created",
        "source.created",
        "source.created",
        "import.completed",
    ]
    # Each new source has its own event, as source_create writes it, though written together.
    created = AuditEvent.objects.filter(action="source.created").order_by("id")
    assert [(e.target_id, e.changes["title"], e.actor) for e in created] == [
        (str(s.pk), [None, s.title], scrutiny_officer)
        for s in Source.objects.filter(owner=office).order_by("id")
    ]
    completed = AuditEvent.objects.get(action="import.completed")
    assert completed.actor == scrutiny_officer
    assert completed.organisation == office
    assert completed.changes["file"] == [None, "test.csv"]
    assert completed.changes["sha256"] == [None, "0" * 64]
    assert completed.changes["recommendations_created"] == [None, 3]
    assert completed.changes["actions_created"] == [None, 3]
    assert sorted(completed.changes["recommendation_ids"][1]) == sorted(
        Recommendation.objects.filter(source__owner=office).values_list("pk", flat=True)
    )
    assert len(completed.changes["action_ids"][1]) == 3
    assert len(completed.changes["rows_sha256"][1]) == 64
    assert audit_chain_verify().is_intact


def test_an_existing_source_is_reused_and_new_recommendations_follow_its_own(
    scrutiny_officer, office, source
):
    RecommendationFactory(source=source, reference="R1", position=1)

    result = run_import(scrutiny_officer, office, [[f" {source.title} ", "R2", "Text", "", ""]])

    assert (result.sources_created, result.sources_reused) == (0, 1)
    assert Source.objects.count() == 1
    assert source.recommendations.get(reference="R2").position == 2


def test_a_source_with_the_same_title_in_another_office_is_not_reused(scrutiny_officer, office):
    other = SourceFactory(title="Report")
    run_import(scrutiny_officer, office, [["Report", "R1", "Text", "", ""]])
    assert Source.objects.filter(title="Report").count() == 2
    assert other.recommendations.count() == 0


def test_later_rows_differing_in_source_details_are_noted_not_refused(office):
    plan = plan_for(
        office,
        [
            ["Report", "R1", "Text", "https://a.example.org"],
            ["Report", "R2", "Text", "https://b.example.org"],
        ],
        headers=["source", "reference", "text", "source_url"],
    )
    assert plan.is_valid
    assert [str(w) for w in plan.warnings] == [
        "Row 3, source_url: Differs from row 2; the value in row 2 is used"
    ]


def test_an_owner_archived_between_preview_and_confirm_stops_the_whole_import(
    scrutiny_officer, office, force
):
    """The write re-checks every row in its transaction, so nothing half-imports."""
    from answerable.organisations.services import organisation_archive

    rows = [["Report", "R1", "Text", "", ""], ["Report", "R2", "Text", force.name, ""]]
    assert plan_for(office, rows).is_valid
    administrator = member(office, Membership.Role.ADMINISTRATOR)
    organisation_archive(actor=administrator, organisation=force, reason="Merged")
    before = counts()

    with pytest.raises(importing.ImportInvalid) as caught:
        run_import(scrutiny_officer, office, rows)

    assert [e.row for e in caught.value.row_errors] == [3]
    assert counts() == before


def test_an_xlsx_with_real_date_cells_imports(scrutiny_officer, office, force):
    content = xlsx_bytes_of(
        [
            ["Source", "Number", "Text", "Owner", "Published on", "Target date"],
            # Excel stores dates as numbers in a date format; openpyxl reads them as datetimes.
            ["Report", 1, "Text", "shire police", datetime.date(2023, 12, 8), "30/06/2025"],
        ]
    )
    table = read_table(content, kind="xlsx", name="file.xlsx")
    importing.recommendations_import(
        actor=scrutiny_officer,
        office=office,
        table=table,
        mapping=importing.guess_mapping(table.headers),
        file_name="file.xlsx",
        file_sha256=hashlib.sha256(content).hexdigest(),
    )
    recommendation = Recommendation.objects.get()
    assert recommendation.reference == "1"
    assert recommendation.source.published_on == datetime.date(2023, 12, 8)
    assert recommendation.actions.get().target_on == datetime.date(2025, 6, 30)


# --- the shared real file -----------------------------------------------------------------


def test_the_shared_file_has_18_recommendations_without_a_number_which_are_refused(
    scrutiny_officer, office
):
    """The real list has no duplicate numbers, but 18 unnumbered rows (Casey, Telford)."""
    content = SHARED_CSV.read_bytes()
    table = read_table(content, kind="csv", name=SHARED_CSV.name)
    assert len(table.rows) == 57
    before = counts()

    with pytest.raises(importing.ImportInvalid) as caught:
        importing.recommendations_import(
            actor=scrutiny_officer,
            office=office,
            table=table,
            mapping=SHARED_MAPPING,
            file_name=SHARED_CSV.name,
            file_sha256=hashlib.sha256(content).hexdigest(),
        )

    errors = caught.value.row_errors
    assert len(errors) == 18
    assert {(e.field, e.message) for e in errors} == {
        ("reference", "Enter the reference as published, like R3")
    }
    assert [e.row for e in errors] == list(range(41, 59))
    assert counts() == before


def test_the_shared_file_imports_57_recommendations_across_9_sources_once_numbered(
    scrutiny_officer, office
):
    rows = list(csv.reader(io.StringIO(SHARED_CSV.read_text(encoding="utf-8-sig"))))
    unnumbered = 0
    for row in rows[1:]:
        if not row[1]:
            unnumbered += 1
            row[1] = f"Unnumbered {unnumbered}"
    table = read_table(csv_bytes(rows), kind="csv", name="numbered.csv")

    result = importing.recommendations_import(
        actor=scrutiny_officer,
        office=office,
        table=table,
        mapping=SHARED_MAPPING,
        file_name="numbered.csv",
        file_sha256="0" * 64,
    )

    assert result == importing.ImportResult(
        sources_created=9, sources_reused=0, recommendations_created=57, actions_created=0
    )
    assert Source.objects.filter(owner=office).count() == 9
    assert Recommendation.objects.count() == 57
    hmicfrs = Recommendation.objects.get(reference="1", source__title__startswith="HMICFRS (2023)")
    assert hmicfrs.addressees.startswith("Home Office; Department for Education")
    assert hmicfrs.deadline_on == datetime.date(2024, 12, 31)
    assert hmicfrs.source.url.startswith("https://hmicfrs.justiceinspectorates.gov.uk/")


def test_a_member_of_two_offices_imports_into_the_first(office):
    second = OrganisationFactory(name="Second office")
    officer = member(second, Membership.Role.SCRUTINY_OFFICER)
    officer.memberships.create(organisation=office, role=Membership.Role.SCRUTINY_OFFICER)
    assert importing.import_office_for(officer) == min((office, second), key=lambda o: o.pk)


def test_a_theme_written_twice_in_different_cases_is_one_theme(scrutiny_officer, office, force):
    from answerable.recommendations.models import Theme

    Theme.objects.create(name="Training", office=office)
    run_import(
        scrutiny_officer,
        office,
        [["Report", "R1", "Text", force.name, "", "training, Training, Intelligence"]],
        [*HEADERS, "themes"],
    )
    recommendation = Recommendation.objects.get(reference="R1")
    assert sorted(t.name for t in recommendation.themes.all()) == ["Intelligence", "Training"]
    assert Theme.objects.filter(name__iexact="training").count() == 1


def test_the_plan_is_redone_in_the_transaction_after_any_change_it_read(
    scrutiny_officer, office, force, source
):
    """The file is checked before SQLite's one writer is taken (issue #11): the stamp must
    change with every record that check reads, or a stale check would be written."""
    from answerable.organisations.services import organisation_alias_add
    from answerable.recommendations import services

    stamps = [importing.import_plan_stamp(office=office)]

    def changed() -> bool:
        stamps.append(importing.import_plan_stamp(office=office))
        return stamps[-1] != stamps[-2]

    assert not changed()
    services.source_create(
        actor=scrutiny_officer, owner=office, title="Another report", kind="review", publisher="HO"
    )
    assert changed()
    RecommendationFactory(source=source, reference="R99")
    assert changed()
    services.theme_get_or_create(actor=scrutiny_officer, office=office, names=["Missing children"])
    assert changed()
    organisation_alias_add(actor=scrutiny_officer, office=office, organisation=force, name="SP")
    assert changed()
    OrganisationFactory(name="Newly partnered charity")
    assert changed()
    OrganisationFactory(office=OrganisationFactory(kind="pcc_office"), name="Elsewhere")
    assert changed()  # every organisation is matched by name, so any office's counts

"""Owner names an import does not know: listed with suggestions, mapped, created, remembered."""

import io

import pytest
from django.core.management import CommandError, call_command

from answerable.audit.models import AuditEvent
from answerable.organisations.models import Organisation, OrganisationAlias
from answerable.organisations.tests.factories import OrganisationFactory
from answerable.recommendations import importing
from answerable.recommendations.importing.owners import name_parts, owner_names
from answerable.recommendations.models import Action, Recommendation, Source
from answerable.recommendations.tests.test_importing import csv_bytes, plan_for, table_of

HEADERS = ["source", "reference", "text", "owner"]
# Owners as real recommendation files name them.
OWNERS = [
    "Telford and Wrekin Council",
    "Telford & Wrekin Council",
    "West Mercia Police; Telford & Wrekin Council",
    "NHS (then CCGs; now NHS Shropshire Telford and Wrekin ICB)",
    "Schools / Telford & Wrekin Council",
    "All relevant agencies",
    "Joint CSE Review Group (council; police; partners)",
]
MAPPING = [
    ["value", "organisation", "type"],
    ["Telford & Wrekin Council", "Telford & Wrekin Council", "Local authority"],
    ["West Mercia Police", "West Mercia Police", "police force"],
    [OWNERS[3], "NHS Shropshire, Telford and Wrekin ICB", "health_body"],
    [OWNERS[4], "Telford & Wrekin Schools", "education"],
    [OWNERS[4], "Telford and Wrekin Council", ""],
    ["All relevant agencies", "Telford & Wrekin Council", ""],
    ["all relevant agencies", "West Mercia Police", ""],
    ["All relevant agencies", "NHS Shropshire, Telford and Wrekin ICB", ""],
    [OWNERS[6], "Joint CSE Review Group", ""],
]


def rows(source: str = "Telford inquiry") -> list[list[str]]:
    return [[source, f"R{n}", f"Do thing {n}.", owner] for n, owner in enumerate(OWNERS, 1)]


def write(tmp_path, name: str, content: list[list[str]]) -> str:
    path = tmp_path / name
    path.write_bytes(csv_bytes(content))
    return str(path)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_recommendations", *args, "--now", stdout=out, stderr=err)
    finally:
        run.stderr = err.getvalue()  # type: ignore[attr-defined]
    return out.getvalue(), err.getvalue()


def written() -> tuple[int, ...]:
    return (
        Organisation.objects.count(),
        OrganisationAlias.objects.count(),
        Source.objects.count(),
        Recommendation.objects.count(),
        Action.objects.count(),
        AuditEvent.objects.count(),
    )


def owners_of(reference: str) -> set[str]:
    return set(
        Action.objects.filter(recommendation__reference=reference).values_list(
            "owner__name", flat=True
        )
    )


def test_owners_are_split_on_semicolons_outside_brackets_only():
    assert owner_names("West Mercia Police; Telford & Wrekin Council") == [
        "West Mercia Police",
        "Telford & Wrekin Council",
    ]
    assert owner_names(OWNERS[3]) == [OWNERS[3]]
    assert owner_names("A; A;") == ["A"]


def test_a_name_is_split_into_the_parts_it_may_be_made_of():
    assert {"Schools", "Telford & Wrekin Council"} <= set(name_parts(OWNERS[4]))
    assert "now NHS Shropshire Telford and Wrekin ICB" in name_parts(OWNERS[3])
    assert "NHS" in name_parts(OWNERS[3])


def test_names_differing_only_in_case_ampersand_and_punctuation_are_suggested_first(office):
    council = OrganisationFactory(name="Telford and Wrekin Council", office=office)
    OrganisationFactory(name="Shropshire Council", office=office)
    police = OrganisationFactory(name="West Mercia Police", short_name="WMP", office=office)
    plan = plan_for(
        office,
        [
            ["Report", "R1", "Text", "TELFORD & WREKIN COUNCIL."],
            ["Report", "R2", "Text", "Schools / Telford & Wrekin Council"],
            ["Report", "R3", "Text", "West Mercia Police Force"],
        ],
        HEADERS,
    )
    unknown = {owner.value: owner for owner in plan.unknown_owners}
    first = unknown["TELFORD & WREKIN COUNCIL."].suggestions
    assert first[0].organisation == council
    assert first[0].is_same_name
    split = unknown["Schools / Telford & Wrekin Council"].suggestions
    assert split[0].organisation == council
    assert split[0].is_same_name
    assert unknown["West Mercia Police Force"].suggestions[0].organisation == police
    assert all(len(owner.suggestions) <= 3 for owner in plan.unknown_owners)


def test_an_empty_install_lists_each_unknown_owner_once_with_its_rows_and_writes_nothing(
    tmp_path, scrutiny_officer
):
    before = written()
    with pytest.raises(CommandError, match="Nothing was imported: 6 problems"):
        run(write(tmp_path, "report.csv", [HEADERS, *rows()]), "--as", scrutiny_officer.email)
    assert "6 owner names in the file do not match an organisation" in run.stderr
    # "Telford and Wrekin Council" and "Telford & Wrekin Council" are one name.
    assert "  Telford and Wrekin Council (rows 2, 3, 4)" in run.stderr
    for value in ["West Mercia Police (row 4)", OWNERS[3], OWNERS[4], OWNERS[5], OWNERS[6]]:
        assert f"  {value}" in run.stderr
    assert written() == before


def test_a_mapping_file_creates_the_organisations_and_aliases_and_the_next_file_needs_none(
    tmp_path, office, scrutiny_officer
):
    report = write(tmp_path, "report.csv", [HEADERS, *rows()])
    mapping = write(tmp_path, "owners.csv", MAPPING)

    out, _ = run(
        report, "--as", scrutiny_officer.email, "--owners", mapping, "--create-organisations"
    )

    assert "Imported report.csv: 7 recommendations and 11 actions" in out
    created = Organisation.objects.exclude(pk=office.pk)
    assert {(o.name, o.kind) for o in created} == {
        ("Telford & Wrekin Council", "local_authority"),
        ("West Mercia Police", "police_force"),
        ("NHS Shropshire, Telford and Wrekin ICB", "health_body"),
        ("Telford & Wrekin Schools", "education"),
        ("Joint CSE Review Group", "other"),
    }
    # New organisations join the importing office's area, whose administrators manage them.
    assert {o.office_id for o in created} == {office.pk}
    assert owners_of("R3") == {"West Mercia Police", "Telford & Wrekin Council"}
    assert owners_of("R5") == {"Telford & Wrekin Schools", "Telford & Wrekin Council"}
    assert owners_of("R6") == {
        "Telford & Wrekin Council",
        "West Mercia Police",
        "NHS Shropshire, Telford and Wrekin ICB",
    }
    assert (
        AuditEvent.objects.filter(action="organisation.created", actor=scrutiny_officer).count()
        == 5
    )
    aliases = AuditEvent.objects.filter(action="organisation.alias_added", actor=scrutiny_officer)
    # Every name answered is remembered, except a new organisation's own name.
    assert aliases.count() == OrganisationAlias.objects.count() == 8
    assert set(
        OrganisationAlias.objects.filter(key="all relevant agencies").values_list(
            "organisation__name", flat=True
        )
    ) == owners_of("R6")

    before = written()
    second = write(tmp_path, "second.csv", [HEADERS, *rows("Second inquiry")])
    out, _ = run(second, "--as", scrutiny_officer.email)
    assert "Imported second.csv: 7 recommendations and 11 actions" in out
    assert written()[:2] == before[:2]  # no organisation or alias added
    assert set(
        Action.objects.filter(recommendation__source__title="Second inquiry").values_list(
            "recommendation__reference", "owner__name"
        )
    ) == set(
        Action.objects.filter(recommendation__source__title="Telford inquiry").values_list(
            "recommendation__reference", "owner__name"
        )
    )


def test_an_alias_is_the_office_s_own_and_does_not_match_in_another_office(
    tmp_path, office, scrutiny_officer
):
    council = OrganisationFactory(name="Telford & Wrekin Council", office=office)
    other = OrganisationFactory(name="Other PCC office", kind=Organisation.Kind.PCC_OFFICE)
    OrganisationAlias.objects.create(
        office=other,
        organisation=council,
        name="All agencies",
        key="all agencies",
        created_by=scrutiny_officer,
    )
    plan = plan_for(office, [["Report", "R1", "Text", "All agencies"]], HEADERS)
    assert [owner.value for owner in plan.unknown_owners] == ["All agencies"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            [["value", "organisation", "colour"], ["Council", "Telford & Wrekin Council", "red"]],
            "owners.csv: the column “colour” is not one the mapping file has",
        ),
        ([["value", "owner"], ["Council", "X"]], "owners.csv: there is no “organisation” column"),
        (
            [
                ["value", "organisation"],
                ["All relevant agencies", "West Mercia Police"],
                ["Telford & Wrekin Council", "Telford and Wrekin Borough"],
            ],
            "owners.csv row 3: Telford and Wrekin Borough is not an organisation in Answerable. "
            "Check its name, or give --create-organisations to create it",
        ),
        (
            [["value", "organisation"], ["", "West Mercia Police"]],
            "owners.csv row 2: enter the owner value as the file writes it",
        ),
    ],
)
def test_a_bad_mapping_file_names_the_row_and_writes_nothing(
    tmp_path, office, scrutiny_officer, content, message
):
    OrganisationFactory(name="West Mercia Police", office=office)
    before = written()
    with pytest.raises(CommandError, match="Nothing was imported: owners.csv has"):
        run(
            write(tmp_path, "report.csv", [HEADERS, *rows()]),
            "--as",
            scrutiny_officer.email,
            "--owners",
            write(tmp_path, "owners.csv", content),
        )
    assert message in run.stderr
    assert written() == before


def test_a_new_organisation_with_an_unknown_type_is_refused_by_row(
    tmp_path, office, scrutiny_officer
):
    before = written()
    content = [["value", "organisation", "type"], ["All relevant agencies", "Agencies", "club"]]
    with pytest.raises(CommandError, match="owners.csv has 1 problem"):
        run(
            write(tmp_path, "report.csv", [HEADERS, *rows()]),
            "--as",
            scrutiny_officer.email,
            "--owners",
            write(tmp_path, "owners.csv", content),
            "--create-organisations",
        )
    assert "owners.csv row 2: club is not a type of organisation" in run.stderr
    assert written() == before


def test_create_organisations_needs_a_mapping_file(tmp_path, scrutiny_officer):
    with pytest.raises(CommandError, match="--create-organisations needs a mapping file"):
        run(
            write(tmp_path, "report.csv", [HEADERS, *rows()]),
            "--as",
            scrutiny_officer.email,
            "--create-organisations",
        )


def test_an_organisation_created_meanwhile_undoes_the_whole_import(office, scrutiny_officer):
    """Between the check and the write someone added the organisation: nothing is written."""
    decisions = importing.OwnerDecisions()
    decisions.add_new_organisation(importing.NewOrganisation("Telford & Wrekin Council", "other"))
    decisions.add("Telford & Wrekin Council", new="Telford & Wrekin Council")
    table = table_of([["Report", "R1", "Text", "Telford & Wrekin Council"]], HEADERS)
    OrganisationFactory(name="Telford and Wrekin Council")  # a different spelling
    before = written()
    with pytest.raises(importing.ImportInvalid) as caught:
        importing.recommendations_import(
            actor=scrutiny_officer,
            office=office,
            table=table,
            mapping=importing.guess_mapping(table.headers),
            file_name="report.csv",
            file_sha256="0" * 64,
            owners=decisions,
        )
    assert [str(e) for e in caught.value.row_errors] == [
        "Row 2, owner: An organisation called Telford and Wrekin Council already exists"
    ]
    assert written() == before


def test_decisions_survive_the_trip_through_the_job_options():
    decisions = importing.OwnerDecisions()
    decisions.add("All agencies", organisation_id=3)
    decisions.add("All agencies", new="Joint group")
    decisions.add_new_organisation(importing.NewOrganisation("Joint group", "other", "JG"))
    assert importing.OwnerDecisions.from_json(decisions.as_json()) == decisions

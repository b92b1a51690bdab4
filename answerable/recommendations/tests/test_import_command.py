import io

import pytest
from django.core.management import CommandError, call_command

from answerable.audit.models import AuditEvent
from answerable.imports.models import ImportJob
from answerable.recommendations.models import Action, Recommendation, Source
from answerable.recommendations.tasks import recommendations_import_run

SHARED_CSV = "/work/shared/data/recommendations.csv"
GOOD_CSV = (
    b"Title,Number,Text,Owner organisation,Target date\n"
    b"Telford inquiry,R1,Do X.,Shire Police,31/12/2025\n"
    b"Telford inquiry,R2,Do Y.,,\n"
)


def counts() -> tuple[int, int, int, int]:
    return (
        Source.objects.count(),
        Recommendation.objects.count(),
        Action.objects.count(),
        AuditEvent.objects.count(),
    )


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_recommendations", *args, stdout=out, stderr=err)
    finally:
        run.stderr = err.getvalue()  # type: ignore[attr-defined]
    return out.getvalue(), err.getvalue()


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(GOOD_CSV)
    return path


def test_the_command_imports_a_valid_file_and_prints_the_counts(good_file, scrutiny_officer, force):
    out, _ = run(str(good_file), "--as", scrutiny_officer.email.upper())
    assert (
        "Imported register.csv: 2 recommendations and 1 action in 1 new source and "
        "0 existing sources." in out
    )
    assert counts()[:3] == (1, 2, 1)
    assert AuditEvent.objects.filter(action="import.completed", actor=scrutiny_officer).exists()


def test_a_dry_run_checks_the_file_and_writes_nothing(good_file, scrutiny_officer, force):
    before = counts()
    out, _ = run(str(good_file), "--as", scrutiny_officer.email, "--dry-run")
    assert "Dry run: register.csv is valid and would add 2 recommendations" in out
    assert counts() == before


def test_errors_are_printed_by_row_and_field_and_nothing_is_written(
    tmp_path, scrutiny_officer, force
):
    path = tmp_path / "bad.csv"
    path.write_bytes(GOOD_CSV.replace(b"31/12/2025", b"soon"))
    before = counts()
    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        run(str(path), "--as", scrutiny_officer.email)
    assert "Row 2, target_on: Enter a real date, like 31/12/2024" in run.stderr
    assert counts() == before


def test_map_overrides_the_guess_and_takes_the_column_from_other_fields(
    good_file, scrutiny_officer
):
    run(
        str(good_file),
        "--as",
        scrutiny_officer.email,
        "--map",
        "addressees=Owner organisation",
        "--map",
        "target_on=",
    )
    assert Action.objects.count() == 0
    assert Recommendation.objects.get(reference="R1").addressees == "Shire Police"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("colour=Title", "colour is not a field the importer knows"),
        ("reference=Missing", "The file has no column called Missing"),
        ("reference=", "Select the column that holds the reference as published"),
        ("reference", "write it as FIELD=COLUMN"),
    ],
)
def test_a_bad_mapping_is_refused(good_file, scrutiny_officer, mapping, message):
    with pytest.raises(CommandError, match=message):
        run(str(good_file), "--as", scrutiny_officer.email, "--map", mapping)


def test_only_a_scrutiny_officer_can_import(good_file, force_lead):
    with pytest.raises(CommandError, match="is not a scrutiny officer"):
        run(str(good_file), "--as", force_lead.email)


def test_an_unknown_user_is_refused(good_file, db):
    with pytest.raises(CommandError, match="No active user with the email nobody@example.org"):
        run(str(good_file), "--as", "nobody@example.org")


def test_a_pdf_named_csv_is_refused(tmp_path, scrutiny_officer):
    path = tmp_path / "report.csv"
    path.write_bytes(b"%PDF-1.7 not a table")
    with pytest.raises(CommandError, match="The file report.csv must be a CSV"):
        run(str(path), "--as", scrutiny_officer.email)


def test_a_missing_file_is_refused(tmp_path, scrutiny_officer):
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "nowhere.csv"), "--as", scrutiny_officer.email)


def test_the_shared_file_is_refused_for_its_18_unnumbered_rows(scrutiny_officer):
    before = counts()
    with pytest.raises(CommandError, match="Nothing was imported: 18 problems"):
        run(
            SHARED_CSV,
            "--as",
            scrutiny_officer.email,
            "--map",
            "reference=number",
            "--map",
            "addressees=owner_organisation",
        )
    assert "Row 41, reference: Enter the reference as published, like R3" in run.stderr
    assert counts() == before


def test_without_a_running_worker_the_import_is_queued_and_written_later(
    good_file, scrutiny_officer, force, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    out, _ = run(str(good_file), "--as", scrutiny_officer.email)
    job = ImportJob.objects.get()
    assert f"Queued import {job.pk} of register.csv" in out
    assert f"/register/import/{job.pk}/" in out
    assert (job.status, job.started_by) == ("queued", scrutiny_officer)
    assert counts()[:3] == (0, 0, 0)
    recommendations_import_run.call(job_id=job.pk)
    assert counts()[:3] == (1, 2, 1)


def test_now_runs_the_queued_import_in_the_command(good_file, scrutiny_officer, force, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    out, _ = run(str(good_file), "--as", scrutiny_officer.email, "--now")
    assert "Imported register.csv: 2 recommendations and 1 action" in out
    assert ImportJob.objects.get().status == "succeeded"
    assert counts()[:3] == (1, 2, 1)

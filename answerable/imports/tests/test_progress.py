"""An import's rows processed, for its status page (issue #17)."""

from django_tasks import task

from answerable.imports.models import ImportJob, ImportJobProgress
from answerable.imports.progress import ImportProgress, import_progress, progress_read
from answerable.imports.services import import_job_queue, import_job_run, import_upload_store


def _counting_work(job: ImportJob) -> dict[str, int]:
    progress = import_progress()
    progress.start(total=1200)
    for _ in range(0, 1200, 500):
        progress.advance(min(500, 1200 - progress.processed))
    return {"rows": progress.processed}


@task()
def run_counting_import(job_id: int) -> str:
    return import_job_run(job_id=job_id, work=_counting_work)


def test_a_finished_import_has_processed_every_row(scrutiny_officer, office):
    path = import_upload_store(content=b"a\n1\n", kind="csv")
    job = import_job_queue(
        actor=scrutiny_officer,
        organisation=office,
        kind=ImportJob.Kind.RECOMMENDATIONS,
        files=[{"role": "register", "name": "a.csv", "kind": "csv", "path": path, "sha256": "0"}],
        options={},
        task=run_counting_import,
    )
    progress = ImportJobProgress.objects.get(job=job)
    assert (progress.processed, progress.total) == (1200, 1200)


def test_progress_is_saved_only_when_it_has_moved(scrutiny_officer, office):
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.RECOMMENDATIONS, started_by=scrutiny_officer, organisation=office
    )
    ImportJobProgress.objects.create(job=job)
    progress = ImportProgress(job.pk)
    progress.start(total=10)
    progress.advance(4)
    assert progress.write()
    assert not progress.write()  # nothing new: no write
    progress.advance(1)
    assert progress.write()
    assert progress.writes == 2
    # Seen by the status page at once: on SQLite, whose write lock the import holds, from
    # the file beside the uploads; on PostgreSQL, from the job's progress row.
    assert progress_read(job=job) == (5, 10)


def test_counting_outside_an_import_goes_nowhere():
    progress = import_progress()
    progress.start(total=3)
    progress.advance(3)
    assert not progress.write()
    assert import_progress() is not progress


def test_an_import_in_progress_shows_its_rows_while_its_transaction_is_open(
    scrutiny_officer, office, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.RECOMMENDATIONS, started_by=scrutiny_officer, organisation=office
    )
    ImportJobProgress.objects.create(job=job)
    with ImportProgress(job.pk) as progress:
        progress.start(total=3000)
        progress.advance(1500)
        progress.write()  # what the thread does every few seconds
        assert progress_read(job=job) == (1500, 3000)
    assert not list(tmp_path.rglob("*.json"))  # the job is over: nothing left beside uploads

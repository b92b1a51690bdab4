"""The register's import status page: rows processed, and refreshing while it runs (#17)."""

from django.urls import reverse

from answerable.imports.models import ImportJob, ImportJobProgress
from answerable.recommendations.tasks import recommendations_import_run
from answerable.recommendations.tests.test_views_import import (
    CONFIRM,
    GOOD_CSV,
    MAPPING,
    SESSION_KEY,
    upload,
)
from answerable.recommendations.tests.test_views_import import (  # noqa: F401 - a fixture
    officer_client as officer_client,
)

REFRESH = '<meta http-equiv="refresh" content="3">'


def _queued(officer_client, settings) -> ImportJob:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    upload(officer_client, GOOD_CSV)
    officer_client.post(MAPPING, officer_client.session[SESSION_KEY]["mapping"])
    officer_client.post(CONFIRM)
    return ImportJob.objects.get()


def test_a_running_import_shows_its_rows_processed_of_the_total(officer_client, settings):
    job = _queued(officer_client, settings)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    ImportJobProgress.objects.filter(job=job).update(processed=1500, total=3000)
    page = officer_client.get(job.get_absolute_url()).content.decode()
    assert "Rows processed" in page
    assert "1,500 of 3,000 (50%)" in page


def test_asked_to_the_page_refreshes_itself_while_the_import_runs_and_stops_when_done(
    officer_client, settings
):
    job = _queued(officer_client, settings)
    url = job.get_absolute_url()
    page = officer_client.get(url).content.decode()
    # Never unasked (WCAG 2.2.1): the person chooses it.
    assert "http-equiv" not in page
    assert f'href="{url}?refresh=on"' in page

    page = officer_client.get(url + "?refresh=on").content.decode()
    assert REFRESH in page
    assert "Stop refreshing this page" in page
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    assert REFRESH in officer_client.get(url + "?refresh=on").content.decode()

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    recommendations_import_run.call(job_id=job.pk)
    page = officer_client.get(url + "?refresh=on").content.decode()
    assert "Import complete" in page
    assert "http-equiv" not in page
    # Every row of the file was processed.
    progress = ImportJobProgress.objects.get(job=job)
    assert progress.total == progress.processed == GOOD_CSV.count(b"\n") - 1
    assert reverse("recommendations:import_status", args=[job.pk]) == url

import datetime

from django.utils import timezone

from answerable.core.testing import sign_in
from answerable.imports.models import ImportJob
from answerable.imports.services import INTERRUPTED, import_jobs_stale_fail
from answerable.imports.tests.factories import ImportJobFactory


def test_the_status_page_of_an_interrupted_import_says_why_it_failed(
    client, scrutiny_officer, office
):
    hours_ago = timezone.now() - datetime.timedelta(hours=7)
    job = ImportJobFactory(
        status=ImportJob.Status.RUNNING,
        started_at=hours_ago,
        started_by=scrutiny_officer,
        organisation=office,
        counts={},
    )
    import_jobs_stale_fail()

    sign_in(client, scrutiny_officer)
    page = client.get(job.get_absolute_url()).content.decode()

    assert "<title>Error: Import failed" in page
    assert "There is a problem" in page
    assert page.count(INTERRUPTED) == 2  # in the error summary and in the table of problems
    assert "Check again" not in page

"""The real path: imports queued through the database task backend and run by `db_worker`.

Every other test runs tasks at once (config/settings/test.py). Here the page only queues the
job, nothing is written until the worker runs, and the worker runs as `manage.py db_worker
--batch` does, in this process, against committed rows (so the test is transactional).
"""

import datetime
import signal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from answerable.core.testing import sign_in
from answerable.imports.models import ImportJob
from answerable.recommendations.models import Action, Recommendation, Source
from answerable.workforce.models import Snapshot
from answerable.workforce.tests.factories import CourseAudienceFactory, CourseFactory
from answerable.workforce.tests.helpers import (
    COMPLETION_HEADERS,
    COMPLETION_ROWS,
    ROSTER_HEADERS,
    ROSTER_ROWS,
    csv_bytes,
    date_parts,
    upload,
)

pytestmark = pytest.mark.django_db(transaction=True)

REGISTER_CSV = (
    b"Title,Number,Text,Owner organisation,Target date\r\n"
    b"Telford inquiry,R1,Do X.,Shire Police,31/12/2025\r\n"
    b"Telford inquiry,R2,Do Y.,Shire Police; Shire Council,\r\n"
)


@pytest.fixture(autouse=True)
def _database_backend(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def run_worker() -> None:
    """Run every queued task and stop, as `manage.py db_worker --batch` does."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {number: signal.getsignal(number) for number in signals}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        # The worker takes over the signals to stop gracefully; give them back to pytest.
        for number, handler in handlers.items():
            signal.signal(number, handler)


def _confirm_register_import(client, content: bytes):
    client.post(
        reverse("recommendations:import_upload"),
        {"file": SimpleUploadedFile("register.csv", content)},
    )
    client.post(
        reverse("recommendations:import_mapping"),
        client.session["recommendations_import"]["mapping"],
    )
    return client.post(reverse("recommendations:import_confirm"))


def test_a_register_import_waits_for_the_worker_which_writes_it(
    client, scrutiny_officer, force, council
):
    sign_in(client, scrutiny_officer)
    response = _confirm_register_import(client, REGISTER_CSV)

    job = ImportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == "queued"
    task = DBTaskResult.objects.get()
    assert (task.status, str(task.id)) == ("READY", job.task_id)
    assert task.args_kwargs == {"args": [], "kwargs": {"job_id": job.pk}}
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Import queued" in page
    assert "Check again" in page
    assert Source.objects.count() == 0
    assert default_storage.exists(job.files[0]["path"])

    run_worker()

    job.refresh_from_db()
    assert job.status == "succeeded"
    assert job.started_at <= job.finished_at
    assert (Source.objects.count(), Recommendation.objects.count(), Action.objects.count()) == (
        1,
        2,
        3,
    )
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert not default_storage.exists(job.files[0]["path"])
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Imported register.csv: 2 recommendations and 3 actions" in page


def test_a_register_import_failing_in_the_worker_keeps_only_the_reason(
    client, scrutiny_officer, force, council
):
    """The preview would list these rows; a stale page can still confirm, and nothing lands."""
    sign_in(client, scrutiny_officer)
    _confirm_register_import(client, REGISTER_CSV.replace(b"31/12/2025", b"31/13/2025"))

    run_worker()

    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert job.errors == [
        {"row": 2, "field": "target_on", "message": "Enter a real date, like 31/12/2024"}
    ]
    assert Source.objects.count() == Recommendation.objects.count() == 0
    assert not default_storage.exists(job.files[0]["path"])
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Row 2, target_on: Enter a real date, like 31/12/2024" in page


def test_a_workforce_snapshot_is_imported_by_the_worker(client, force_lead, force):
    course = CourseFactory(owner=force, code="CSE", title="CSE awareness", target_percent=90)
    CourseAudienceFactory(course=course, workforce_type="officer")
    sign_in(client, force_lead)
    client.post(
        reverse("workforce:import_upload"),
        {
            **date_parts("taken_on", datetime.date(2025, 3, 31)),
            "roster": upload("roster.csv", csv_bytes(ROSTER_HEADERS, ROSTER_ROWS)),
            "completions": upload(
                "completions.csv", csv_bytes(COMPLETION_HEADERS, COMPLETION_ROWS)
            ),
        },
    )
    client.get(reverse("workforce:import_preview"))
    response = client.post(reverse("workforce:import_confirm"))
    job = ImportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert not Snapshot.objects.exists()

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.counts) == ("succeeded", {"staff": 5, "completions": 3})
    assert Snapshot.objects.get().staff_count == 5
    assert not any(default_storage.exists(stored["path"]) for stored in job.files)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Snapshot of 31 March 2025 imported: 5 staff and 3 completions" in page

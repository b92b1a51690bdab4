"""A web process, and the task worker at its first task, freezes what it loaded at start and
collects garbage less eagerly. Each is probed in a process of its own."""

import subprocess
import sys

import pytest
from django.conf import settings

from answerable.operations.memory import THRESHOLDS


def _printed_by(program: str) -> str:
    """What the program prints, run by our own interpreter with the test settings."""
    return subprocess.run(  # noqa: S603 - our own interpreter and a constant program
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
    ).stdout


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_the_application_freezes_its_start_up_objects(module):
    probe = f"import gc, {module}; print(gc.get_freeze_count() > 10_000, tuple(gc.get_threshold()))"
    assert _printed_by(probe).split(maxsplit=1) == ["True", f"{THRESHOLDS}\n"]


@pytest.mark.parametrize(
    ("sender_is", "frozen"),
    [
        # The database worker sends its backend, the immediate backend its class.
        ("from django_tasks import task_backends; sender = task_backends['default']", "False"),
        (
            "from django_tasks_db import DatabaseBackend; "
            "sender = DatabaseBackend('worker', {'QUEUES': ['default']})",
            "True",
        ),
        ("from django_tasks.backends.immediate import ImmediateBackend as sender", "False"),
    ],
)
def test_a_task_worker_freezes_its_start_up_objects_at_its_first_task(sender_is, frozen):
    """The database backend's worker, which runs the imports, collects as a web process does;
    a task run at once inside a request leaves the process as it was. (Sent robustly:
    django-tasks' own receiver logs the result, which this probe has none of.)"""
    probe = (
        "import django, gc; django.setup(); "
        "from django_tasks.signals import task_started; "
        f"{sender_is}; "
        "task_started.send_robust(sender=sender, task_result=None); "
        "print(gc.get_freeze_count() > 10_000)"
    )
    assert _printed_by(probe).strip() == frozen

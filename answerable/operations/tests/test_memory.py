"""A web process freezes what it loaded at start and collects garbage less eagerly."""

import subprocess
import sys

import pytest
from django.conf import settings

from answerable.operations.memory import THRESHOLDS


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_the_application_freezes_its_start_up_objects(module):
    probe = f"import gc, {module}; print(gc.get_freeze_count() > 10_000, tuple(gc.get_threshold()))"
    result = subprocess.run(  # noqa: S603 - our own interpreter and a constant program
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.split(maxsplit=1) == ["True", f"{THRESHOLDS}\n"]

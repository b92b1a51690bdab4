"""Project-wide migration checks."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    """makemigrations --check exits non-zero when a model change has no migration."""
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=1)
    except SystemExit as exit_:
        pytest.fail(f"A model change has no migration: run makemigrations ({exit_})")

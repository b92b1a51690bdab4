import pytest


@pytest.fixture(autouse=True)
def _checkpoint_file(settings, tmp_path):
    """Each test signs its checkpoints into a file of its own."""
    settings.AUDIT_CHECKPOINT_PATH = tmp_path / "audit" / "checkpoints.jsonl"

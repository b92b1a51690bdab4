"""A backup holds the database and the uploaded files together, and its restore into a new,
empty database passes `audit_verify` (ADR 0013, issue #11)."""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from answerable.core.backup import postgresql_environment
from answerable.core.files import CheckedFile
from answerable.core.testing import pdf_bytes
from answerable.recommendations import services
from answerable.recommendations.models import Evidence

MANAGE = Path(django_settings.BASE_DIR) / "manage.py"
PDF = pdf_bytes(pages=2)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="restores with pg_restore into a new PostgreSQL database: set DATABASE_URL to run it",
)
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite variant of the PostgreSQL restore test"
)


def _post_update_with_evidence(actor, action, narrative: str) -> Evidence:
    file = CheckedFile(
        name="plan.pdf",
        kind="pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
        content=PDF,
    )
    update = services.update_post(
        actor=actor,
        action=action,
        narrative=narrative,
        evidence=[services.EvidenceInput(title="Training plan", marking="official", file=file)],
    )
    return update.evidence.get()


def _row_counts(cursor) -> dict[str, int]:
    counts = {}
    for table in sorted(connection.introspection.table_names()):
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def _backup(tmp_path: Path, capsys) -> tuple[Path, dict[str, int]]:
    call_command("backup", output=tmp_path / "backups")
    with connection.cursor() as cursor:
        counts = _row_counts(cursor)
    [archive] = (tmp_path / "backups").glob("answerable-backup-*.tar.gz")
    output = capsys.readouterr().out
    assert "Left out audit/checkpoints.jsonl" in output
    with tarfile.open(archive) as members:
        names = members.getnames()
    assert "media/audit/checkpoints.jsonl" not in names
    return archive, counts


def _manage(*arguments: str, database_url: str, media_root: Path, checkpoints: Path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
        "AUDIT_CHECKPOINT_PATH": str(checkpoints),
        "AUDIT_ANCHOR_KEY": django_settings.AUDIT_ANCHOR_KEY,
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, str(MANAGE), *arguments],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _checkpoints_up_to(sequence: int, source: Path, target: Path) -> None:
    """What the how-to has the operator do after restoring an older backup."""
    lines = [line for line in source.read_text().splitlines(keepends=True) if line.strip()]
    target.write_text("".join(line for line in lines if json.loads(line)["sequence"] <= sequence))


@pytest.fixture
def checkpoints_in_media(settings) -> Path:
    """The default place for the checkpoint file is under MEDIA_ROOT; the backup leaves it out."""
    settings.AUDIT_CHECKPOINT_PATH = Path(settings.MEDIA_ROOT) / "audit" / "checkpoints.jsonl"
    return settings.AUDIT_CHECKPOINT_PATH


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_new_postgresql_database_that_passes_audit_verify(
    force_lead, force_action, checkpoints_in_media, tmp_path, capsys
):
    evidence = _post_update_with_evidence(force_lead, force_action, "Plan agreed")
    call_command("audit_checkpoint")
    archive, counts = _backup(tmp_path, capsys)
    # Written after the backup, and signed: the restored chain ends short of this checkpoint.
    _post_update_with_evidence(force_lead, force_action, "Training booked")
    call_command("audit_checkpoint")

    settings_dict = connection.settings_dict
    environment = postgresql_environment(settings_dict)
    name = f"answerable_restore_{uuid.uuid4().hex[:12]}"
    subprocess.run(["createdb", name], env=environment, check=True)  # noqa: S603, S607
    try:
        user = settings_dict["USER"] or ""
        password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
        port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
        url = f"postgres://{user}{password}@{settings_dict['HOST']}{port}/{name}"
        media = tmp_path / "restored-media"
        restored = _manage(
            "restore",
            str(archive),
            database_url=url,
            media_root=media,
            checkpoints=checkpoints_in_media,
        )
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "Every file the database names is in" in restored.stdout
        assert "Audit chain intact" in restored.stdout
        assert "later checkpoints sign events up to" in restored.stdout
        assert "Every audited row matches the audit trail." in restored.stdout
        assert (media / evidence.file.name).read_bytes() == PDF

        with (
            psycopg.connect(
                dbname=name,
                host=settings_dict["HOST"],
                port=settings_dict["PORT"] or None,
                user=settings_dict["USER"] or None,
                password=settings_dict["PASSWORD"] or None,
                autocommit=True,
            ) as restored_database,
            restored_database.cursor() as cursor,
        ):
            assert _row_counts(cursor) == counts
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            assert {"audit_event_guard", "audit_head_guard"} <= {row[0] for row in cursor}
            cursor.execute("SELECT max(sequence) FROM audit_auditevent")
            [[restored_head]] = cursor.fetchall()
            with pytest.raises(psycopg.errors.IntegrityConstraintViolation):
                cursor.execute("UPDATE audit_auditevent SET note = 'rewritten'")

        # The live checkpoint file signs events the backup never held, so audit_verify says so
        # until the operator starts a new file with the checkpoints up to the restored head.
        verified = _manage(
            "audit_verify", database_url=url, media_root=media, checkpoints=checkpoints_in_media
        )
        assert verified.returncode != 0
        assert f"the chain ends at event {restored_head} but the checkpoint" in verified.stderr
        new_file = tmp_path / "checkpoints-after-restore.jsonl"
        _checkpoints_up_to(restored_head, checkpoints_in_media, new_file)
        verified = _manage(
            "audit_verify", "--data", database_url=url, media_root=media, checkpoints=new_file
        )
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert f"Audit chain intact: {restored_head} events, 1 signed" in verified.stdout
        assert "Every audited row matches the audit trail." in verified.stdout
    finally:
        connection.close()
        dropdb = ["dropdb", "--if-exists", "--force", name]
        subprocess.run(dropdb, env=environment, check=False)  # noqa: S603, S607


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_new_sqlite_database_that_passes_audit_verify(
    force_lead, force_action, checkpoints_in_media, tmp_path, capsys
):
    evidence = _post_update_with_evidence(force_lead, force_action, "Plan agreed")
    call_command("audit_checkpoint")
    archive, counts = _backup(tmp_path, capsys)
    database = tmp_path / "restored" / "db.sqlite3"
    database.parent.mkdir()
    media = tmp_path / "restored-media"
    arguments = {
        "database_url": f"sqlite:///{database}",
        "media_root": media,
        "checkpoints": checkpoints_in_media,
    }

    restored = _manage("restore", str(archive), **arguments)

    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert (media / evidence.file.name).read_bytes() == PDF
    with sqlite3.connect(database) as restored_database:
        assert _row_counts(restored_database.cursor()) == counts
        triggers = restored_database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        )
        assert {"audit_event_sealed_once", "audit_event_never_deleted"} <= {
            row[0] for row in triggers
        }
    verified = _manage("audit_verify", "--data", **arguments)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Audit chain intact: 1 events, 1 signed checkpoints." in verified.stdout


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_already_has_tables(tmp_path):
    call_command("backup", output=tmp_path)
    [archive] = tmp_path.glob("*.tar.gz")
    with pytest.raises(CommandError, match="The database already has tables"):
        call_command("restore", str(archive))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_an_archive_whose_files_do_not_match_its_manifest(settings, tmp_path):
    (Path(settings.MEDIA_ROOT) / "evidence").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "evidence" / "plan.pdf").write_bytes(PDF)
    call_command("backup", output=tmp_path / "backups")
    [archive] = (tmp_path / "backups").glob("*.tar.gz")
    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(altered, "w:gz") as target:
        for info in source:
            content = source.extractfile(info).read()
            if info.name == "media/evidence/plan.pdf":
                content = pdf_bytes(pages=1)
                info.size = len(content)
            target.addfile(info, io.BytesIO(content))
    with pytest.raises(CommandError, match="does not match its manifest.*plan.pdf"):
        call_command("restore", str(altered))


def test_a_backup_is_not_taken_inside_a_transaction(db, tmp_path):
    with pytest.raises(CommandError, match="cannot be taken inside a transaction"):
        call_command("backup", output=tmp_path)

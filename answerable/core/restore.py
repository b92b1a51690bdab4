"""Restore an archive `core.backup` wrote, after checking every member (ADR 0013)."""

import hashlib
import json
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from answerable.core.backup import (
    CHUNK,
    FORMAT,
    MANIFEST,
    MEDIA_PREFIX,
    BackupError,
    Member,
    RestoreReport,
    chunks,
    media_files,
    postgresql_environment,
    run_tool,
)


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def backup_check(*, path: Path) -> dict[str, Any]:
    """Read the whole archive, check every member against the manifest's size and SHA-256,
    and return the manifest; raise BackupError at the first difference.

    Nothing is restored from an archive this has not passed.
    """
    seen: dict[str, Member] = {}
    manifest: dict[str, Any] | None = None
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            for info in archive:
                if not info.isfile() or not _safe_member_name(info.name):
                    raise BackupError(f"{path} holds {info.name!r}, which no backup writes.")
                source = archive.extractfile(info)
                assert source is not None  # a regular file always has content
                if info.name == MANIFEST:
                    manifest = json.loads(source.read())
                    continue
                digest = hashlib.sha256()
                for chunk in chunks(source):
                    digest.update(chunk)
                seen[info.name] = Member(info.name, info.size, digest.hexdigest())
    except (OSError, tarfile.TarError, EOFError, ValueError) as error:
        raise BackupError(f"{path} cannot be read as a backup: {error}") from error
    if manifest is None or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} has no manifest this version can read.")
    listed = {item["name"]: Member(**item) for item in manifest["members"]}
    if listed != seen:
        names = sorted({name for name, _ in set(listed.items()) ^ set(seen.items())})
        raise BackupError(
            f"{path} does not match its manifest (a member changed, is missing or was added): "
            + ", ".join(names[:10])
        )
    return manifest


def migrations_unknown(*, manifest: Mapping[str, Any]) -> list[str]:
    """Return the migrations applied in the backup that this code does not have: a backup
    taken by a later release, whose tables this code cannot be trusted to read."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app_label}.{name}"
        for app_label, names in manifest["migrations"].items()
        for name in names
        if (app_label, name) not in known
    ]


def database_is_empty(*, alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Return whether the database holds no tables at all."""
    with connections[alias].cursor() as cursor:
        return not connections[alias].introspection.table_names(cursor)


def _media_is_empty(root: Path, keep: set[Path]) -> bool:
    return all(path is None for _, path in media_files(root, keep))


def _restore_database(alias: str, vendor: str, dump: Path, *, force: bool) -> str:
    connection = connections[alias]
    settings_dict = connection.settings_dict
    connections.close_all()
    if vendor == "postgresql":
        command = ["pg_restore", "--exit-on-error", "--single-transaction", "--no-owner"]
        if force:
            command += ["--clean", "--if-exists"]
        command += [f"--dbname={settings_dict['NAME']}", str(dump)]
        run_tool(command, environment=postgresql_environment(settings_dict))
        return str(settings_dict["NAME"])
    target_path = str(settings_dict["NAME"])
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        # Page by page into the target, so its write-ahead log stays consistent.
        source.backup(target)
    finally:
        source.close()
        target.close()
    return target_path


def backup_restore(
    *, path: Path, manifest: Mapping[str, Any], force: bool = False, keep: Sequence[Path] = ()
) -> RestoreReport:
    """Restore a checked archive into the configured database and MEDIA_ROOT.

    Refuses a database with any table in it, or a MEDIA_ROOT with any file other than those in
    `keep` (the checkpoint file may live there), unless `force`. With `force`, PostgreSQL's
    tables that are in the archive are dropped and loaded again (others stay), SQLite's
    database is replaced whole, and the archive's files overwrite those of the same name.
    """
    alias = DEFAULT_DB_ALIAS
    vendor = manifest["database"]["vendor"]
    if vendor != connections[alias].vendor:
        raise BackupError(
            f"This backup is of a {vendor} database; the configured database is "
            f"{connections[alias].vendor}."
        )
    media_root = Path(settings.MEDIA_ROOT)
    kept = {Path(item).resolve() for item in keep}
    if not force:
        if not database_is_empty(alias=alias):
            raise BackupError(
                "The database already has tables: restore into an empty database "
                "(createdb), or pass --force to load over it."
            )
        if not _media_is_empty(media_root, kept):
            raise BackupError(
                f"{media_root} already holds files: restore into an empty directory, or pass "
                "--force to write over them."
            )
    listed = {item["name"]: item["sha256"] for item in manifest["members"]}
    restored: list[Member] = []
    database_name = ""
    with (
        tempfile.TemporaryDirectory(prefix="answerable-restore-") as scratch,
        tarfile.open(path, mode="r:gz") as archive,
    ):
        for info in archive:
            source = archive.extractfile(info)
            if info.name != MANIFEST and (source is None or info.name not in listed):
                raise BackupError(f"{path} changed after it was checked: {info.name!r}.")
            assert source is not None
            if info.name == manifest["database"]["member"]:
                dump = Path(scratch) / PurePosixPath(info.name).name
                with dump.open("wb") as file:
                    shutil.copyfileobj(source, file, CHUNK)
                database_name = _restore_database(alias, vendor, dump, force=force)
            elif info.name.startswith(MEDIA_PREFIX):
                target = media_root / info.name.removeprefix(MEDIA_PREFIX)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as file:
                    for chunk in chunks(source):
                        digest.update(chunk)
                        file.write(chunk)
                restored.append(Member(info.name, info.size, digest.hexdigest()))
    connections.close_all()
    changed = [member.name for member in restored if listed.get(member.name) != member.sha256]
    if changed:
        raise BackupError(f"Files changed while being restored: {', '.join(changed[:10])}")
    return RestoreReport(
        vendor, database_name, media_root, restored, migrations_pending(alias=alias)
    )


def migrations_pending(*, alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Return this code's migrations not yet applied to the database, in the order to apply."""
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def media_files_missing() -> list[str]:
    """Return every file a row names (any FileField, in any app) that is not in MEDIA_ROOT."""
    media_root = Path(settings.MEDIA_ROOT)
    missing = []
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if not isinstance(model_field, models.FileField):
                continue
            names = (
                model._default_manager.exclude(**{model_field.attname: ""})
                .values_list(model_field.attname, flat=True)
                .order_by()
            )
            missing += [
                f"{model._meta.label}.{model_field.name}: {name}"
                for name in names.iterator()
                if name and not (media_root / name).is_file()
            ]
    return sorted(missing)

"""Back up the database and the uploaded files together, and restore them (ADR 0013).

One archive, `answerable-backup-<UTC time>.tar.gz`, holds, in this order:

- `database.pgdump` (PostgreSQL: `pg_dump --format=custom`, which carries the audit tables'
  trigger functions and triggers) or `database.sqlite3` (SQLite's online backup API);
- `media/<path>`: every file under MEDIA_ROOT except those the caller leaves out (the audit
  checkpoint file: it is the anchor a restored database is checked against, so it is kept
  apart from the backups);
- `manifest.json`: the size and SHA-256 of every other member, the applied migrations and
  whatever the caller adds.

The database is dumped before the files are read. Uploads are written before the row that
names them commits and are never changed in place, so every file a dumped row names is in
the files read after it; a file uploaded in between comes along unnamed, which does no harm.
"""

import dataclasses
import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024
# libpq environment variables for the connection OPTIONS Django passes on (as Django's own
# PostgreSQL client does), so pg_dump and pg_restore connect as the application does.
PG_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
}


class BackupError(Exception):
    """The backup could not be taken, checked or restored; the message says why."""


@dataclass(frozen=True)
class Member:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class BackupReport:
    path: Path
    sha256: str
    vendor: str
    tool: str
    database: Member
    media: list[Member]
    left_out: list[str]


@dataclass(frozen=True)
class RestoreReport:
    vendor: str
    database_name: str
    media_root: Path
    media: list[Member]
    pending_migrations: list[str] = field(default_factory=list)


def postgresql_environment(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    """Return the environment in which PostgreSQL's client tools reach this database."""
    environment = dict(os.environ)
    for key, variable in [
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ]:
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
        else:
            environment.pop(variable, None)
    for option, variable in PG_OPTION_VARIABLES.items():
        value = (settings_dict.get("OPTIONS") or {}).get(option)
        if value:
            environment[variable] = str(value)
    return environment


def _run(command: list[str], *, environment: dict[str, str]) -> str:
    try:
        # A fixed tool, with arguments from settings and this module.
        result = subprocess.run(  # noqa: S603
            command, env=environment, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} was not found: install PostgreSQL's client tools "
            "(Debian: postgresql-client) in the server's major version or later."
        ) from error
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    while chunk := source.read(CHUNK):
        yield chunk


def _hash_file(path: Path) -> Member:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in _chunks(file):
            digest.update(chunk)
    return Member(path.name, path.stat().st_size, digest.hexdigest())


def _add(archive: tarfile.TarFile, name: str, source: IO[bytes]) -> Member:
    """Copy `source` into a spool while hashing it, then add it: the size and hash recorded
    are those of the bytes stored, even if the file changes while it is read."""
    digest = hashlib.sha256()
    with tempfile.SpooledTemporaryFile(max_size=16 * CHUNK) as spool:
        for chunk in _chunks(source):
            digest.update(chunk)
            spool.write(chunk)
        info = tarfile.TarInfo(name)
        info.size = spool.tell()
        info.mtime = int(timezone.now().timestamp())
        info.mode = 0o640
        spool.seek(0)
        archive.addfile(info, spool)
    return Member(name, info.size, digest.hexdigest())


def _dump_database(alias: str, directory: Path) -> tuple[str, str, Path]:
    connection = connections[alias]
    vendor = connection.vendor
    if connection.in_atomic_block:
        # pg_dump would miss this transaction's rows; SQLite's backup would wait on its lock.
        raise BackupError("A backup cannot be taken inside a transaction.")
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    path = directory / DATABASE_MEMBERS[vendor]
    if vendor == "postgresql":
        environment = postgresql_environment(connection.settings_dict)
        tool = _run(["pg_dump", "--version"], environment=environment)
        # Custom format: pg_restore loads the rows before it creates the triggers, so the
        # audit tables' guards do not refuse the load, and the triggers come back with them.
        _run(["pg_dump", "--format=custom", f"--file={path}"], environment=environment)
        return vendor, tool, path
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        # The online backup API copies a consistent snapshot while the site keeps writing.
        connection.connection.backup(target)
    finally:
        target.close()
    return vendor, f"sqlite3 {sqlite3.sqlite_version}", path


def _media_files(root: Path, left_out: set[Path]) -> Iterator[tuple[str, Path | None]]:
    """Yield (path under root, file) for each regular file, sorted; file is None for one
    left out (the checkpoint file, or a link, which could point outside MEDIA_ROOT)."""
    if not root.exists():
        return
    for directory, subdirectories, names in os.walk(root):
        subdirectories.sort()
        for name in sorted(names):
            path = Path(directory) / name
            relative = path.relative_to(root).as_posix()
            if path.is_symlink() or not path.is_file() or path.resolve() in left_out:
                yield relative, None
            else:
                yield relative, path


def _applied_migrations(alias: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def backup_create(
    *,
    output_dir: Path,
    leave_out: Sequence[Path] = (),
    extra: Mapping[str, Any] | None = None,
    alias: str = DEFAULT_DB_ALIAS,
) -> BackupReport:
    """Write one archive of the database and MEDIA_ROOT into `output_dir` and return what it
    holds.

    The archive is written under a temporary name and renamed when complete, readable by its
    owner only: it holds everything the register holds.
    """
    output_dir.mkdir(parents=True, exist_ok=True)
    started = timezone.now()
    name = f"answerable-backup-{started.astimezone(datetime.UTC):%Y%m%d-%H%M%SZ}.tar.gz"
    final = output_dir / name
    if final.exists():
        raise BackupError(f"{final} already exists.")
    media_root = Path(settings.MEDIA_ROOT)
    left_out_paths = {Path(path).resolve() for path in leave_out}
    migrations = _applied_migrations(alias)
    with tempfile.TemporaryDirectory(prefix="answerable-backup-") as scratch:
        vendor, tool, dump = _dump_database(alias, Path(scratch))
        partial = output_dir / f".{name}.partial"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with (
                os.fdopen(descriptor, "wb") as file,
                tarfile.open(fileobj=file, mode="w:gz") as archive,
            ):
                with dump.open("rb") as source:
                    database = _add(archive, DATABASE_MEMBERS[vendor], source)
                media, left_out = [], []
                for relative, path in _media_files(media_root, left_out_paths):
                    if path is None:
                        left_out.append(relative)
                        continue
                    with path.open("rb") as source:
                        media.append(_add(archive, MEDIA_PREFIX + relative, source))
                manifest = {
                    "format": FORMAT,
                    "created_at": started.isoformat(),
                    "database": {"vendor": vendor, "member": database.name, "tool": tool},
                    "migrations": migrations,
                    "media": {"files": len(media), "left_out": left_out},
                    "members": [dataclasses.asdict(member) for member in [database, *media]],
                    **(extra or {}),
                }
                encoded = json.dumps(manifest, indent=2, sort_keys=True).encode()
                _add(archive, MANIFEST, io.BytesIO(encoded))
            partial.rename(final)
        finally:
            partial.unlink(missing_ok=True)
    return BackupReport(final, _hash_file(final).sha256, vendor, tool, database, media, left_out)


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
                for chunk in _chunks(source):
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
    return all(path is None for _, path in _media_files(root, keep))


def _restore_database(alias: str, vendor: str, dump: Path, *, force: bool) -> str:
    connection = connections[alias]
    settings_dict = connection.settings_dict
    connections.close_all()
    if vendor == "postgresql":
        command = ["pg_restore", "--exit-on-error", "--single-transaction", "--no-owner"]
        if force:
            command += ["--clean", "--if-exists"]
        command += [f"--dbname={settings_dict['NAME']}", str(dump)]
        _run(command, environment=postgresql_environment(settings_dict))
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
                    for chunk in _chunks(source):
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

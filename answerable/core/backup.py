"""Back up the database and the uploaded files together (ADR 0013; `core.restore` restores).

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
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
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


def run_tool(command: list[str], *, environment: dict[str, str]) -> str:
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


def chunks(source: IO[bytes]) -> Iterator[bytes]:
    while chunk := source.read(CHUNK):
        yield chunk


def _hash_file(path: Path) -> Member:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in chunks(file):
            digest.update(chunk)
    return Member(path.name, path.stat().st_size, digest.hexdigest())


def _add(archive: tarfile.TarFile, name: str, source: IO[bytes]) -> Member:
    """Copy `source` into a spool while hashing it, then add it: the size and hash recorded
    are those of the bytes stored, even if the file changes while it is read."""
    digest = hashlib.sha256()
    with tempfile.SpooledTemporaryFile(max_size=16 * CHUNK) as spool:
        for chunk in chunks(source):
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
        tool = run_tool(["pg_dump", "--version"], environment=environment)
        # Custom format: pg_restore loads the rows before it creates the triggers, so the
        # audit tables' guards do not refuse the load, and the triggers come back with them.
        run_tool(["pg_dump", "--format=custom", f"--file={path}"], environment=environment)
        return vendor, tool, path
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        # The online backup API copies a consistent snapshot while the site keeps writing.
        connection.connection.backup(target)
    finally:
        target.close()
    return vendor, f"sqlite3 {sqlite3.sqlite_version}", path


def media_files(root: Path, left_out: set[Path]) -> Iterator[tuple[str, Path | None]]:
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
                for relative, path in media_files(media_root, left_out_paths):
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

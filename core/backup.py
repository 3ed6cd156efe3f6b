"""Backup and restore of the whole site: the database and the media files (commands
backup_site and restore_site, `make backup` / `make restore`).

A backup is a folder `<output-dir>/<UTC timestamp>/` holding

- `database.dump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite: the
  sqlite3 backup API, consistent while the site runs);
- `media.tar.gz`: every file of the media storage, read through the storage API (so S3 works
  as the file system does);
- `manifest.json`: when and from what it was made, the applied migrations, the SHA-256 and
  size of each file of the backup and of each media file, and every document version's
  recorded SHA-256.

The database is dumped before the media is read: a row is committed only after its file was
stored, so every file the dump names is already in the storage when the archive is made.
The folder is written as `<timestamp>.partial` and renamed when complete.
"""

import glob
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

from core import storage as core_storage

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sqlite3"
CHUNK_SIZE = 1024 * 1024


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why."""


# --- helpers ------------------------------------------------------------------------------

def _engine(alias=DEFAULT_DB_ALIAS) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class _HashingReader(io.RawIOBase):
    """A file object that hashes and counts what is read through it."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self):
        return True

    def read(self, n=-1):
        data = self.handle.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def pg_binary(name: str, alias=DEFAULT_DB_ALIAS) -> str:
    """pg_dump / pg_restore: $PG_BIN or settings.PG_BIN, else the binaries of the server's
    major version (Debian's /usr/lib/postgresql/<major>/bin), else the PATH, else the newest
    installed version."""
    folders = [os.environ.get("PG_BIN"), getattr(settings, "PG_BIN", None)]
    connection = connections[alias]
    connection.ensure_connection()
    folders.append(f"/usr/lib/postgresql/{connection.pg_version // 10000}/bin")
    for folder in filter(None, folders):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                       key=lambda path: int(Path(path).parts[-3]) if
                       Path(path).parts[-3].isdigit() else 0)
    if installed:
        return installed[-1]
    raise BackupError(f"{name} was not found: install the PostgreSQL client or set PG_BIN "
                      "to the folder that holds it.")


def _pg_command(alias=DEFAULT_DB_ALIAS) -> tuple[list[str], dict]:
    """Connection arguments and environment (the password through PGPASSWORD, never argv)."""
    db = connections[alias].settings_dict  # the test database's name under pytest, too
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS", {})
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                             ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY")):
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def _run(command: list[str], env: dict) -> None:
    # A list, no shell: the arguments come from the settings, never from a request.
    result = subprocess.run(command, env=env, capture_output=True, text=True,  # noqa: S603
                            check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed (exit {result.returncode}): "
                          f"{result.stderr.strip()[-2000:]}")


def _migration_state(alias=DEFAULT_DB_ALIAS) -> dict:
    applied = sorted(MigrationRecorder(connections[alias]).applied_migrations())
    latest = {}
    for app, name in applied:
        latest[app] = max(latest.get(app, name), name)
    return {"applied": len(applied), "latest": latest}


def _document_versions(alias=DEFAULT_DB_ALIAS) -> list[dict]:
    from documents.models import DocumentVersion

    rows = (DocumentVersion.objects.using(alias).order_by("pk")
            .values_list("pk", "file", "sha256", "size").iterator(chunk_size=2000))
    return [{"id": pk, "file": name, "sha256": digest, "size": size}
            for pk, name, digest, size in rows]


# --- backup -------------------------------------------------------------------------------

def dump_database(target: Path, alias=DEFAULT_DB_ALIAS) -> Path:
    if _engine(alias) == "postgresql":
        path = target / PG_DUMP
        args, env = _pg_command(alias)
        _run([pg_binary("pg_dump", alias), "--format=custom", "--file", str(path), *args,
              "--dbname", connections[alias].settings_dict["NAME"]], env)
        return path
    import sqlite3

    path = target / SQLITE_DUMP
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(path)
    try:
        connection.connection.backup(destination)  # a consistent copy of a live database
    finally:
        destination.close()
    return path


def archive_media(target: Path, media: Storage) -> dict:
    """media.tar.gz of every stored file; returns {name: {sha256, size}} as read."""
    files = {}
    now = time.time()
    with tarfile.open(target / MEDIA_ARCHIVE, "w:gz") as archive:
        for name in sorted(core_storage.walk(media)):
            info = tarfile.TarInfo(name)
            info.size = media.size(name)
            info.mtime = now
            info.mode = 0o644
            with media.open(name, "rb") as handle:
                reader = _HashingReader(handle)
                archive.addfile(info, reader)
            if reader.size != info.size:
                raise BackupError(f"{name} changed while it was archived; run the backup again.")
            files[name] = {"sha256": reader.digest.hexdigest(), "size": reader.size}
    return files


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    warnings: list[str]


def backup(output_dir: Path, *, media: Storage | None = None,
           alias=DEFAULT_DB_ALIAS) -> BackupResult:
    media = media or default_storage
    engine = _engine(alias)
    created = datetime.now(UTC)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = created.strftime("%Y%m%dT%H%M%SZ")
    final = output_dir / stamp
    suffix = 1
    while final.exists() or final.with_name(final.name + ".partial").exists():
        suffix += 1
        final = output_dir / f"{stamp}-{suffix}"
    partial = final.with_name(final.name + ".partial")
    partial.mkdir()
    try:
        migrations = _migration_state(alias)
        versions = _document_versions(alias)  # read before the media: see the module doc
        database = dump_database(partial, alias)
        media_files = archive_media(partial, media)
        warnings = []
        for version in versions:
            stored = media_files.get(version["file"])
            if stored is None:
                warnings.append(f"document version {version['id']}: {version['file']} is "
                                "missing from the media storage")
            elif stored["sha256"] != version["sha256"]:
                warnings.append(f"document version {version['id']}: {version['file']} does "
                                "not match its recorded SHA-256")
        backup_files = {}
        for path in (database, partial / MEDIA_ARCHIVE):
            digest, size = sha256_file(path)
            backup_files[path.name] = {"sha256": digest, "size": size}
        manifest = {
            "format": FORMAT,
            "created": created.isoformat(),
            "engine": engine,
            "database_file": database.name,
            "migrations": migrations,
            "files": backup_files,
            "media": media_files,
            "document_versions": versions,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(final, manifest, warnings)


# --- restore ------------------------------------------------------------------------------

def read_manifest(folder: Path) -> dict:
    """The manifest, after checking that every file it lists is present and unchanged."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a backup folder.")
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} has no {MANIFEST}: incomplete backup.") from None
    except ValueError as error:
        raise BackupError(f"{MANIFEST} is damaged: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    listed = manifest.get("files") or {}
    for name in (manifest.get("database_file"), MEDIA_ARCHIVE):
        if name not in listed:
            raise BackupError(f"The manifest does not list {name}: incomplete backup.")
    for name, expected in listed.items():
        if PurePosixPath(name).name != name:
            raise BackupError(f"The manifest lists a file outside the backup: {name!r}.")
        path = folder / name
        if not path.is_file():
            raise BackupError(f"{name} is missing: incomplete backup.")
        digest, size = sha256_file(path)
        if (digest, size) != (expected["sha256"], expected["size"]):
            raise BackupError(f"{name} does not match the manifest (SHA-256 or size differs): "
                              "the backup was damaged or changed. Nothing was restored.")
    return manifest


def _check_archive(folder: Path, manifest: dict) -> None:
    """Every member a regular file the manifest lists, under a safe relative name."""
    expected = manifest.get("media") or {}
    seen = set()
    with tarfile.open(folder / MEDIA_ARCHIVE, "r:gz") as archive:
        for member in archive:
            path = PurePosixPath(member.name)
            if (not member.isfile() or path.is_absolute() or ".." in path.parts
                    or member.name not in expected
                    or member.size != expected[member.name]["size"]):
                raise BackupError(f"{MEDIA_ARCHIVE} holds an unexpected entry {member.name!r}.")
            seen.add(member.name)
    if seen != set(expected):
        raise BackupError(f"{MEDIA_ARCHIVE} lacks {len(set(expected) - seen)} file(s) the "
                          "manifest lists: incomplete backup.")


def restore_database(folder: Path, manifest: dict, alias=DEFAULT_DB_ALIAS) -> None:
    dump = folder / manifest["database_file"]
    if _engine(alias) == "postgresql":
        binary = pg_binary("pg_restore", alias)
        args, env = _pg_command(alias)
        connections[alias].close()  # no open transaction of ours holds locks while it drops
        _run([binary, "--clean", "--if-exists", "--no-owner", "--single-transaction", *args,
              "--dbname", connections[alias].settings_dict["NAME"], str(dump)], env)
        return
    import sqlite3

    connection = connections[alias]
    connection.close()
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)  # replaces every page of the live database
    finally:
        source.close()
    connection.close()


def restore_media(folder: Path, manifest: dict, media: Storage) -> int:
    """Write every archived file under its own name (replacing a same-named one), checking
    each against the manifest as it goes."""
    expected = manifest["media"]
    count = 0
    with tarfile.open(folder / MEDIA_ARCHIVE, "r:gz") as archive:
        for member in archive:
            handle = archive.extractfile(member)
            data_reader = _HashingReader(handle)
            if media.exists(member.name):
                media.delete(member.name)
            saved = media.save(member.name, File(data_reader, name=member.name))
            if saved != member.name:
                raise BackupError(f"The storage stored {member.name} as {saved}.")
            if data_reader.digest.hexdigest() != expected[member.name]["sha256"]:
                raise BackupError(f"{member.name} in {MEDIA_ARCHIVE} does not match the "
                                  "manifest.")
            count += 1
    return count


@dataclass
class RestoreResult:
    manifest: dict
    database: str
    media_files: int
    versions_checked: int
    extra_files: list[str]


def restore(folder: Path, *, media: Storage | None = None,
            alias=DEFAULT_DB_ALIAS) -> RestoreResult:
    """Check the backup, replace the database and the media files with it, then verify every
    document version's file against its row and the manifest."""
    from documents.models import DocumentVersion

    media = media or default_storage
    folder = Path(folder)
    manifest = read_manifest(folder)
    _check_archive(folder, manifest)
    if _engine(alias) != manifest["engine"]:
        raise BackupError(f"The backup is of a {manifest['engine']} database; this site uses "
                          f"{_engine(alias)}.")
    restore_database(folder, manifest, alias)
    count = restore_media(folder, manifest, media)

    problems = []
    recorded = {v["id"]: v for v in manifest.get("document_versions", [])}
    checked = 0
    rows = (DocumentVersion.objects.using(alias).order_by("pk")
            .values_list("pk", "file", "sha256", "size").iterator(chunk_size=2000))
    for pk, name, digest, size in rows:
        checked += 1
        if recorded.pop(pk, {"sha256": digest})["sha256"] != digest:
            problems.append(f"document version {pk}: its row differs from the manifest")
        try:
            found = core_storage.file_sha256(name, media)
        except FileNotFoundError:
            problems.append(f"document version {pk}: {name} is missing")
            continue
        if found != (digest, size):
            problems.append(f"document version {pk}: {name} does not match its SHA-256")
    if recorded:
        problems.append(f"{len(recorded)} document version(s) of the manifest are not in the "
                        "restored database")
    if problems:
        raise BackupError("Restored, but the check failed:\n  " + "\n  ".join(problems[:50]))
    extra = sorted(set(core_storage.walk(media)) - set(manifest["media"]))
    return RestoreResult(manifest, manifest["engine"], count, checked, extra)

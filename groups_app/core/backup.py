"""Backups: one archive file holding a consistent copy of the database, a manifest (the row count
and a checksum of every table) and the leaflet files folder if the instance still has one; and the
restore of such an archive into an empty database, checked against the manifest.

SQLite is copied with its online backup API, PostgreSQL with `pg_dump -Fc`; both while the app
runs. The archive is a .tar.gz readable only by its owner (it holds health data):

    manifest.json        format, database kind, time, and {table: {rows, sha256}} and {file: sha256}
    database.sqlite      or database.pgdump
    leaflet-files/...    the on-disk leaflet PDFs, when the instance has that folder

`flask --app groups_app backup` and `restore` (core/commands.py) call `backup()` and `restore()`.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, inspect, select, table, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import NullPool

from .timeutil import utcnow

FORMAT = 1
MANIFEST = "manifest.json"
MEMBERS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
FILES = "leaflet-files"
ARCHIVE_NAME = re.compile(r"groups_app-\d{8}-\d{6}\.tar\.gz")
_SAFE_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}")
IGNORED_WHEN_EMPTY = {"alembic_version"}  # a migrated database with no data is still empty


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message says why and what to do."""


@dataclass
class Done:
    path: Path
    tables: dict  # {table: {"rows": n, "sha256": hex}}
    files: int

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.tables.values())


# ---- where things are ---------------------------------------------------------------------------

def files_folder(app) -> Path:
    """The leaflet files folder of older versions (leaflet PDFs now live in the database)."""
    return Path(app.config.get("LEAFLET_FILES_DIR") or Path(app.instance_path) / "leaflet-files")


def _kind(database_url: str) -> str:
    backend = make_url(database_url).get_backend_name()
    if backend not in MEMBERS:
        raise BackupError(f"Backups know SQLite and PostgreSQL, not {backend}.")
    return backend


def _engine(database_url: str):
    return create_engine(database_url, poolclass=NullPool)


def _sqlite_path(database_url: str) -> Path:
    name = make_url(database_url).database
    if not name or name == ":memory:":
        raise BackupError("The database is in memory: there is nothing on disk to back up or restore into.")
    return Path(name)


def _program(name: str) -> str:
    """A PostgreSQL client program: on the PATH, or the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: float(p.parts[-3]))
    if versions:
        return str(versions[-1])
    raise BackupError(f"{name} was not found: install PostgreSQL's client programs (apt-get install postgresql-client).")


def _libpq(database_url: str) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump and pg_restore, and their environment (the password stays
    out of the command line, which every user of the machine can read)."""
    url = make_url(database_url)
    args = ["--dbname", url.database or ""]
    host = url.host or url.query.get("host")
    if host:
        args += ["--host", str(host)]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ, PGCONNECT_TIMEOUT="10")
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)  # a list: no shell
    if done.returncode:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.stdout.strip()}")


# ---- checksums ----------------------------------------------------------------------------------

def _encoded(value) -> bytes:
    """One value as bytes that are the same whichever server or time zone reads it back."""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC)
    data = value if isinstance(value, bytes) else b"" if value is None else str(value).encode()
    tag = type(value).__name__.encode()
    return len(tag).to_bytes(1, "big") + tag + len(data).to_bytes(8, "big") + data


def _checksums(conn: Connection) -> dict[str, dict]:
    """Every table of the database: its row count and a checksum of its rows, whatever their order."""
    found = {}
    for name in sorted(inspect(conn).get_table_names()):
        digests = []
        result = conn.execution_options(stream_results=True).execute(select(text("*")).select_from(table(name)))
        for row in result.yield_per(200):
            digest = hashlib.sha256()
            for value in row:
                digest.update(_encoded(value))
            digests.append(digest.digest())
        digests.sort()
        found[name] = {"rows": len(digests), "sha256": hashlib.sha256(b"".join(digests)).hexdigest()}
    return found


def table_checksums(database_url: str) -> dict[str, dict]:
    """{table: {"rows": n, "sha256": hex}} for every table of the database at this URL."""
    engine = _engine(database_url)
    try:
        with engine.connect() as conn:
            return _checksums(conn)
    finally:
        engine.dispose()


def _bookkeeping(conn: Connection) -> set[str]:
    """Tables that hold rows in a migrated but empty database: Alembic's, and the shadow tables
    of SQLite's full-text indexes (books_fts_config, books_fts_data, ...)."""
    names = set(IGNORED_WHEN_EMPTY)
    if conn.dialect.name == "sqlite":
        virtual = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table' "
                                    "AND sql LIKE 'CREATE VIRTUAL TABLE%'")).scalars().all()
        names |= {name for name in inspect(conn).get_table_names() if any(name.startswith(f"{v}_") for v in virtual)}
    return names


def tables_with_data(database_url: str) -> list[str]:
    """The tables that hold at least one row of the program's data (a migrated but empty database has none)."""
    engine = _engine(database_url)
    try:
        with engine.connect() as conn:
            skip = _bookkeeping(conn)
            return [name for name in sorted(inspect(conn).get_table_names()) if name not in skip
                    and conn.execute(select(text("1")).select_from(table(name)).limit(1)).first()]
    finally:
        engine.dispose()


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ---- backup -------------------------------------------------------------------------------------

def _dump_sqlite(database_url: str, into: Path) -> dict[str, dict]:
    source = _sqlite_path(database_url)
    if not source.is_file():
        raise BackupError(f"The database file {source} does not exist.")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as live, sqlite3.connect(into) as copy:
        live.backup(copy)  # page by page, consistent even while the app writes
    live.close()
    copy.close()
    return table_checksums(f"sqlite:///{into}")


def _dump_postgresql(database_url: str, into: Path) -> dict[str, dict]:
    """pg_dump reads the snapshot that the checksums are computed in, so both see the same rows."""
    args, env = _libpq(database_url)
    engine = _engine(database_url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
                _run([_program("pg_dump"), "--format=custom", "--snapshot", snapshot, "--file", str(into), *args],
                     env, "pg_dump")
                return _checksums(conn)
    finally:
        engine.dispose()


def _on_disk_files(folder: Path | None) -> dict[str, Path]:
    if not folder or not folder.is_dir():
        return {}
    return {path.name: path for path in sorted(folder.iterdir())
            if path.is_file() and _SAFE_FILE_NAME.fullmatch(path.name)}


def backup(destination: Path | None, *, database_url: str, backups_folder: Path,
           files: Path | None = None) -> Done:
    """Write the archive to `destination` (a file named *.tar.gz, or else a folder to put it in),
    by default into `backups_folder`, as groups_app-YYYYMMDD-HHMMSS.tar.gz (UTC)."""
    kind = _kind(database_url)
    name = f"groups_app-{utcnow():%Y%m%d-%H%M%S}.tar.gz"
    path = Path(destination or backups_folder)
    if path.is_dir() or not path.name.endswith(".tar.gz"):
        path = path / name
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    on_disk = _on_disk_files(files)
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / MEMBERS[kind]
        tables = _dump_sqlite(database_url, copy) if kind == "sqlite" else _dump_postgresql(database_url, copy)
        manifest = {"format": FORMAT, "database": kind, "created_at": utcnow().isoformat(), "tables": tables,
                    "files": {name: _file_digest(file) for name, file in on_disk.items()}}
        partial = path.with_name(path.name + ".partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                entry = tarfile.TarInfo(MANIFEST)
                entry.size, entry.mtime, entry.mode = len(data), int(utcnow().timestamp()), 0o600
                archive.addfile(entry, io.BytesIO(data))
                archive.add(copy, arcname=MEMBERS[kind])
                for name, file in on_disk.items():
                    archive.add(file, arcname=f"{FILES}/{name}")
            os.replace(partial, path)  # a half-written archive never has the final name
        finally:
            partial.unlink(missing_ok=True)
    return Done(path, tables, len(on_disk))


def prune(folder: Path, keep_days: int) -> list[Path]:
    """Delete this folder's archives (groups_app-*.tar.gz) older than `keep_days` days; the newest is always kept."""
    archives = sorted(path for path in folder.glob("groups_app-*.tar.gz") if ARCHIVE_NAME.fullmatch(path.name))
    limit = (utcnow() - timedelta(days=keep_days)).timestamp()
    gone = [path for path in archives[:-1] if path.stat().st_mtime < limit]
    for path in gone:
        path.unlink()
    return gone


# ---- restore ------------------------------------------------------------------------------------

def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile(MANIFEST))
    except (KeyError, ValueError, AttributeError) as error:
        raise BackupError("This file is not a groups_app backup (it has no readable manifest.json).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"This backup's format ({manifest.get('format')}) is not one this version can read.")
    return manifest


def _extract(archive: tarfile.TarFile, member: str, into: Path) -> None:
    """One member, by its exact name, into a file we name: never a path the archive chooses."""
    try:
        source = archive.extractfile(member)
    except KeyError:
        source = None
    if source is None:
        raise BackupError(f"The archive lacks {member}: it is damaged or not a groups_app backup.")
    with source, into.open("wb") as target:
        shutil.copyfileobj(source, target)


def _restore_sqlite(copy: Path, database_url: str) -> None:
    target = _sqlite_path(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(copy) as saved, sqlite3.connect(target) as live:
        saved.backup(live)  # replaces every page of the target
    saved.close()
    live.close()


def _restore_postgresql(dump: Path, database_url: str) -> None:
    engine = _engine(database_url)
    try:
        with engine.begin() as conn:  # the target holds no data (or --force): clear what a migration made
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()
    args, env = _libpq(database_url)
    _run([_program("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          *args, str(dump)], env, "pg_restore")


def restore(path: Path, *, database_url: str, files: Path | None = None, force: bool = False) -> Done:
    """Bring the archive back into the database at `database_url`, which must hold no data unless
    `force`; then check every table and file against the manifest."""
    kind = _kind(database_url)
    try:
        archive = tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path} cannot be read as a backup archive: {error}") from error
    with archive, tempfile.TemporaryDirectory() as work:
        manifest = _read_manifest(archive)
        if manifest["database"] != kind:
            raise BackupError(f"This is a backup of a {manifest['database']} database; the app's database is {kind}.")
        holding = tables_with_data(database_url) if kind == "postgresql" or _sqlite_path(database_url).exists() else []
        if holding and not force:
            raise BackupError(f"The database already holds data (in {', '.join(holding[:5])}"
                              f"{' and more' if len(holding) > 5 else ''}). Restore into an empty database, "
                              "or add --force to replace everything in it.")
        copy = Path(work) / MEMBERS[kind]
        _extract(archive, MEMBERS[kind], copy)
        if kind == "sqlite":
            _restore_sqlite(copy, database_url)
        else:
            _restore_postgresql(copy, database_url)
        wanted = manifest.get("files", {})
        if wanted:
            if files is None:
                raise BackupError("The archive holds leaflet files but no folder was given for them.")
            files.mkdir(parents=True, exist_ok=True)
            for name in wanted:
                if not _SAFE_FILE_NAME.fullmatch(name):
                    raise BackupError(f"The archive names a file {name!r}, which is not one a backup writes.")
                _extract(archive, f"{FILES}/{name}", files / name)
    restored = table_checksums(database_url)
    differing = sorted(name for name in set(manifest["tables"]) | set(restored)
                       if manifest["tables"].get(name) != restored.get(name))
    if differing:
        raise BackupError(f"Restored, but these tables differ from the archive's manifest: {', '.join(differing)}.")
    damaged = sorted(name for name, digest in wanted.items() if _file_digest(files / name) != digest)
    if damaged:
        raise BackupError(f"Restored, but these leaflet files differ from the archive's manifest: {', '.join(damaged)}.")
    return Done(Path(path), restored, len(wanted))

"""Backup and restore: the demo program goes into one archive and comes back, table for table, into
an empty database (a new SQLite file, or a second PostgreSQL database made for the test)."""
from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import tarfile
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from groups_app.core import backup
from groups_app.demo import load_demo
from tests.conftest import make_test_app

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _postgres_admin(url, sql: str) -> None:
    """CREATE or DROP DATABASE: as the role of the test database when it may, else as the postgres
    user of this machine (CI runs as root)."""
    engine = create_engine(url.set(database="postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
            return
    except Exception as error:  # noqa: BLE001 - no CREATEDB right: ask the server's own user
        if os.geteuid() != 0 or url.host not in (None, "127.0.0.1", "localhost"):
            pytest.skip(f"cannot create a second database for the restore ({error.__class__.__name__}) and not root")
    finally:
        engine.dispose()
    command = ["runuser", "-u", "postgres", "--", "psql", "-qtA", "-p", str(url.port or 5432), "-c", sql]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def second_database(_session_app):
    """On PostgreSQL, a second database for the restores, made once for this file and dropped after
    it (a DROP DATABASE waits for a checkpoint: seconds on a busy machine)."""
    source = make_url(_session_app.config["SQLALCHEMY_DATABASE_URI"])
    if source.get_backend_name() != "postgresql":
        yield None
        return
    name = f"{source.database}_restore"
    _postgres_admin(source, f'DROP DATABASE IF EXISTS "{name}"')
    _postgres_admin(source, f'CREATE DATABASE "{name}" OWNER "{source.username}"')
    try:
        yield source.set(database=name).render_as_string(hide_password=False)
    finally:
        _postgres_admin(source, f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture
def empty_database(second_database, tmp_path) -> str:
    """The URL of an empty database of the app's kind: a new SQLite file, or the second database emptied."""
    if second_database is None:
        return f"sqlite:///{tmp_path / 'restored.sqlite'}"
    engine = create_engine(second_database, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return second_database


def _demo_backup(app, db, tmp_path: Path) -> tuple[backup.Done, Path]:
    load_demo(production=False)
    db.session.commit()
    files = tmp_path / "leaflet-files"
    files.mkdir()
    (files / "0123456789abcdef0123456789abcdef.pdf").write_bytes(PDF)
    done = backup.backup(tmp_path / "archives", database_url=app.config["SQLALCHEMY_DATABASE_URI"],
                         backups_folder=tmp_path / "unused", files=files)
    return done, files


def test_backup_round_trips_the_demo_data(app, db, tmp_path, empty_database, capsys):
    done, files = _demo_backup(app, db, tmp_path)
    assert done.path.parent == tmp_path / "archives" and backup.ARCHIVE_NAME.fullmatch(done.path.name)
    assert stat.S_IMODE(done.path.stat().st_mode) == 0o600  # health data: readable by its owner alone
    with tarfile.open(done.path) as archive:
        names = set(archive.getnames())
    kind = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    assert names == {"manifest.json", backup.MEMBERS[kind], "leaflet-files/0123456789abcdef0123456789abcdef.pdf"}

    source = backup.table_checksums(app.config["SQLALCHEMY_DATABASE_URI"])
    assert done.tables == source  # the manifest describes what was there
    for busy in ("users", "groups", "meetings", "attendances", "memberships", "alembic_version"):
        assert source[busy]["rows"] > 0, busy

    target, restored_files = empty_database, tmp_path / "restored-files"
    restored = backup.restore(done.path, database_url=target, files=restored_files)
    after = backup.table_checksums(target)
    differing = sorted(name for name in set(source) | set(after) if source.get(name) != after.get(name))
    with capsys.disabled():
        print(f"\nFIGURE backup round-trip tables differing: {len(differing)} of {len(source)}")
    assert not differing
    assert restored.tables == source and restored.files == 1
    assert (restored_files / "0123456789abcdef0123456789abcdef.pdf").read_bytes() == PDF

    # Now it holds data: a second restore is refused, and replaces everything when forced.
    with pytest.raises(backup.BackupError, match="already holds data.*--force"):
        backup.restore(done.path, database_url=target, files=restored_files)
    assert backup.restore(done.path, database_url=target, files=restored_files, force=True).tables == source


def test_a_restore_that_does_not_match_its_manifest_says_so(app, db, tmp_path, empty_database):
    done, _files = _demo_backup(app, db, tmp_path)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(done.path) as original, tarfile.open(damaged, "w:gz") as copy:
        for member in original.getmembers():
            data = original.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["tables"]["users"]["sha256"] = "0" * 64
                data = json.dumps(manifest).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    with pytest.raises(backup.BackupError, match="differ from the archive's manifest: users"):
        backup.restore(damaged, database_url=empty_database, files=tmp_path / "restored-files")


def test_a_migrated_but_empty_database_takes_a_restore(app, db, tmp_path, empty_database, monkeypatch):
    done, _files = _demo_backup(app, db, tmp_path)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "other"))  # make_test_app sets it: put it back after
    other = make_test_app(empty_database, str(tmp_path / "other"))
    with other.app_context():
        upgrade()  # as `flask db upgrade` leaves a new database: tables, Alembic's row, search indexes
        db.session.remove()
        db.engine.dispose()
    assert backup.tables_with_data(empty_database) == []
    assert backup.restore(done.path, database_url=empty_database, files=tmp_path / "files").tables == done.tables


def test_restore_refuses_what_is_not_a_backup(app, tmp_path):
    stray = tmp_path / "holiday.tar.gz"
    with tarfile.open(stray, "w:gz") as archive:
        archive.addfile(tarfile.TarInfo("../../etc/passwd"), io.BytesIO(b""))
    with pytest.raises(backup.BackupError, match="not a groups_app backup"):
        backup.restore(stray, database_url=f"sqlite:///{tmp_path / 'x.sqlite'}", files=tmp_path / "files")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(backup.BackupError, match="cannot be read as a backup archive"):
        backup.restore(tmp_path / "notes.txt", database_url=f"sqlite:///{tmp_path / 'x.sqlite'}")


def test_the_commands_back_up_prune_and_refuse_to_overwrite(app, db, tmp_path):
    load_demo(production=False)
    db.session.commit()
    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / "groups_app-20200101-030000.tar.gz"
    old.write_bytes(b"old")
    os.utime(old, (1577847600, 1577847600))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", "--to", str(folder), "--keep-days", "14"])
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output and f"Deleted {old.name}" in result.output
    [archive] = folder.glob("groups_app-*.tar.gz")

    result = runner.invoke(args=["restore", str(archive)])  # into the app's own database: it has data
    assert result.exit_code != 0 and "already holds data" in result.output and "--force" in result.output
    assert "restore" in runner.invoke(args=["--help"]).output


def test_backup_folder_defaults_to_the_instance(app):
    assert Path(app.config["BACKUP_DIR"]) == Path(app.instance_path) / "backups"

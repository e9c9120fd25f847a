"""A whole instance in one archive file, and back: the database and every uploaded file.

The archive is a gzipped tar holding `backup.json` (format, database kind, when, row
counts), the database (`database.sqlite`, copied with SQLite's online backup API, so the
copy is consistent while the app keeps serving; or `database.pgdump`, `pg_dump`'s custom
format) and `uploads/` with the files on local disk; with UPLOAD_STORAGE=database the
files are rows of the database and travel in its copy. `restore` puts an archive back in
place of the current database and files (on an instance with the same UPLOAD_STORAGE);
stop the app servers and timers while it runs.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from briefs.extensions import db
from briefs.file_storage import LOCAL, get_storage

FORMAT = "briefs-backup/1"
MANIFEST = "backup.json"
DUMPS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}


class BackupError(RuntimeError):
    """The backup or the restore cannot be done; the message says why."""


def backup(path: str | os.PathLike, *, now: datetime) -> dict:
    """Write the database and the uploads to one archive at `path`; return its manifest."""
    url = db.engine.url
    dialect = _dialect(url)
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    storage = get_storage()
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    files = []  # database-stored files are in the database's copy
    if storage.kind == LOCAL and uploads.is_dir():
        files = sorted(p for p in uploads.rglob("*") if p.is_file())
    manifest = {
        "format": FORMAT,
        "database": dialect,
        "storage": storage.kind,
        "created_at": now.isoformat(),
        "rows": _row_counts(),
        "files": len(storage.names()),
    }
    with tempfile.TemporaryDirectory(prefix="briefs-backup-") as work:
        dump = Path(work) / DUMPS[dialect]
        if dialect == "sqlite":
            _sqlite_copy_out(dump)
        else:
            _run(_pg_tool("pg_dump"), url, "--format=custom", "--no-owner", "--no-privileges",
                 "--file", str(dump))  # fmt: skip
        listing = Path(work) / MANIFEST
        listing.write_text(json.dumps(manifest, indent=2, sort_keys=True))
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(listing, MANIFEST)
            archive.add(dump, dump.name)
            for file in files:
                archive.add(file, f"uploads/{file.relative_to(uploads).as_posix()}")
    partial.replace(target)  # never a half-written archive under the real name
    return manifest


def restore(path: str | os.PathLike) -> dict:
    """Replace the database and the uploads with an archive's; return its manifest."""
    url = db.engine.url
    dialect = _dialect(url)
    with tempfile.TemporaryDirectory(prefix="briefs-restore-") as work:
        try:
            with tarfile.open(path, "r:gz") as archive:
                archive.extractall(work, filter="data")
        except (OSError, tarfile.TarError) as error:
            raise BackupError(f"{path} is not a Briefs backup archive: {error}") from error
        try:
            manifest = json.loads((Path(work) / MANIFEST).read_text())
        except (OSError, ValueError) as error:
            raise BackupError(f"{path} has no readable {MANIFEST}") from error
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{path} is in format {manifest.get('format')!r}, not {FORMAT}")
        if manifest.get("database") != dialect:
            raise BackupError(
                f"{path} holds a {manifest.get('database')} database; this instance uses "
                f"{dialect} (restore it on a {manifest.get('database')} instance)"
            )
        kind = get_storage().kind
        if manifest.get("storage", LOCAL) != kind:
            raise BackupError(
                f"{path} holds files stored in {manifest.get('storage', LOCAL)} storage; this "
                f"instance uses UPLOAD_STORAGE={kind} (restore it with the same setting)"
            )
        dump = Path(work) / DUMPS[dialect]
        if not dump.is_file():
            raise BackupError(f"{path} has no {dump.name}")
        db.session.remove()
        if dialect == "sqlite":
            _sqlite_copy_in(dump)
        else:
            _run(_pg_tool("pg_restore"), url, "--clean", "--if-exists", "--no-owner",
                 "--no-privileges", "--single-transaction", str(dump))  # fmt: skip
        db.engine.dispose()  # no pooled connection keeps a view of the old database
        if kind == LOCAL:
            _replace_uploads(Path(work) / "uploads")
    return manifest


def _dialect(url: URL) -> str:
    name = url.get_backend_name()
    if name not in DUMPS:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def _sqlite_copy_out(dump: Path) -> None:
    raw = db.engine.raw_connection()
    try:
        target = sqlite3.connect(dump)
        try:
            raw.driver_connection.backup(target)
        finally:
            target.close()
    finally:
        raw.close()


def _sqlite_copy_in(dump: Path) -> None:
    db.engine.dispose()
    source = sqlite3.connect(dump)
    try:
        raw = db.engine.raw_connection()
        try:
            # The backup API replaces every page of the live file, tables the copy lacks too.
            source.backup(raw.driver_connection)
        finally:
            raw.close()
    finally:
        source.close()


def _replace_uploads(extracted: Path) -> None:
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    uploads.mkdir(parents=True, exist_ok=True)
    for entry in uploads.iterdir():
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    if extracted.is_dir():
        for entry in extracted.iterdir():
            shutil.move(entry, uploads / entry.name)


def _pg_tool(name: str) -> str:
    """The PostgreSQL client program: from PG_BIN_DIR when set, else on the PATH."""
    folder = current_app.config.get("PG_BIN_DIR") or os.environ.get("PG_BIN_DIR")
    found = str(Path(folder) / name) if folder else shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _run(tool: str, url: URL, *args: str) -> None:
    """Run pg_dump/pg_restore on the app's database; the password goes by environment."""
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    connection = [
        *(["--host", url.host] if url.host else []),
        *(["--port", str(url.port)] if url.port else []),
        *(["--username", url.username] if url.username else []),
        f"--dbname={url.database}",
    ]
    done = subprocess.run([tool, *connection, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(tool).name} failed: {done.stderr.strip()}")

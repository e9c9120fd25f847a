"""Where the bytes of uploaded files live: the local disk, or the database.

UPLOAD_STORAGE chooses: `local` (the default) keeps each file under its random name in
UPLOAD_FOLDER, which only this machine sees; `database` keeps the bytes in the
`stored_file` table, which every app server sharing the database sees (PostgreSQL or
SQLite). Both offer the same small interface: `create` (a writable file, kept only if the
block ends without error), `open`, `size` (None when absent), `exists`, `delete`, `names`
and `sweep`; `send_stored` answers a download from either.

Database files are written and deleted in the request's own transaction, so they appear
and go with it (`transactional`); local files are not, and briefs.uploads deletes them
around the commit instead.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from flask import Response, abort, current_app, send_file
from sqlalchemy import delete, select

from briefs.extensions import db
from briefs.models import StoredFile

LOCAL = "local"
DATABASE = "database"
#: Accepted values of UPLOAD_STORAGE.
CHOICES = (LOCAL, DATABASE)


class LocalStorage:
    """Files on this machine's disk, in one folder."""

    kind = LOCAL
    transactional = False

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)

    def path(self, name: str) -> Path:
        """Return where the named file lives on disk."""
        return self.folder / name

    @contextmanager
    def create(self, name: str) -> Iterator[BinaryIO]:
        """Yield a new file to write; it is deleted if the block raises."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path(name)
        try:
            with open(path, "xb") as out:
                yield out
        except BaseException:
            path.unlink(missing_ok=True)
            raise

    def open(self, name: str) -> BinaryIO:
        """Open the named file for reading; FileNotFoundError if it is absent."""
        return open(self.path(name), "rb")

    def size(self, name: str) -> int | None:
        path = self.path(name)
        return path.stat().st_size if path.is_file() else None

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.iterdir() if p.is_file())

    def sweep(self, kept: set[str], *, older_than: datetime) -> list[str]:
        """Delete files not in `kept` and older than the moment; return their names.

        The age spares files of uploads still in flight (written, not yet committed).
        """
        cutoff = older_than.timestamp()
        deleted = []
        for name in self.names():
            path = self.path(name)
            if name not in kept and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                deleted.append(name)
        return deleted


class DatabaseStorage:
    """Files in the `stored_file` table, in the session's transaction."""

    kind = DATABASE
    transactional = True

    @contextmanager
    def create(self, name: str) -> Iterator[BinaryIO]:
        """Yield a buffer to write; its bytes are added to the session if the block ends well.

        The buffer spills to a temporary file past a megabyte; the row holds the whole file.
        """
        with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as buffer:
            yield buffer
            buffer.seek(0)
            data = buffer.read()
        db.session.add(StoredFile(name=name, size=len(data), data=data))
        db.session.flush()

    def open(self, name: str) -> BinaryIO:
        data = db.session.scalar(select(StoredFile.data).where(StoredFile.name == name))
        if data is None:
            raise FileNotFoundError(name)
        return io.BytesIO(data)

    def size(self, name: str) -> int | None:
        return db.session.scalar(select(StoredFile.size).where(StoredFile.name == name))

    def exists(self, name: str) -> bool:
        return self.size(name) is not None

    def delete(self, name: str) -> None:
        db.session.execute(delete(StoredFile).where(StoredFile.name == name))

    def names(self) -> list[str]:
        return list(db.session.scalars(select(StoredFile.name).order_by(StoredFile.name)))

    def sweep(self, kept: set[str], *, older_than: datetime) -> list[str]:
        """Delete rows not in `kept`. Rows of uploads in flight are not yet visible here."""
        deleted = [name for name in self.names() if name not in kept]
        if deleted:
            db.session.execute(delete(StoredFile).where(StoredFile.name.in_(deleted)))
        return deleted


def storage_kind() -> str:
    """Return the configured UPLOAD_STORAGE, refusing an unknown one."""
    kind = current_app.config.get("UPLOAD_STORAGE") or LOCAL
    if kind not in CHOICES:
        raise ValueError(f"UPLOAD_STORAGE must be one of {', '.join(CHOICES)}, not {kind!r}")
    return kind


def send_stored(name: str, **options) -> Response:
    """Send a stored file with send_file's options; 404 when its bytes are gone."""
    storage = get_storage()
    try:
        source = storage.path(name) if storage.kind == LOCAL else storage.open(name)
    except FileNotFoundError:
        abort(404)
    if isinstance(source, Path) and not source.is_file():
        abort(404)
    return send_file(source, **options)


def get_storage() -> LocalStorage | DatabaseStorage:
    """Return the storage the app is configured with."""
    if storage_kind() == DATABASE:
        return DatabaseStorage()
    return LocalStorage(current_app.config["UPLOAD_FOLDER"])

"""Files a client attaches to a file field: which are accepted, where they go, what remains.

A file is stored the moment it arrives, under a random name, in the configured storage
(briefs.file_storage: UPLOAD_FOLDER on local disk, or the database). The field's
answer is the list of its current uploads' ids, saved as a revision like any other answer,
so adding or removing a file shows in the field's history.

The stored bytes follow the database: a file written by a request whose transaction does
not commit is deleted when the transaction ends, and a removed file's bytes are deleted as
soon as its removal is committed (its record, revisions and events stay for the history);
database storage gets both from the transaction itself. So a brief holds exactly its
current files, and the per-brief limit (UPLOAD_MAX_BRIEF_BYTES) counts all it holds; each
file has its own limit (UPLOAD_MAX_BYTES).
`sweep` deletes stored files no current upload owns, left by a crash between commit and
delete.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import filetype
from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, SessionTransaction

from briefs.extensions import db
from briefs.file_storage import get_storage
from briefs.models import Answer, Brief, BriefField, Upload
from briefs.workflow import Actor, record, refuse_if_closed, save_answer

#: Types a client may upload, by the extension `filetype` sniffs from the content.
ALLOWED_EXTENSIONS = frozenset(
    {"jpg", "png", "gif", "webp", "pdf", "docx", "xlsx", "pptx", "odt", "ods", "doc", "xls", "zip"}
)

#: Extensions a file's name may end in for each sniffed type; any other name gets the
#: sniffed type's extension added, so a PNG sent as "invoice.hta" is saved, shown and
#: downloaded as "invoice.hta.png" and never opens on the agency's computer as a program.
#: ZIP-based and OLE2-based office files sniff as one another, so each family is one set.
_ZIPPED = frozenset({"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp"})
_OLE2 = frozenset({"doc", "xls", "ppt"})
NAME_EXTENSIONS = {
    "jpg": frozenset({"jpg", "jpeg", "jpe", "jfif"}),
    **{ext: _ZIPPED for ext in _ZIPPED},
    **{ext: _OLE2 for ext in _OLE2},
}

#: Default per-file limit when UPLOAD_MAX_BYTES is not configured.
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
#: Default limit of all of a brief's current files when UPLOAD_MAX_BRIEF_BYTES is not set.
DEFAULT_MAX_BRIEF_BYTES = 250 * 1024 * 1024
#: Default number of current files one field may hold (UPLOAD_MAX_FIELD_FILES): every file
#: is a row, an event and a line on the pages, so one request of a thousand tiny files
#: must not become a thousand of each.
DEFAULT_MAX_FIELD_FILES = 100

# Error codes; answer_messages turns each into a sentence in the client's language.
EMPTY_FILE = "empty_file"
TOO_BIG = "too_big"
BRIEF_FULL = "brief_full"
TYPE_NOT_ALLOWED = "type_not_allowed"
FIELD_FULL = "field_full"
#: The storage refused the bytes (disk full, folder unwritable): the server's fault.
NOT_STORED = "not_stored"

_CHUNK = 64 * 1024
_SNIFF_BYTES = 8192

# Keys in session.info: paths written in the open transaction (deleted unless it commits),
# and paths of files removed in it (deleted once it commits).
_WRITTEN = "uploads_written"
_REMOVED = "uploads_removed"


class UploadError(ValueError):
    """The file cannot be accepted; `code` says why and `name` which file."""

    def __init__(self, code: str, name: str) -> None:
        super().__init__(code)
        self.code = code
        self.name = name


def max_bytes() -> int:
    """Return the per-file size limit in bytes."""
    return int(current_app.config.get("UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_brief_bytes() -> int:
    """Return the limit of a brief's current files together, in bytes."""
    return int(current_app.config.get("UPLOAD_MAX_BRIEF_BYTES", DEFAULT_MAX_BRIEF_BYTES))


def max_field_files() -> int:
    """Return how many current files one field may hold."""
    return int(current_app.config.get("UPLOAD_MAX_FIELD_FILES", DEFAULT_MAX_FIELD_FILES))


def field_files(field_id: int) -> int:
    """Return how many current files a field holds."""
    return db.session.scalar(
        select(func.count(Upload.id)).where(
            Upload.field_id == field_id, Upload.removed_at.is_(None)
        )
    )


def brief_bytes(brief_id: int) -> int:
    """Return the size of a brief's current files together: all it holds in storage."""
    return db.session.scalar(
        select(func.coalesce(func.sum(Upload.size), 0)).where(
            Upload.brief_id == brief_id, Upload.removed_at.is_(None)
        )
    )


def display_name(filename: str | None) -> str:
    """Return a file name fit to show: no path, no control characters, not too long."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 190 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name or "file"


def named_for(name: str, extension: str) -> str:
    """Return the name ending in an extension of the type the content was sniffed as."""
    stem, dot, given = name.rpartition(".")
    if dot and stem and given.lower() in NAME_EXTENSIONS.get(extension, {extension}):
        return name
    return f"{name}.{extension}"


def store_upload(
    field: BriefField, stream: BinaryIO, filename: str | None, *, actor: Actor, now: datetime
) -> Upload:
    """Store one uploaded file and record it; raise UploadError if refused."""
    refuse_if_closed(field.brief, "upload")
    name = display_name(filename)
    if field_files(field.id) >= max_field_files():
        raise UploadError(FIELD_FULL, name)
    storage = get_storage()
    stored_name = secrets.token_hex(16)
    limit = max_bytes()
    room = max_brief_bytes() - brief_bytes(field.brief_id)
    digest = hashlib.sha256()
    size = 0
    head = b""
    if not storage.transactional:
        db.session.info.setdefault(_WRITTEN, []).append(str(storage.path(stored_name)))
    try:
        with storage.create(stored_name) as out:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadError(TOO_BIG, name)
                if size > room:
                    raise UploadError(BRIEF_FULL, name)
                if len(head) < _SNIFF_BYTES:
                    head += chunk[: _SNIFF_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
            if size == 0:
                raise UploadError(EMPTY_FILE, name)
            kind = filetype.guess(head)
            if kind is None or kind.extension not in ALLOWED_EXTENSIONS:
                raise UploadError(TYPE_NOT_ALLOWED, name)
    except OSError as error:
        # Disk full, folder read-only or missing: what was written is already deleted
        # (storage.create); the client is told politely, the administrator by the log.
        current_app.logger.error("Upload %s could not be stored: %s", stored_name, error)
        raise UploadError(NOT_STORED, name) from error
    name = named_for(name, kind.extension)
    upload = Upload(
        brief_id=field.brief_id,
        field_id=field.id,
        stored_name=stored_name,
        original_name=name,
        size=size,
        content_type=kind.mime,
        sha256=digest.hexdigest(),
        uploaded_by=actor.label,
        created_at=now,
    )
    db.session.add(upload)
    db.session.flush()
    record(field.brief, "file_uploaded", actor, now, field=field, name=name, size=size)
    return upload


def current_uploads(field: BriefField) -> list[Upload]:
    """Return the field's files that have not been removed, oldest first."""
    return list(
        db.session.scalars(
            select(Upload)
            .where(Upload.field_id == field.id, Upload.removed_at.is_(None))
            .order_by(Upload.id)
        )
    )


def uploads_by_field(brief: Brief) -> dict[int, list[Upload]]:
    """Return the brief's current files grouped by field id, in one query."""
    grouped: dict[int, list[Upload]] = defaultdict(list)
    rows = db.session.scalars(
        select(Upload)
        .where(Upload.brief_id == brief.id, Upload.removed_at.is_(None))
        .order_by(Upload.id)
    )
    for upload in rows:
        grouped[upload.field_id].append(upload)
    return grouped


def sync_answer(field: BriefField, *, actor: Actor, now: datetime) -> Answer | None:
    """Save the field's answer as the ids of its current files (a revision if changed)."""
    value = "\n".join(str(upload.id) for upload in current_uploads(field))
    # Adding a file means the question applies after all.
    not_applicable = field.not_applicable and not value
    return save_answer(field, value, not_applicable=not_applicable, actor=actor, now=now)


def remove_upload(
    upload: Upload, field: BriefField, *, actor: Actor, now: datetime
) -> Answer | None:
    """Take a file off its field; its bytes go once this commits, its record stays."""
    refuse_if_closed(field.brief, "upload")
    if upload.removed_at is None:
        upload.removed_at = now
        storage = get_storage()
        if storage.transactional:
            storage.delete(upload.stored_name)  # goes if, and when, this commits
        else:
            db.session.info.setdefault(_REMOVED, []).append(upload_path(upload))
        db.session.flush()
        record(field.brief, "file_removed", actor, now, field=field, name=upload.original_name)
    return sync_answer(field, actor=actor, now=now)


def upload_path(upload: Upload) -> str:
    """Return where the upload's bytes live on local disk (UPLOAD_STORAGE=local)."""
    return str(Path(current_app.config["UPLOAD_FOLDER"]) / upload.stored_name)


def sweep(*, older_than: datetime) -> list[str]:
    """Delete stored files that no current upload owns and that are old enough.

    The age keeps files of uploads still in flight; returns the names deleted.
    """
    kept = set(db.session.scalars(select(Upload.stored_name).where(Upload.removed_at.is_(None))))
    return get_storage().sweep(kept, older_than=older_than)


@event.listens_for(db.session, "after_commit")
def _delete_removed(session: Session) -> None:
    """The transaction committed: its new files stay, its removed files go."""
    session.info.pop(_WRITTEN, None)
    for path in session.info.pop(_REMOVED, []):
        Path(path).unlink(missing_ok=True)


@event.listens_for(db.session, "after_transaction_end")
def _delete_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    """The transaction ended without committing: the files it wrote go, removed ones stay."""
    if transaction.parent is not None:
        return  # a savepoint; the outer transaction decides
    for path in session.info.pop(_WRITTEN, []):
        Path(path).unlink(missing_ok=True)
    session.info.pop(_REMOVED, None)

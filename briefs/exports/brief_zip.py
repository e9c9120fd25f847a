"""Everything of a brief in one ZIP: brief.md and the current files, one folder per section.

Names sort as in the brief: zero-padded positions, slugified labels, the original
extension (`01-the-service/03-certificates/01-licence.pdf`). Files are copied from the
upload storage (briefs.file_storage) into the archive in chunks, so a file on disk never
sits in memory whole. Every entry carries
the moment the caller gives, never the clock, so the same brief gives the same bytes.
"""

from __future__ import annotations

import shutil
import zipfile
from datetime import datetime
from typing import BinaryIO, Protocol

from slugify import slugify

from briefs.models import Brief, Upload


class Storage(Protocol):
    """What the archive needs of briefs.file_storage: a file's size (None if gone), its bytes."""

    def size(self, name: str) -> int | None: ...

    def open(self, name: str) -> BinaryIO: ...


def _part(position: int, width: int, text: str, fallback: str) -> str:
    return f"{position:0{width}d}-{slugify(text, max_length=60) or fallback}"


def file_names(brief: Brief, uploads: list[Upload]) -> list[tuple[str, Upload]]:
    """Name each current upload inside the archive, in brief order."""
    by_field: dict[int, list[Upload]] = {}
    for upload in sorted(uploads, key=lambda u: u.id):
        if upload.removed_at is None:
            by_field.setdefault(upload.field_id, []).append(upload)
    sections = brief.sections
    named: list[tuple[str, Upload]] = []
    used: set[str] = set()
    s_width = max(2, len(str(len(sections))))
    for s_pos, section in enumerate(sections, start=1):
        folder = _part(s_pos, s_width, section.title, "section")
        f_width = max(2, len(str(len(section.fields))))
        for f_pos, field in enumerate(section.fields, start=1):
            files = by_field.get(field.id, [])
            if not files:
                continue
            subfolder = _part(f_pos, f_width, field.label, field.key)
            u_width = max(2, len(str(len(files))))
            for u_pos, upload in enumerate(files, start=1):
                stem, dot, ext = upload.original_name.rpartition(".")
                ext = slugify(ext) if dot and stem else ""
                base = _part(u_pos, u_width, stem if dot and stem else upload.original_name, "file")
                name = f"{folder}/{subfolder}/{base}{'.' + ext if ext else ''}"
                while name in used:  # cannot happen with numbered names; kept as a guard
                    name = name.replace(base, base + "-1", 1)
                used.add(name)
                named.append((name, upload))
    return named


def entry_names(brief: Brief, uploads: list[Upload], storage: Storage) -> dict[int, str]:
    """Return, by upload id, where each file still stored goes in the archive.

    brief.md links each file to this path, relative to itself (both sit at the root).
    """
    return {
        upload.id: name
        for name, upload in file_names(brief, uploads)
        if storage.size(upload.stored_name) is not None
    }


def _entry(name: str, stamp: datetime, compress_type: int) -> zipfile.ZipInfo:
    # ZIP stores local time in 2-second steps and nothing before 1980.
    date_time = max(stamp.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = compress_type
    info.external_attr = 0o644 << 16  # a plain readable file, whatever the disk said
    return info


def write_zip(
    out: BinaryIO,
    brief: Brief,
    markdown: bytes,
    uploads: list[Upload],
    storage: Storage,
    stamp: datetime,
) -> None:
    """Write the archive to `out`: brief.md first, then each file still stored, dated `stamp`."""
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(_entry("brief.md", stamp, zipfile.ZIP_DEFLATED), markdown)
        for name, upload in file_names(brief, uploads):
            size = storage.size(upload.stored_name)
            if size is not None:
                # Images and office files are compressed already; storing them is faster.
                entry = _entry(name, stamp, zipfile.ZIP_STORED)
                entry.file_size = size  # lets zipfile choose ZIP64 upfront
                with storage.open(upload.stored_name) as source, archive.open(entry, "w") as target:
                    shutil.copyfileobj(source, target, 1024 * 1024)

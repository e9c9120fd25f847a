"""The bytes of uploaded files kept in the database (UPLOAD_STORAGE=database)."""

from __future__ import annotations

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from briefs.extensions import db


class StoredFile(db.Model):
    """One file's bytes, under the upload's random stored name."""

    __tablename__ = "stored_file"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)

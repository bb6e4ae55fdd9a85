"""Small files kept in the database (`stored_files`), so that every app server sees the same ones."""
from __future__ import annotations

import hashlib
from datetime import datetime

from babel.units import format_unit
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import CheckConstraint, DateTime, Integer, LargeBinary, String
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .errors import DomainError
from .timeutil import utcnow

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


class StoredFile(db.Model):
    """One file's bytes and what a download needs to describe them. Features refer to it by id;
    the bytes are loaded only when read."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))  # hex; the download's ETag
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (CheckConstraint("size >= 0", name="size_not_negative"),)


class FileTooLarge(DomainError):
    status = 413


def max_bytes() -> int:
    return int(current_app.config.get("FILE_MAX_BYTES") or DEFAULT_MAX_BYTES)


def check_size(data: bytes, field: str | None = None) -> None:
    """Refuse a file above FILE_MAX_BYTES, saying the limit in her language."""
    limit = max_bytes()
    if len(data) > limit:
        raise FileTooLarge(_("The file is larger than %(size)s, the most that can be kept.", size=size_text(limit)),
                           field=field)


def size_text(size: int) -> str:
    """A size as a reader says it, in her language: "5 MB", "200 kB" (Babel's units)."""
    if size >= 1024 * 1024:
        return format_unit(round(size / (1024 * 1024), 1), "digital-megabyte", length="short", locale=get_locale())
    return format_unit(max(1, round(size / 1024)), "digital-kilobyte", length="short", locale=get_locale())


def save(data: bytes, content_type: str, *, field: str | None = None) -> int:
    """Keep the bytes; return the new file's id. In the caller's transaction: nothing is kept
    if it rolls back. Raises FileTooLarge above FILE_MAX_BYTES."""
    check_size(data, field)
    stored = StoredFile(sha256=hashlib.sha256(data).hexdigest(), content_type=content_type, size=len(data),
                        data=data, created_at=utcnow())
    db.session.add(stored)
    db.session.flush()
    return stored.id


def read(file_id: int | None) -> StoredFile | None:
    """The file (its bytes load when `.data` is first used), or None."""
    return db.session.get(StoredFile, file_id) if file_id is not None else None


def delete(*file_ids: int | None) -> int:
    """Delete these files, in the caller's transaction; the database refuses while a
    row still refers to one, so callers delete only what nothing uses. Returns how many went."""
    ids = [i for i in set(file_ids) if i is not None]
    if not ids:
        return 0
    result = db.session.execute(sql_delete(StoredFile).where(StoredFile.id.in_(ids))
                                .execution_options(synchronize_session="fetch"))
    return result.rowcount

"""PDF uploads: checked by what they contain, kept in the database (core.storage) by id."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import storage
from ..core.errors import DomainError
from ..extensions import db
from .models import LeafletRevision, LeafletTranslation

MAX_PDF_BYTES = 5 * 1024 * 1024
_HTML_SIGNS = re.compile(rb"<\s*(html|script|body|iframe|svg|!doctype)", re.IGNORECASE)


def check_pdf(data: bytes) -> None:
    """A real PDF of at most 5 MB: the PDF signature first, an end marker, and nothing that a
    browser would take for a web page (an HTML file renamed, or a PDF/HTML polyglot); read with
    a real parser, with no active content, embedded file or encryption (see pdfcheck)."""
    from .pdfcheck import check_pdf as check_with_parser

    check_with_parser(data)


def store_pdf(data: bytes) -> int:
    """Check the PDF and keep it in the database (every app server reads it there); its file id.
    In the caller's transaction."""
    storage.check_size(data, field="pdf")
    check_pdf(data)
    return storage.save(data, "application/pdf", field="pdf")


def read_pdf(file_id: int | None) -> storage.StoredFile | None:
    return storage.read(file_id)


def forget_unused(*file_ids: int | None) -> int:
    """Delete those of these PDFs that no language version and no published revision refers to
    any more (a replaced draft's file goes; one that a revision kept, stays). In the caller's
    transaction; returns how many went."""
    candidates = {i for i in file_ids if i is not None}
    if not candidates:
        return 0
    db.session.flush()
    used = set(db.session.scalars(select(LeafletTranslation.pdf_file_id)
                                  .where(LeafletTranslation.pdf_file_id.in_(candidates))))
    used |= set(db.session.scalars(select(LeafletRevision.pdf_file_id)
                                   .where(LeafletRevision.pdf_file_id.in_(candidates))))
    return storage.delete(*(candidates - used))


def check_name(filename: str | None) -> None:
    """We never use the uploaded name, but a name with a path or a null byte is an attack: refuse it."""
    name = filename or ""
    if "\x00" in name or "/" in name or "\\" in name or ".." in name:
        raise DomainError(_l("The file's name is not acceptable. Rename it (letters, digits, dashes) and try again."),
                          field="pdf")

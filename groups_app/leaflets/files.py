"""PDF uploads: checked by what they contain, stored under names the server chooses."""
from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..core.errors import DomainError

MAX_PDF_BYTES = 5 * 1024 * 1024
_HTML_SIGNS = re.compile(rb"<\s*(html|script|body|iframe|svg|!doctype)", re.IGNORECASE)


def check_pdf(data: bytes) -> None:
    """A real PDF of at most 5 MB: the PDF signature first, an end marker, and nothing that a
    browser would take for a web page (an HTML file renamed, or a PDF/HTML polyglot)."""
    if not data:
        raise DomainError(_l("The file is empty."), field="pdf")
    if len(data) > MAX_PDF_BYTES:
        raise DomainError(_l("The file is larger than 5 MB."), field="pdf")
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise DomainError(_l("This file is not a PDF."), field="pdf")
    if _HTML_SIGNS.search(data):
        raise DomainError(_l("This PDF also holds web-page code and cannot be accepted."), field="pdf")


def folder() -> Path:
    path = Path(current_app.config.get("LEAFLET_FILES_DIR") or Path(current_app.instance_path) / "leaflet-files")
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_pdf(data: bytes) -> str:
    check_pdf(data)
    name = secrets.token_hex(16) + ".pdf"
    (folder() / name).write_bytes(data)
    return name


def pdf_path(name: str) -> Path | None:
    if not re.fullmatch(r"[0-9a-f]{32}\.pdf", name or ""):
        return None
    path = folder() / name
    return path if path.is_file() else None


def check_name(filename: str | None) -> None:
    """We never use the uploaded name, but a name with a path or a null byte is an attack: refuse it."""
    name = filename or ""
    if "\x00" in name or "/" in name or "\\" in name or ".." in name:
        raise DomainError(_l("The file's name is not acceptable. Rename it (letters, digits, dashes) and try again."),
                          field="pdf")

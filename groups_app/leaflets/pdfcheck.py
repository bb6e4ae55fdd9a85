"""What a leaflet PDF may hold, read with a real parser (pypdf): pages to print and read, nothing
that runs, opens, sends or carries another file, and nothing a browser would take for a web page.

Three looks, because each alone can be fooled: every object pypdf can reach from the trailer (and
every object in the cross-reference table, reached or not) is walked for the names of active
content and embedded files; the raw bytes outside streams are searched for the same names
(with #xx escapes decoded, as a viewer reads them), in case the parser skipped what a viewer
would repair; and the whole raw bytes are searched for HTML and script addresses (polyglots).
"""
from __future__ import annotations

import io
import logging
import re

from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, TextStringObject

from ..core.errors import DomainError

MAX_PDF_BYTES = 5 * 1024 * 1024

# Names that make a PDF do something: run a script, open or fetch another file or address,
# send a form, or play a form of its own (XFA).
ACTIVE = frozenset({
    "/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/SubmitForm", "/ImportData", "/GoToR",
    "/GoToE", "/XFA", "/Rendition", "/Movie", "/Sound", "/Hide", "/SetOCGState", "/Trans3D",
})
# Names that carry another file or a player inside the PDF.
EMBEDDED = frozenset({"/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/RichMediaContent", "/FileAttachment", "/3D"})

SCRIPT_ADDRESS = re.compile(rb"(?:j\s*a\s*v\s*a|v\s*b)\s*s\s*c\s*r\s*i\s*p\s*t\s*:", re.IGNORECASE)
# An HTML tag a browser acts on, or an event handler; `<a ` only with an address or a handler
# after it, since three bytes alone turn up by chance in compressed images.
HTML = re.compile(
    rb"<\s*(?:script|img|meta|iframe|html|body|svg|object|embed|form|style|link|base|frame|frameset|"
    rb"video|audio|input|math|details|marquee|textarea|button|!doctype)[\s/>]"
    rb"|<a[\s/][^<>]{0,300}?(?:href|on[a-z]+)\s*="
    rb"|\bon(?:error|load|click|focus|blur|mouse[a-z]*|animation[a-z]*|toggle|begin|pageshow)\s*=",
    re.IGNORECASE,
)
_NAME = re.compile(rb"/([^\s()<>\[\]{}/%]*)")
_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"(?<=[\s>])stream\r?\n.*?endstream", re.DOTALL)

NOT_A_PDF = _l("This file is not a PDF.")
HTML_INSIDE = _l("This PDF also holds web-page code and cannot be accepted.")
ACTIVE_INSIDE = _l("This PDF holds active content (a script, an action that opens or sends something, or a form "
                   "that runs) and cannot be accepted. Save it again as a plain PDF, for example with "
                   "\u201cPrint to PDF\u201d, and upload that.")
EMBEDDED_INSIDE = _l("This PDF holds an embedded file or media and cannot be accepted. Save it again as a plain "
                     "PDF, for example with \u201cPrint to PDF\u201d, and upload that.")
ENCRYPTED = _l("This PDF is protected with a password or encrypted and cannot be accepted. Save it again "
               "without protection and upload that.")


def _refuse(message) -> DomainError:
    return DomainError(message, field="pdf")


def _judge_name(name: str) -> None:
    if name in ACTIVE:
        raise _refuse(ACTIVE_INSIDE)
    if name in EMBEDDED:
        raise _refuse(EMBEDDED_INSIDE)


def _judge_raw(data: bytes) -> None:
    """The bytes themselves: HTML and script addresses anywhere; names outside stream data."""
    if HTML.search(data) or SCRIPT_ADDRESS.search(data):
        raise _refuse(HTML_INSIDE)
    # Stream data (pictures, page text) is left out: three bytes such as /JS turn up in it by
    # chance. Names in compressed object streams are found by the walk instead.
    for match in _NAME.finditer(_STREAM.sub(b" ", data)):
        name = _HEX.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        _judge_name("/" + name.decode("latin-1"))


def _walk(reader: PdfReader) -> None:
    """Every object reachable from the trailer, and every one the cross-reference table lists."""
    seen: set[tuple[int, int]] = set()
    todo: list = [reader.trailer]
    for generation, numbers in reader.xref.items():
        todo += [IndirectObject(number, generation, reader) for number in numbers]
    todo += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    while todo:
        item = todo.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            try:
                item = item.get_object()
            except (PyPdfError, ValueError, KeyError, IndexError, TypeError):
                continue  # an object the file names but cannot give: nothing a viewer could run either
        if isinstance(item, DictionaryObject):  # streams too: their dictionary, not their data
            for key, value in item.items():
                _judge_name(str(key))
                if key == "/URI" and isinstance(value, (str, bytes)):
                    text = value.encode("latin-1", "replace") if isinstance(value, str) else bytes(value)
                    if SCRIPT_ADDRESS.search(text) or not _plain_address(text):
                        raise _refuse(ACTIVE_INSIDE)
                todo.append(value)
        elif isinstance(item, ArrayObject):
            todo.extend(item)
        elif isinstance(item, NameObject):
            _judge_name(str(item))
        elif isinstance(item, TextStringObject) and SCRIPT_ADDRESS.search(str(item).encode("utf-8", "replace")):
            raise _refuse(ACTIVE_INSIDE)


def _plain_address(uri: bytes) -> bool:
    """A link in the PDF goes to a web page, an email address or a phone: nothing else."""
    cleaned = re.sub(rb"[\x00-\x20]", b"", uri).lower()
    return cleaned.startswith((b"https://", b"http://", b"mailto:", b"tel:"))


def check_pdf(data: bytes) -> None:
    """Raise DomainError (field "pdf") unless `data` is a plain PDF of at most 5 MB."""
    if not data:
        raise _refuse(_l("The file is empty."))
    if len(data) > MAX_PDF_BYTES:
        raise _refuse(_l("The file is larger than 5 MB."))
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise _refuse(NOT_A_PDF)  # also a PDF cut short: its end marker is missing
    _judge_raw(data)
    quiet = logging.getLogger("pypdf")
    level, quiet.level = quiet.level, logging.ERROR  # a damaged file is refused, not logged at length
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse(ENCRYPTED)
        if len(reader.pages) < 1:
            raise _refuse(NOT_A_PDF)
        _walk(reader)
        for page in reader.pages:
            page.mediabox  # noqa: B018 - every page must be readable
    except DomainError:
        raise
    except Exception:  # pypdf raises many kinds on a broken file (PdfReadError, ValueError, ...)
        raise _refuse(NOT_A_PDF) from None
    finally:
        quiet.level = level

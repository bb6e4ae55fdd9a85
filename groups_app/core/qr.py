"""QR codes for paper (printed leaflets, sign-in sheets): made here as inline SVG, no network call."""
from __future__ import annotations

import io

import segno
from markupsafe import Markup

QUIET_ZONE = 4  # modules of white around the code, as the standard asks, so phones find its edges
# A printed code 25-30 mm wide: modules of about 0.75 mm, which a cheap phone camera reads at arm's length
# and a cheap printer still prints apart.
MODULE_MM = 0.75
MIN_MM, MAX_MM = 25, 30


def make(url: str) -> segno.QRCode:
    """The code for `url`: a regular QR code (never a micro one), error correction M."""
    return segno.make(url, error="m", micro=False, boost_error=False)


def print_size_mm(code: segno.QRCode) -> float:
    width, _height = code.symbol_size(border=QUIET_ZONE)
    return round(min(MAX_MM, max(MIN_MM, width * MODULE_MM)), 1)


def qr_svg(url: str, *, title: str) -> Markup:
    """An <svg> element to put in a page: black modules on white, sized in millimetres for paper,
    with a <title> and an aria-label saying what it is. No XML declaration, no style attribute and
    no data: URL, so the Content-Security-Policy lets it through as it is."""
    code = make(url)
    out = io.BytesIO()
    code.save(out, kind="svg", xmldecl=False, svgns=False, omitsize=True, border=QUIET_ZONE,
              dark="#000", light="#fff", title=str(title), svgclass="qr", lineclass=None)
    svg = out.getvalue().decode("utf-8").strip()
    size = f"{print_size_mm(code)}mm"
    # segno escapes the title it writes; the attributes added here are escaped by Markup.format.
    opening = Markup('<svg role="img" aria-label="{0}" width="{1}" height="{1}" shape-rendering="crispEdges" ').format(
        str(title), size)
    if not svg.startswith("<svg "):
        raise RuntimeError("segno wrote an SVG this module does not expect")
    # segno's SVG holds numbers, a colour and the title it escaped: nothing from a user unescaped.
    return opening + Markup(svg[len("<svg "):])  # nosec B704

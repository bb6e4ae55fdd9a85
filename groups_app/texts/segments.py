"""How many SMS segments a text costs: GSM-7 (160 / 153 a part) or UCS-2 (70 / 67 a part)."""
from __future__ import annotations

from typing import NamedTuple

# GSM 03.38 default alphabet (one septet each) and its extension table (escape + one septet).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM_SINGLE, GSM_PART = 160, 153  # septets; a part loses 7 to its header
UCS2_SINGLE, UCS2_PART = 70, 67  # UTF-16 code units; a part loses 3


class Segments(NamedTuple):
    encoding: str  # "GSM-7" or "UCS-2"
    segments: int
    length: int  # septets for GSM-7, UTF-16 code units for UCS-2


def _parts(units: list[int], single: int, part: int) -> int:
    """Parts needed: one if everything fits in `single`, else packed `part` units at a time,
    never splitting a character (an escape pair, a surrogate pair) across two parts, as phones do."""
    total = sum(units)
    if total <= single:
        return 1
    parts, used = 1, 0
    for size in units:
        if used + size > part:
            parts, used = parts + 1, 0
        used += size
    return parts


def count_segments(text: str) -> Segments:
    if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text):
        units = [2 if ch in GSM_EXTENSION else 1 for ch in text]
        return Segments("GSM-7", _parts(units, GSM_SINGLE, GSM_PART), sum(units))
    units = [2 if ord(ch) > 0xFFFF else 1 for ch in text]  # outside the BMP (emoji): a surrogate pair
    return Segments("UCS-2", _parts(units, UCS2_SINGLE, UCS2_PART), sum(units))

"""The tree of thanks as SVG, drawn on the server from data alone: no script, no randomness.

Each leaf takes a place among `max(goal, leaves)` places spread over the crown on a sunflower
spiral (so that leaves never pile up); which place is chosen by a hash of the dedication's id,
the next free one when it is taken, in the order of the ids. The same ids and goal give the same
bytes; a new leaf leaves the others where they were. The drawing is one image for a screen
reader (its title and description say how many leaves): the messages are text beside it.
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass

from babel.numbers import format_decimal
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from markupsafe import escape

from ..core.i18n import direction

WIDTH, HEIGHT = 400, 460
CROWN = (200.0, 180.0, 180.0, 145.0)  # centre x, centre y, half width, half height
GROUND = 432
BAR = (40.0, 444.0, 320.0, 8.0)  # the way to the goal: x, y, width, height
SHADES = ("#2e7d32", "#43873a", "#1f6b4a")
BARK = "#6d4a2f"
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
MAX_LEAF, MIN_LEAF = 26.0, 7.0


@dataclass(frozen=True)
class Leaf:
    id: int
    x: float
    y: float
    angle: int  # degrees
    shade: int


def _hash(key: int) -> int:
    return int.from_bytes(hashlib.blake2b(str(key).encode(), digest_size=8).digest(), "big")


def places(count: int) -> list[tuple[float, float]]:
    """`count` places spread evenly over the crown (a sunflower spiral squeezed into an ellipse)."""
    cx, cy, rx, ry = CROWN
    spots = []
    for k in range(count):
        r = math.sqrt((k + 0.5) / count)
        t = k * GOLDEN_ANGLE
        spots.append((cx + rx * r * math.cos(t), cy + ry * r * math.sin(t)))
    return spots


def leaf_size(count: int) -> float:
    """A leaf's length: as large as the crown allows for `count` places, within bounds."""
    _cx, _cy, rx, ry = CROWN
    return max(MIN_LEAF, min(MAX_LEAF, 1.3 * math.sqrt(math.pi * rx * ry / max(count, 1))))


def place_leaves(ids: Iterable[int], goal: int) -> list[Leaf]:
    ordered = sorted(set(ids))
    count = max(goal, len(ordered), 1)
    spots = places(count)
    taken: set[int] = set()
    cx, cy = CROWN[0], CROWN[1]
    leaves = []
    for key in ordered:
        h = _hash(key)
        slot = h % count
        while slot in taken:
            slot = (slot + 1) % count
        taken.add(slot)
        x, y = spots[slot]
        outward = math.degrees(math.atan2(y - cy, x - cx)) if (x, y) != (cx, cy) else -90.0
        angle = round(outward + (h >> 20) % 61 - 30) % 360
        leaves.append(Leaf(key, round(x, 1), round(y, 1), angle, (h >> 40) % len(SHADES)))
    return leaves


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _leaf_path(size: float) -> str:
    w = size * 0.36
    return f"M0 0Q{_n(size / 2)} {_n(-w)} {_n(size)} 0Q{_n(size / 2)} {_n(w)} 0 0Z"


def _trunk_and_branches() -> str:
    return (
        f'<path d="M186 {GROUND}C191 380 193 310 195 232L205 232C207 310 209 380 214 {GROUND}Z" fill="{BARK}"/>'
        f'<g fill="none" stroke="{BARK}" stroke-width="6" stroke-linecap="round">'
        '<path d="M199 300Q150 280 92 250"/><path d="M201 292Q255 270 310 244"/>'
        '<path d="M199 262Q168 222 118 192"/><path d="M201 256Q236 214 284 186"/>'
        '<path d="M200 238Q196 180 200 112"/></g>'
    )


def draw_tree(leaves: Iterable[int], goal: int, locale: str) -> str:
    """The tree as an SVG document fragment: one leaf per dedication id, the way to `goal` under
    it, running from the side where `locale` starts its lines; title and description in `locale`."""
    goal = max(int(goal), 1)
    placed = place_leaves(leaves, goal)
    count = len(placed)
    # While the tree is young its few leaves are drawn larger: they sit far apart anyway.
    size = max(leaf_size(max(goal, count)), leaf_size(3 * max(count, 1)))
    with force_locale(locale):
        title = _("Tree of thanks")
        description = ngettext("%(leaves)s leaf of the %(goal)s the program hopes for. The messages are listed with the "
                               "drawing.", "%(leaves)s leaves of the %(goal)s the program hopes for. The messages are "
                               "listed with the drawing.", count,
                               leaves=format_decimal(count, locale=locale), goal=format_decimal(goal, locale=locale))
    cx, cy, rx, ry = CROWN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="tree-title tree-desc" class="tree-drawing" lang="{escape(locale)}">',
        f'<title id="tree-title">{escape(title)}</title><desc id="tree-desc">{escape(description)}</desc>',
        f'<defs><path id="leaf" d="{_leaf_path(size)}"/></defs>',
        f'<ellipse cx="{_n(cx)}" cy="{_n(cy)}" rx="{_n(rx + 8)}" ry="{_n(ry + 8)}" fill="#eaf4e4"/>',
        _trunk_and_branches(),
        f'<path d="M10 {GROUND}H390" stroke="{BARK}" stroke-width="2"/>',
    ]
    for shade, colour in enumerate(SHADES):
        uses = "".join(f'<use href="#leaf" transform="translate({_n(leaf.x)} {_n(leaf.y)})rotate({leaf.angle})"/>'
                       for leaf in placed if leaf.shade == shade)
        if uses:
            parts.append(f'<g fill="{colour}">{uses}</g>')
    bx, by, bw, bh = BAR
    done = bw * min(count / goal, 1.0)
    start = bx + bw - done if direction(locale) == "rtl" else bx
    parts.append(f'<rect x="{_n(bx)}" y="{_n(by)}" width="{_n(bw)}" height="{_n(bh)}" rx="4" fill="#ffffff" '
                 f'stroke="#2e7d32"/>')
    if done:
        parts.append(f'<rect x="{_n(start)}" y="{_n(by)}" width="{_n(done)}" height="{_n(bh)}" rx="4" fill="#2e7d32"/>')
    parts.append("</svg>")
    return "".join(parts)

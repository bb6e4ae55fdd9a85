"""The figures page's trends as SVG charts drawn on the server with pygal: no script, no address
outside the SVG namespace, a <title> and <desc> inside; the page shows the numbers in a table.

Each chart is its own image (`visits.figure_chart`, shown with <img alt>): the page's
Content-Security-Policy (style-src 'self') would block the <style> that pygal writes into an SVG
embedded in the page. The image carries its own policy instead, which allows that one <style>
by its hash and nothing else.

Time runs left to right in a chart, in right-to-left pages too (as in the program's printed
reports in Hebrew and Arabic); the labels themselves are in the reader's language.
"""
from __future__ import annotations

import base64
import hashlib
import re
from xml.etree import ElementTree

import pygal
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from pygal.style import Style

from .services.figures import Trend

WIDTH, HEIGHT = 420, 280  # small: drawn at a phone's width, the labels stay readable
FONTS = 'system-ui, "Noto Sans", "Noto Sans Hebrew", "Noto Sans Arabic", "Noto Sans Ethiopic", sans-serif'
STYLE = Style(
    background="#fffdfb", plot_background="#fffdfb", foreground="#1f1a1c", foreground_strong="#1f1a1c",
    foreground_subtle="#cbbac3", colors=("#8a3b6b",), font_family=FONTS, label_font_size=13,
    major_label_font_size=13, title_font_size=15, value_font_size=12, tooltip_font_size=12, opacity=".9",
    opacity_hover=".9", transition="none", no_data_font_size=15,
)


def chart_svg(trend: Trend, kind: str) -> tuple[str, str]:
    """The trend as an SVG bar ("bar") or line ("line") chart, and the Content-Security-Policy to
    serve it with. A hidden count ("<5") is left out of the chart, as it is left out of the table."""
    values = [None if cell.mark else cell.value for cell in trend.cells]
    top = max([v for v in values if v is not None] or [0])
    found: dict[str, str] = {}
    chart = (pygal.Line if kind == "line" else pygal.Bar)(
        style=STYLE, width=WIDTH, height=HEIGHT, show_legend=False, disable_xml_declaration=True, js=[],
        no_prefix=True, explicit_size=True, x_label_rotation=45, truncate_label=-1, include_x_axis=True,
        y_labels=_ticks(top), value_formatter=lambda v: format_decimal(v), margin=8, spacing=8, dots_size=3,
        allow_interruptions=True, no_data_text=_("Every count here is under 5: nothing to draw."),
    )
    chart.add_xml_filter(lambda root: _clean(root, trend.title, found))
    chart.x_labels = trend.ticks
    chart.add(trend.unit, values)
    svg = chart.render(is_unicode=True)
    digest = base64.b64encode(hashlib.sha256(found.get("style", "").encode()).digest()).decode()
    policy = f"default-src 'none'; style-src 'sha256-{digest}'; frame-ancestors 'self'"
    return svg, policy


def _ticks(top: int) -> list[int]:
    """Whole numbers from 0 past `top`, 1, 2 or 5 times a power of ten apart, at most 6 of them."""
    steps = (step * power for power in (10 ** n for n in range(9)) for step in (1, 2, 5))
    step = next(s for s in steps if top // s + 1 <= 5)
    return list(range(0, (top // step + 1) * step + 1, step))


def _clean(root, title: str, found: dict):
    """No script, no comment (pygal writes its address and the server's date), no tooltip (it needs
    the script), no style="" attribute; a <title> and <desc> first; remembers the <style> text."""
    for parent in list(root.iter()):
        for child in list(parent):
            classes = child.get("class", "").split()
            if child.tag is ElementTree.Comment or child.tag == "script" or "tooltip-overlay" in classes:
                parent.remove(child)
        parent.attrib.pop("style", None)
    for node in root.iter("style"):  # with no_prefix, pygal leaves the rules for the whole chart without a selector
        node.text = re.sub(r"(^|\n)\{", r"\1svg{", node.text or "")
        found["style"] = node.text
    root.attrib.pop("id", None)
    heading = root.find("title")
    if heading is None:
        heading = ElementTree.SubElement(root, "title")
    root.remove(heading)
    heading.text = title
    description = ElementTree.Element("desc")
    description.text = _("The numbers are in the table beside this chart on the program figures page.")
    root.insert(0, description)
    root.insert(0, heading)
    root.set("role", "img")
    root.set("lang", str(get_locale() or "he"))
    return root

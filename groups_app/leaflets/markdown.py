"""Leaflet bodies are Markdown: raw HTML and unsafe links are refused, and rendering never lets
HTML through, so no script can reach a reader's page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..core.errors import DomainError

_render = MarkdownIt("commonmark", {"html": False, "linkify": False})
_inspect = MarkdownIt("commonmark", {"html": True})
SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:", "/", "#")


def problems(text: str) -> None:
    """Raise DomainError for raw HTML or a link that is not http(s), mailto, tel or on-site."""
    for token in _inspect.parse(text):
        if token.type == "html_block":
            raise DomainError(_l("The text holds HTML. Please use Markdown only (no tags like <p> or <script>)."), field="body")
        for child in token.children or []:
            if child.type == "html_inline":
                raise DomainError(_l("The text holds HTML. Please use Markdown only (no tags like <p> or <script>)."),
                                  field="body")
            if child.type in ("link_open", "image"):
                target = (child.attrGet("href") or child.attrGet("src") or "").strip().lower()
                if not target.startswith(SAFE_SCHEMES):
                    raise DomainError(_l("Links must start with https://, http://, mailto: or tel:."), field="body")
    # markdown-it leaves a link it finds unsafe as plain text; catch those too.
    lowered = text.lower().replace(" ", "")
    for scheme in ("javascript:", "vbscript:", "data:"):
        if f"]({scheme}" in lowered or f"]:{scheme}" in lowered:
            raise DomainError(_l("Links must start with https://, http://, mailto: or tel:."), field="body")


def render(text: str) -> Markup:
    """Safe HTML for a leaflet body (raw HTML in the text comes out escaped)."""
    return Markup(_render.render(text))  # noqa: S704 - markdown-it escapes all HTML when html=False
